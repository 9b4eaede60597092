"""Reading the audit trail, and sealing it anew with a key (the appending is in ``records``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from ..domain.audit_chain import AuditRecord
from .conditions import conditions
from .records import AUDIT_HEAD

_COLUMNS = "id, at, username, action, table_name, row_id, before, after, prev_hash, hash"
KEYED = "audit_keyed"  # settings: the trail is sealed with the key outside the database


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    table_name: str = ""
    row_id: int | None = None
    since: date | None = None
    until: date | None = None

    def where(self) -> tuple[str, list]:
        """The WHERE clause and its parameters of the records this filter keeps."""
        sql, params = conditions([
            ("username = ?", self.username or None), ("table_name = ?", self.table_name or None),
            ("row_id = ?", self.row_id), ("at >= ?", self.since and self.since.isoformat()),
            ("at < ?", self.until and (self.until + timedelta(days=1)).isoformat())])
        return f"WHERE {sql}", params


def in_order(db: Database) -> list[AuditRecord]:
    """Every audit record, oldest first (what verification walks)."""
    return [AuditRecord(*row) for row in db.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall()]


def head(db: Database) -> str | None:
    """The newest record's hash as the database keeps it."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [AUDIT_HEAD]).fetchone()
    return row[0] if row else None


def last(db: Database) -> tuple[int, str] | None:
    """(id, hash) of the newest record."""
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else None


def is_keyed(db: Database) -> bool:
    """Whether the trail has been sealed with a key (older databases were not)."""
    return db.execute("SELECT 1 FROM settings WHERE key = ?", [KEYED]).fetchone() is not None


def reseal(db: Database, hashes: list[tuple[int, str, str]], new_head: str) -> None:
    """Write (id, previous hash, hash) for every record, the head, and the keyed mark."""
    db.conn.executemany("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                        [(previous, digest, record_id) for record_id, previous, digest in hashes])
    for key, value in ((AUDIT_HEAD, new_head), (KEYED, "1")):
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [key, value])


# tables that hold no business data: the trail itself, the migrations' ledger, what is derived from
# recorded rows (the schedule, the clause bit numbers), the throttles' counts (wrong links, failed
# sign-ins: each failure is an access record in the trail) and the webhooks' outbox (each event is made
# by an audited change, in its transaction); settings are checked by key (``recorded_settings``)
NOT_ROW_AUDITED = frozenset({"_sqlite_migrations", "audit_log", "due_items", "clause_bits", "request_link_failures",
                             "sign_in_failures", "settings", "webhook_events", "webhook_deliveries",
                             "webhook_attempts", "contract_changes"})
# the search index of the parties and its shadow tables: derived from the parties, kept by triggers
DERIVED_PREFIX = "parties_search"
# settings the app keeps for itself, outside the trail: the revision counters and the trail's own seal
BOOKKEEPING_SETTINGS = ("revision", "revision:%", AUDIT_HEAD, KEYED)


def audited_tables(db: Database) -> list[str]:
    """Every table of rows that hold business data (a table with no record yet included: a row
    inserted into it behind the app's back is a row the trail never recorded)."""
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                     "ORDER BY name") if r[0] not in NOT_ROW_AUDITED and not r[0].startswith(DERIVED_PREFIX)]


def recorded_settings(db: Database) -> dict[str, str]:
    """The organisation's settings as the trail left them: every settings record's values, in order."""
    found: dict[str, str] = {}
    for (after,) in db.execute("SELECT after FROM audit_log WHERE table_name = 'settings' ORDER BY id"):
        found |= json.loads(after) if after else {}
    return found


def business_settings(db: Database) -> dict[str, str]:
    """The settings table less the app's bookkeeping."""
    skip = " AND ".join("key NOT LIKE ?" for _ in BOOKKEEPING_SETTINGS)
    return dict(db.execute(f"SELECT key, value FROM settings WHERE {skip}", list(BOOKKEEPING_SETTINGS)).fetchall())


def last_after(db: Database, table: str) -> dict[int, str | None]:
    """Row id → the values its newest record left (None: deleted)."""
    return dict(db.execute(
        "SELECT row_id, after FROM audit_log a WHERE table_name = ? AND id = (SELECT max(id) FROM audit_log "
        "WHERE table_name = a.table_name AND row_id = a.row_id)", [table]).fetchall())


def rows_of(db: Database, table: str) -> Iterator[dict]:
    """Every row of an audited table, as stored (the table name comes from ``audited_tables``)."""
    return db.query(f'SELECT * FROM "{table}"')


def search(db: Database, selected: AuditFilter, limit: int, offset: int) -> tuple[list[AuditRecord], int]:
    """One page of the records the filter keeps, newest first, and how many there are in all."""
    clause, params = selected.where()
    total = db.execute(f"SELECT count(*) FROM audit_log {clause}", params).fetchone()[0]
    rows = db.execute(f"SELECT {_COLUMNS} FROM audit_log {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
                      [*params, limit, offset]).fetchall()
    return [AuditRecord(*row) for row in rows], total


def matching(db: Database, selected: AuditFilter) -> list[AuditRecord]:
    """Every record the filter keeps, oldest first (the CSV export)."""
    clause, params = selected.where()
    return [AuditRecord(*row) for row in db.execute(f"SELECT {_COLUMNS} FROM audit_log {clause} ORDER BY id",
                                                    params).fetchall()]


def usernames(db: Database) -> list[str]:
    """Everyone who appears in the trail, by name."""
    return [r[0] for r in db.execute("SELECT DISTINCT username FROM audit_log ORDER BY username").fetchall()]

