"""A list the API gives, as a CSV file for workflow tools that import CSV (X-point's bulk 申請): the
API's columns, nested ones joined by a dot (business.name), lists by "; "; text that could start a
formula is made text."""

from __future__ import annotations

import csv
import io
from typing import Any

from .audit_csv import neutralised

ENCODINGS = {"utf-8": "utf-8-sig", "shift_jis": "cp932"}  # Excel reads UTF-8 with its mark; older tools Shift_JIS


def flat(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``item`` with nested objects' fields as "parent.field" columns."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict):
            out |= flat(value, f"{prefix}{key}.")
        elif isinstance(value, list | tuple):
            out[prefix + key] = "; ".join(str(v) for v in value)
        else:
            out[prefix + key] = value
    return out


def write(items: list[dict[str, Any]], columns: list[str], encoding: str) -> bytes:
    """The rows under ``columns`` (a column an item lacks stays empty); characters the encoding
    cannot hold are replaced, never dropped silently from the file's size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for item in items:
        row = flat(item)
        writer.writerow([neutralised("" if row.get(c) is None else row.get(c)) for c in columns])
    return buffer.getvalue().encode(ENCODINGS[encoding], errors="replace")
