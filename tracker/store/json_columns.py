"""The columns kept as JSON text, and their coding. Services hand the store Python values (a list of
codes, a dict by area or question id) and get Python values back: the JSON never leaves the store."""

from __future__ import annotations

import functools
import json
from typing import Any

COLUMNS: dict[str, tuple[str, ...]] = {
    "engagements": ("data_categories", "processing_countries", "storage_countries"),
    "addenda": ("clause_ids",),
    "reviews": ("checklist",),
    "selection_checks": ("areas", "methods"),
    # answers: {question id: {"v": the question's version, "a": the answer}} (domain/answers.py)
    "requests": ("answers", "effect"),
    "webhook_endpoints": ("events",),
}


def encoded(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the table's JSON columns as text (None stays NULL)."""
    columns = COLUMNS.get(table, ())
    if not any(c in values for c in columns):
        return values
    return {k: (json.dumps(v, ensure_ascii=False, sort_keys=True) if k in columns and v is not None else v)
            for k, v in values.items()}


# columns that hold a list of codes (few distinct values: decoded once per distinct text)
_LISTS = {("engagements", c) for c in COLUMNS["engagements"]} | {("addenda", "clause_ids"), ("selection_checks", "methods")}


def decoded(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (changed in place and returned) with the table's JSON columns as Python values."""
    for column in COLUMNS.get(table, ()):
        if isinstance(row.get(column), str):
            row[column] = list(listed(row[column])) if (table, column) in _LISTS else json.loads(row[column])
    return row


@functools.lru_cache(maxsize=4096)
def listed(text: str) -> tuple:
    """A JSON list column of a columnar read (thousands of rows, few distinct values), decoded once
    per distinct text."""
    return tuple(json.loads(text))

