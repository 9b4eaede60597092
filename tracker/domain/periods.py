"""Date ranges: an end never before its start."""

from __future__ import annotations

from datetime import date

from .problems import Problem


def check_period(start: date | None, end: date | None, end_field: str = "end_date") -> list[Problem]:
    if start is not None and end is not None and end < start:
        return [Problem(end_field, "error.end_before_start")]
    return []
