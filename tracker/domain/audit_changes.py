"""What an audit record changed, field by field, for people to read: an update shows the fields
whose value changed, an insert the fields it set, a delete what the row held. Bookkeeping columns
(version, who and when) are left out: the record itself says who and when."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

BOOKKEEPING = frozenset({"id", "version", "created_at", "created_by", "updated_at", "updated_by",
                         "password_hash", "path_key"})


class FieldChange(NamedTuple):
    field: str
    before: Any  # None: not set
    after: Any


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """The fields that differ between the two states of a row, in the row's own column order."""
    before, after = before or {}, after or {}
    fields = dict.fromkeys([*before, *after])
    return [FieldChange(name, before.get(name), after.get(name)) for name in fields
            if name not in BOOKKEEPING and before.get(name) != after.get(name)]


def recorded_changes(before: str | None, after: str | None) -> list[FieldChange]:
    """The fields an audit record changed, from its before and after as recorded (canonical JSON)."""
    return changes(json.loads(before) if before else None, json.loads(after) if after else None)
