"""Lists for other systems as CSV files (the approval queue, the due items), with the same columns
as the API gives them."""

from __future__ import annotations

from ..outputs import csv_feed


def csv_of(items: list[dict], columns: list[str], encoding: str = "utf-8") -> bytes:
    """The items as CSV under ``columns`` (nested fields as "a.b"); encoding utf-8 or shift_jis."""
    return csv_feed.write(items, columns, encoding)
