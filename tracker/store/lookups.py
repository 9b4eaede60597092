"""One record by its id: ``find_…`` gives None when there is none, the plain lookup raises NotFound
(what a service that was handed the id wants: the id came from a screen, so its absence is news)."""

from __future__ import annotations

from typing import TypeVar

from ..domain.problems import NotFound

T = TypeVar("T")


def required(row: T | None, what: str, row_id: int | str) -> T:
    """``row``, or NotFound(what, row_id) when there is none."""
    if row is None:
        raise NotFound(what, row_id)
    return row
