"""Writing rows: stamps who and when, refuses a stale update (optimistic versioning), and appends
the audit record of every change in the same transaction as the change.

Every change to business data goes through ``insert``, ``update``, ``update_unversioned`` and
``delete`` here, so that none escapes the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, UTC
from typing import Any

from sqlite_utils import Database

from . import connection, json_columns
from .lookups import required

from ..domain.audit_chain import GENESIS, canonical, record_hash
from . import audit_seal
from ..domain.limits import text_problems
from ..domain.problems import StaleRecord, raise_if_any

AUDIT_HEAD = connection.AUDIT_HEAD
_SECRET_COLUMNS = {"password_hash", "token_hash", "secret"}  # the trail says that it changed, never what it is


_stamp = (0, "")  # (second, its text): thousands of rows are stamped within one second in an import


def now_utc() -> str:
    """The current second in UTC as ISO text (the stamp of every write)."""
    global _stamp
    second = int(time.time())
    if _stamp[0] != second:
        _stamp = (second, datetime.fromtimestamp(second, UTC).isoformat(timespec="seconds"))
    return _stamp[1]


def get(db: Database, table: str, row_id: int, what: str) -> dict[str, Any]:
    """A row by its id with its JSON columns decoded; raises NotFound(what, row_id)."""
    return json_columns.decoded(table, required(fetch(db, table, row_id), what, row_id))


def fetch(db: Database, table: str, row_id: int) -> dict[str, Any] | None:
    """A row as stored (JSON as text: what the audit trail records), or None."""
    rows = list(db.query(f'SELECT * FROM "{table}" WHERE id = ?', [row_id]))
    return rows[0] if rows else None


def insert(db: Database, table: str, values: dict[str, Any], username: str) -> int:
    """Add a row stamped with who and when (JSON columns given as Python values) and its audit
    record; returns its id. Raises RuleViolation when a text is over its limit."""
    values = json_columns.encoded(table, values)
    raise_if_any(text_problems(values))  # every way in (forms, import, command line) meets the same limits
    stamp = now_utc()
    row = {**values, "created_at": stamp, "created_by": username, "updated_at": stamp, "updated_by": username}
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    # RETURNING: the row as stored (defaults, affinities) for the audit record, without reading it again
    after = _returned(db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks}) RETURNING *',
                                 list(row.values())))
    connection.touch(db, table)
    row_id = int(after["id"])
    log(db, username, "insert", table, row_id, None, after)
    return row_id


def _returned(cursor) -> dict[str, Any] | None:
    """The row a statement's RETURNING * gave (None: it changed no row)."""
    rows = cursor.fetchall()
    return dict(zip((d[0] for d in cursor.description), rows[0], strict=True)) if rows else None


def update(
    db: Database, table: str, row_id: int, expected_version: int, values: dict[str, Any], username: str
) -> None:
    """Apply ``values`` only if the row still has ``expected_version``; else raise StaleRecord."""
    before = fetch(db, table, row_id)
    if before is None or before["version"] != expected_version:
        raise StaleRecord(table, row_id, before)
    _set(db, table, row_id, {**values, "version": expected_version + 1}, username, before)


def update_unversioned(db: Database, table: str, row_id: int, values: dict[str, Any], username: str) -> None:
    """For rows guarded by their parent's version (a contract's checklist entries)."""
    _set(db, table, row_id, values, username, fetch(db, table, row_id))


def delete(db: Database, table: str, row_id: int, username: str) -> None:
    """Delete a row and append its audit record (inside the caller's transaction)."""
    before = fetch(db, table, row_id)
    db.execute(f'DELETE FROM "{table}" WHERE id = ?', [row_id])
    connection.touch(db, table)
    log(db, username, "delete", table, row_id, before, None)


def _set(db: Database, table: str, row_id: int, values: dict[str, Any], username: str, before: dict | None) -> None:
    values = json_columns.encoded(table, values)
    raise_if_any(text_problems(values))
    row = {**values, "updated_at": now_utc(), "updated_by": username}
    assignments = ", ".join(f'"{c}" = ?' for c in row)
    after = _returned(db.execute(f'UPDATE "{table}" SET {assignments} WHERE id = ? RETURNING *',
                                 [*row.values(), row_id]))
    connection.touch(db, table)
    log(db, username, "update", table, row_id, before, after)


def log(db: Database, username: str, action: str, table: str | None = None, row_id: int | None = None,
        before: dict | None = None, after: dict | None = None) -> None:
    """Append one record to the hash-chained audit trail (inside the caller's transaction); the
    head file outside the database follows when the transaction commits (``connection.writing``)."""
    state = getattr(db, "audit_state", None)  # this transaction's key and last record, once it has one
    if state is None:
        key = audit_seal.key(audit_seal.database_file(db))
        head = db.execute("SELECT value FROM settings WHERE key = ?", [AUDIT_HEAD]).fetchone()
        prev_hash = head[0] if head else GENESIS
        record_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_log").fetchone()[0]
    else:  # the write lock is held: nobody else appends, so the next record follows the last (an import
        key, last_id, prev_hash = state  # writes thousands in one transaction)
        record_id = last_id + 1
    at = now_utc()
    before_json, after_json = canonical(redact(before, key)), canonical(redact(after, key))
    digest = record_hash(record_id, at, username, action, table, row_id, before_json, after_json, prev_hash, key)
    db.execute(
        "INSERT INTO audit_log(id, at, username, action, table_name, row_id, before, after, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [record_id, at, username, action, table, row_id, before_json, after_json, prev_hash, digest],
    )
    db.audit_state = (key, record_id, digest)  # the head setting is written once, at commit
    db.audit_head = (record_id, digest)  # sealed outside the database once committed


def redact(row: dict | None, key: bytes) -> dict | None:
    """A secret column is recorded as a keyed fingerprint: the trail shows that it changed (and
    a change made without a record is noticed), never what it is."""
    if row is None:
        return None
    return {k: (_fingerprint(v, key) if k in _SECRET_COLUMNS and v else v) for k, v in row.items()}


def _fingerprint(value: str, key: bytes) -> str:
    return "hmac:" + hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()[:16]
