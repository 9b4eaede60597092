"""Building a WHERE clause from the filters a caller gave: one way, for every list the store pages."""

from __future__ import annotations

from collections.abc import Iterable


def conditions(parts: Iterable[tuple[str, object]]) -> tuple[str, list]:
    """``parts``: (SQL with ? marks, its value — or a list of values for several marks, or None to
    leave the part out). Returns the conditions joined with AND ("1" when there are none) and the
    parameters in order."""
    sql, params = [], []
    for condition, value in parts:
        if value is None:
            continue
        sql.append(condition)
        params += value if isinstance(value, list) else [value]
    return (" AND ".join(sql) or "1"), params


def marks(values: list) -> str:
    """"?,?,?" for an IN list."""
    return ",".join("?" * len(values))
