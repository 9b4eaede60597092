"""Cursor pagination: a page gives the cursor of the next one (opaque to the caller), ``limit``
at most 500."""

from __future__ import annotations

import base64

MAX_LIMIT = 500


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The position a cursor continues from (0: the first page); ValueError for a cursor we did not give."""
    if not cursor:
        return 0
    text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    if not text.startswith("p") or not text[1:].isdigit():
        raise ValueError(cursor)
    return int(text[1:])


def page(items: list, next_position: int | None) -> dict:
    return {"items": items, "next_cursor": encode(next_position) if next_position is not None else None}


def offset_page(items: list, offset: int, limit: int, total: int) -> dict:
    """A page of a list read by offset (its cursor the next offset), with the list's total."""
    return page(items, offset + limit if offset + limit < total else None) | {"total": total}
