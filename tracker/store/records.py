"""Writing rows: stamps who and when, and refuses a stale update (optimistic versioning).

Every change to the registry goes through ``insert`` and ``update`` so that cross-cutting concerns
(stamps, versions, and the audit trail) live in one place.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database


class StaleRecord(Exception):
    """The row changed since the form was opened; ``current`` is what it holds now."""

    def __init__(self, table: str, row_id: int, current: dict[str, Any] | None):
        super().__init__(f"{table} {row_id} was changed by someone else")
        self.table = table
        self.row_id = row_id
        self.current = current


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def insert(db: Database, table: str, values: dict[str, Any], username: str) -> int:
    stamp = now_utc()
    row = {**values, "created_at": stamp, "created_by": username, "updated_at": stamp, "updated_by": username}
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    cursor = db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))
    return int(cursor.lastrowid)


def update(
    db: Database, table: str, row_id: int, expected_version: int, values: dict[str, Any], username: str
) -> None:
    """Apply ``values`` only if the row still has ``expected_version``; else raise StaleRecord."""
    row = {**values, "updated_at": now_utc(), "updated_by": username}
    assignments = ", ".join(f'"{c}" = ?' for c in row)
    cursor = db.execute(
        f'UPDATE "{table}" SET {assignments}, version = version + 1 WHERE id = ? AND version = ?',
        [*row.values(), row_id, expected_version],
    )
    if cursor.rowcount != 1:
        current = fetch(db, table, row_id)
        raise StaleRecord(table, row_id, current)


def fetch(db: Database, table: str, row_id: int) -> dict[str, Any] | None:
    rows = list(db.query(f'SELECT * FROM "{table}" WHERE id = ?', [row_id]))
    return rows[0] if rows else None
