"""The audit trail as a hash chain (reference `003…` 4-8-6: access records and their protection).

Each record carries the hash of the one before it and a hash over its own content and that link,
so an edited, deleted or reordered record breaks the chain at that point. The hash is an HMAC with a
key kept outside the database, so whoever can write the database cannot recompute it. The hash of
the newest record (the head) is kept apart, so that cutting records off the end is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: str
    username: str
    action: str  # insert / update / delete / sign_in / sign_in_failed …
    table_name: str | None
    row_id: int | None
    before: str | None  # canonical JSON
    after: str | None
    prev_hash: str
    hash: str


# made once: json.dumps with options builds a new encoder per call (an import hashes thousands of rows)
_ROW_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def canonical(values: dict[str, Any] | None) -> str | None:
    """The one JSON text of a row that the hash is taken over."""
    if values is None:
        return None
    return _ROW_JSON.encode(values)


def record_hash(id: int, at: str, username: str, action: str, table_name: str | None, row_id: int | None,
                before: str | None, after: str | None, prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 with ``key`` (plain SHA-256 only for a trail sealed before keys existed)."""
    content = _RECORD_JSON.encode([id, at, username, action, table_name, row_id, before, after, prev_hash]).encode("utf-8")
    if key is None:
        return hashlib.sha256(content).hexdigest()
    return hmac.digest(key, content, "sha256").hex()  # the one-shot form: same HMAC, a third of the time


@dataclass(frozen=True)
class ChainBreak:
    record_id: int | None  # the first bad record (None: records are missing at the end)
    reason: str  # "edited", "missing_or_reordered", "truncated"


def verify(records: list[AuditRecord], head: str | None, key: bytes | None = None,
           sealed: tuple[int, str] | None = None) -> ChainBreak | None:
    """The first place where the chain is broken, or None when it is whole. ``records`` in id order;
    ``head``: the newest hash as the database keeps it; ``sealed``: (id, hash) of the newest record
    as kept outside the database, which may lag behind (a crash after a commit) but never lead."""
    previous_hash, previous_id = GENESIS, 0
    hashes: dict[int, str] = {}
    for record in records:
        if record.prev_hash != previous_hash or record.id != previous_id + 1:
            return ChainBreak(record.id, "missing_or_reordered")
        expected = record_hash(record.id, record.at, record.username, record.action, record.table_name,
                               record.row_id, record.before, record.after, record.prev_hash, key)
        if not hmac.compare_digest(expected, record.hash):
            return ChainBreak(record.id, "edited")
        previous_hash, previous_id = record.hash, record.id
        hashes[record.id] = record.hash
    if (head or GENESIS) != previous_hash:
        return ChainBreak(None, "truncated")
    if sealed is not None and hashes.get(sealed[0]) != sealed[1]:
        return ChainBreak(None, "truncated")
    return None


LEGACY_SECRET = "***"  # noqa: S105 - a mask, not a password; how secrets were recorded before fingerprints: only whether one was set


def _same(current: Any, recorded: Any) -> bool:
    if recorded == LEGACY_SECRET:
        return bool(current)
    return canonical({"v": current}) == canonical({"v": recorded})


@dataclass(frozen=True)
class RowChange:
    """A row whose current values are not what the trail last recorded of it."""

    table_name: str
    row_id: int | str  # a setting's key for the settings table
    columns: tuple[str, ...]  # the columns that differ ("*" the row as a whole: added or removed unrecorded)


def unrecorded_changes(table_name: str, row_id: int, current: dict[str, Any] | None, last_after: str | None,
                       ignored: frozenset[str] = frozenset()) -> RowChange | None:
    """Compare a row with the values its last audit record left (``last_after``, canonical JSON; None
    when the last record deleted it or there is none). Columns the record does not name (added by a
    later migration) and ``ignored`` ones (kept up to date outside the trail) are not compared."""
    recorded = json.loads(last_after) if last_after else None
    if current is None and recorded is None:
        return None
    if current is None or recorded is None:
        return RowChange(table_name, row_id, ("*",))
    changed = tuple(sorted(k for k, v in recorded.items() if k not in ignored and k in current
                           and not _same(current[k], v)))
    return RowChange(table_name, row_id, changed) if changed else None
