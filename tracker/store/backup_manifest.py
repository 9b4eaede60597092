"""The manifest of a backup archive (manifest.json): what the archive holds and the hash of each
file, written beside the database copy and read back before anything is restored."""

from __future__ import annotations

import json
from pathlib import Path


class ManifestUnreadable(Exception):
    """The manifest is not JSON, or lacks a key every manifest has."""


def write(path: Path, manifest: dict) -> None:
    """Write the manifest to ``path`` as JSON."""
    path.write_bytes(json.dumps(manifest, indent=2).encode("utf-8"))


def read(path: Path) -> dict:
    """The manifest at ``path``; raises ManifestUnreadable."""
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
        manifest["database_sha256"], manifest["attachments"]  # noqa: B018 - the keys every manifest has
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise ManifestUnreadable(str(error)) from error
    return manifest
