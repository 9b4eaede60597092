"""The audit trail as a hash chain (reference `003…` 4-8-6: access records and their protection).

Each record carries the hash of the one before it and a hash over its own content and that link,
so an edited, deleted or reordered record breaks the chain at that point. The hash of the newest
record (the head) is kept apart, so that cutting records off the end is detected too.
"""

from __future__ import annotations

import hashlib
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


def canonical(values: dict[str, Any] | None) -> str | None:
    """The one JSON text of a row that the hash is taken over."""
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def record_hash(id: int, at: str, username: str, action: str, table_name: str | None, row_id: int | None,
                before: str | None, after: str | None, prev_hash: str) -> str:
    content = json.dumps([id, at, username, action, table_name, row_id, before, after, prev_hash],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    record_id: int | None  # the first bad record (None: records are missing at the end)
    reason: str  # "edited", "missing_or_reordered", "truncated"


def verify(records: list[AuditRecord], head: str | None) -> ChainBreak | None:
    """The first place where the chain is broken, or None when it is whole. ``records`` in id order."""
    previous_hash, previous_id = GENESIS, 0
    for record in records:
        if record.prev_hash != previous_hash or record.id != previous_id + 1:
            return ChainBreak(record.id, "missing_or_reordered")
        expected = record_hash(record.id, record.at, record.username, record.action, record.table_name,
                               record.row_id, record.before, record.after, record.prev_hash)
        if expected != record.hash:
            return ChainBreak(record.id, "edited")
        previous_hash, previous_id = record.hash, record.id
    if (head or GENESIS) != previous_hash:
        return ChainBreak(None, "truncated")
    return None
