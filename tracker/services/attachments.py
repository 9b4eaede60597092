"""Evidence files, stored once by SHA-256 under the attachments folder next to the database; the
original (sanitised) name is kept in the database, and the hash is shown so that a printed report
can be checked against the file."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import settings as app_settings
from ..domain.attachment_rules import ALLOWED, check, extension, safe_name
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..inputs.file_structure import is_well_formed
from ..store import connection, records
from ..store import request_queries as rq
from .context import Context, PermissionDenied


def folder(db_path: Path) -> Path:
    """Where a database's attachments are kept (beside it), each under its content's hash."""
    return Path(db_path).parent / "attachments"


def _path(db_path: Path, sha256: str) -> Path:
    return folder(db_path) / sha256[:2] / sha256


@dataclass(frozen=True)
class Attachment:
    id: int
    sha256: str
    original_name: str
    content_type: str
    size: int


# who may bring evidence files: whoever records something a file proves (a contract, a certificate,
# an inspection, an incident); managers and administrators read them
ATTACHING = (Action.EDIT_REGISTRY, Action.RECORD_REVIEWS, Action.HANDLE_INCIDENTS, Action.ANSWER_REQUEST)


def require_attaching(ctx: Context) -> None:
    """Refuse (PermissionDenied) a role that records nothing evidence could be attached to."""
    if not any(ctx.can(action) for action in ATTACHING):
        raise PermissionDenied(ctx.actor, Action.EDIT_REGISTRY)


def store(ctx: Context, original_name: str, data: bytes) -> int:
    """Validate and keep a file as registry evidence; the same content is stored once, whatever its name."""
    ctx.require(Action.EDIT_REGISTRY)
    kept = keep_file(ctx, original_name, data)
    with ctx.write(Action.EDIT_REGISTRY) as db:
        return record(db, ctx, kept)


@dataclass(frozen=True)
class KeptFile:
    name: str
    sha256: str
    size: int


def keep_file(ctx: Context, original_name: str, data: bytes) -> KeptFile:
    """Check the upload and write it under its hash (before the database transaction that records
    it: content-addressed, so a file whose record was rolled back is harmless and reused)."""
    require_attaching(ctx)
    name = safe_name(original_name)
    raise_if_any(check(name, data, app_settings.load().attachment_max_bytes))
    if not is_well_formed(extension(name), data):
        raise_if_any([Problem("file", "error.attachment.content_mismatch")])
    digest = hashlib.sha256(data).hexdigest()
    target = _path(ctx.db_path, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, target)  # whole file or none: never a half-written one under its hash
    return KeptFile(name, digest, len(data))


def record(db, ctx: Context, kept: KeptFile) -> int:
    """The attachment's row, inside the caller's transaction."""
    require_attaching(ctx)
    return records.insert(db, "attachments", {"sha256": kept.sha256, "original_name": kept.name,
                                              "content_type": ALLOWED[extension(kept.name)][0], "size": kept.size},
                          ctx.actor.username)


def discard_files(db_path: Path, hashes: list[str]) -> None:
    """Remove the stored files of ``hashes`` that no attachment row names (after the transaction that
    dropped or never kept their rows)."""
    if not hashes:
        return
    with connection.reading(db_path) as db:
        unnamed = rq.unreferenced_hashes(db, hashes)
    for digest in unnamed:
        _path(db_path, digest).unlink(missing_ok=True)


def drop_unnamed(db, ctx: Context, owner: str, named: set[int]) -> list[str]:
    """Inside the caller's transaction: the attachment rows ``owner`` brought that no answer names
    (a file replaced, a refused try); returns their hashes, for ``discard_files`` after commit."""
    require_attaching(ctx)
    dropped = [row for row in rq.vendor_files(db, owner) if row["id"] not in named]
    for row in dropped:
        records.delete(db, "attachments", row["id"], ctx.actor.username)
    return [row["sha256"] for row in dropped]


def get(ctx: Context, attachment_id: int) -> Attachment:
    """An attachment's record. Raises NotFound."""
    with ctx.read() as db:
        row = records.get(db, "attachments", attachment_id, "attachment")
    return Attachment(row["id"], row["sha256"], row["original_name"], row["content_type"], row["size"])


class AttachmentDamaged(Exception):
    """The stored file is missing or no longer matches its hash."""


def read(ctx: Context, attachment_id: int) -> tuple[Attachment, bytes]:
    """An attachment and its content, checked against its hash. Raises NotFound, AttachmentDamaged."""
    attachment = get(ctx, attachment_id)
    path = _path(ctx.db_path, attachment.sha256)
    if not path.exists():
        raise AttachmentDamaged(f"{attachment.original_name}: file missing")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise AttachmentDamaged(f"{attachment.original_name}: file altered")
    return attachment, data
