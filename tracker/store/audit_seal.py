"""What makes the audit trail tamper-evident to someone who can write the database file: a secret key
kept outside the database (every record's hash is an HMAC with it), and the newest record's hash
kept outside it too (the head file), so that records cut off the end are noticed.

Both files sit next to the database unless ``TRACKER_AUDIT_KEY_FILE`` names the key's place (the
head file then sits beside the key). Put the key where the database's writers cannot read it, and
back it up separately from the database: without it the trail cannot be verified.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

KEY_ENV = "TRACKER_AUDIT_KEY_FILE"
_HEAD_LOCK = threading.Lock()


class AuditKeyMissing(Exception):
    """The trail was sealed with a key that is no longer where it should be."""


def key_path(db_path: Path | str) -> Path:
    """Where the audit key of a database lives: $TRACKER_AUDIT_KEY_FILE, else audit.key beside it."""
    configured = os.environ.get(KEY_ENV)
    return Path(configured) if configured else Path(db_path).resolve().parent / "audit.key"


def head_path(db_path: Path | str) -> Path:
    """Where the last sealed record (id and hash) is kept, beside the key."""
    key = key_path(db_path)
    return key.with_name(key.stem + ".head")


def create_key(db_path: Path | str) -> bytes:
    """A new random key, written with mode 0600 (readable by the app's user only)."""
    path = key_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.hex().encode("ascii"))
    _cached_key.cache_clear()
    return key


def install_key(db_path: Path | str, key: bytes) -> None:
    """Put a known key (from a backup) in this database's key place, mode 0600."""
    path = key_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.hex().encode("ascii"))
    _cached_key.cache_clear()


def read_key_file(path: Path | str) -> bytes:
    """The key in a key file (hex); raises AuditKeyMissing when the file holds no key."""
    text = Path(path).read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError as error:
        raise AuditKeyMissing(f"{path} is not an audit key") from error
    if len(key) < 32:
        raise AuditKeyMissing(f"{path} is not an audit key")
    return key


def has_key(db_path: Path | str) -> bool:
    """Whether the database's audit key is in its place."""
    return key_path(db_path).exists()


def key(db_path: Path | str) -> bytes:
    """The key of this database; AuditKeyMissing when it is not in its place."""
    return _cached_key(str(key_path(db_path)))


@lru_cache(maxsize=16)
def _cached_key(path: str) -> bytes:
    if not Path(path).exists():
        raise AuditKeyMissing(f"the audit key {path} is missing: restore it from its backup "
                              f"(or set {KEY_ENV} to where it is)")
    return read_key_file(path)


def read_head(db_path: Path | str) -> tuple[int, str] | None:
    """(record id, hash) of the newest record sealed outside the database, if any."""
    path = head_path(db_path)
    if not path.exists():
        return None
    text = path.read_text(encoding="ascii").strip()
    record_id, _, digest = text.partition(" ")
    return (int(record_id), digest) if record_id.isdigit() and digest else None


def write_head(db_path: Path | str, record_id: int, digest: str) -> None:
    """Move the head forward (never back: a writer that committed earlier may write later)."""
    path = head_path(db_path)
    with _HEAD_LOCK:
        current = read_head(db_path)
        if current and current[0] >= record_id:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="ascii",
                                         prefix=".audit-head-") as handle:
            handle.write(f"{record_id} {digest}\n")
        os.chmod(handle.name, 0o600)
        os.replace(handle.name, path)


def database_file(db) -> str:
    """The file behind an open connection (sqlite-utils Database or sqlite3), asked once per connection."""
    known = getattr(db, "database_file", None)
    if known is None:
        known = getattr(db, "conn", db).execute("PRAGMA database_list").fetchone()[2]
        with contextlib.suppress(AttributeError):  # a bare sqlite3 connection takes no attributes
            db.database_file = known
    return known
