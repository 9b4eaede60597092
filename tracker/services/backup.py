"""Backup and restore: a consistent copy of the database, taken while the app runs (SQLite online
backup), with the attachments, in one archive."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ..store import migrations
from .attachments import folder as attachments_folder

DB_NAME = "tracker.db"
MANIFEST = "manifest.json"


class RestoreRefused(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(db_path: Path, out: Path) -> dict:
    """Write ``out`` (.tar.gz): the database as of one moment, every attachment, and a manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DB_NAME
        source = sqlite3.connect(db_path, timeout=30)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # a consistent snapshot, even with writers busy
        finally:
            target.close()
            source.close()
        files = sorted(p for p in attachments_folder(db_path).rglob("*") if p.is_file()) \
            if attachments_folder(db_path).exists() else []
        manifest = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "database_sha256": _sha256(copy), "attachments": len(files)}
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(out, "w:gz") as archive:
            archive.add(Path(tmp) / MANIFEST, MANIFEST)
            archive.add(copy, DB_NAME)
            for path in files:
                archive.add(path, f"attachments/{path.relative_to(attachments_folder(db_path)).as_posix()}")
    return manifest


def restore(archive_path: Path, db_path: Path) -> dict:
    """Restore into an empty location only: an existing database or attachments are never overwritten."""
    if db_path.exists() and db_path.stat().st_size > 0:
        raise RestoreRefused(f"{db_path} already exists; restore into an empty location")
    if attachments_folder(db_path).exists() and any(attachments_folder(db_path).iterdir()):
        raise RestoreRefused(f"{attachments_folder(db_path)} is not empty")
    with tarfile.open(archive_path, "r:gz") as archive:
        names = archive.getnames()
        if MANIFEST not in names or DB_NAME not in names:
            raise RestoreRefused(f"{archive_path} is not a tracker backup")
        for member in archive.getmembers():
            allowed = member.name in (MANIFEST, DB_NAME) or member.name.startswith("attachments/")
            if not allowed or ".." in Path(member.name).parts or not (member.isfile() or member.isdir()):
                raise RestoreRefused(f"unexpected entry in the archive: {member.name}")
        manifest = json.loads(archive.extractfile(MANIFEST).read().decode("utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            archive.extractall(tmp, filter="data")
            restored = Path(tmp) / DB_NAME
            if _sha256(restored) != manifest["database_sha256"]:
                raise RestoreRefused("the database in the archive does not match its manifest")
            db_path.parent.mkdir(parents=True, exist_ok=True)
            restored.replace(db_path)
            source_attachments = Path(tmp) / "attachments"
            if source_attachments.exists():
                attachments_folder(db_path).mkdir(parents=True, exist_ok=True)
                for path in source_attachments.rglob("*"):
                    if path.is_file():
                        target = attachments_folder(db_path) / path.relative_to(source_attachments)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        path.replace(target)
    migrations.migrate(db_path)
    return manifest
