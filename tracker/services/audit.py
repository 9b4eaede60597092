"""The audit trail: who changed what, when, before and after; verification of its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.audit_chain import AuditRecord, ChainBreak, verify
from ..domain.permissions import Action
from ..store import connection
from ..store.records import AUDIT_HEAD
from .context import Context

_COLUMNS = "id, at, username, action, table_name, row_id, before, after, prev_hash, hash"


def verify_chain(db_path) -> tuple[ChainBreak | None, int]:
    """(first break or None, number of records checked). Reads the whole trail in id order."""
    with connection.reading(db_path) as db:
        rows = db.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall()
        head = db.execute("SELECT value FROM settings WHERE key = ?", [AUDIT_HEAD]).fetchone()
    return verify([AuditRecord(*row) for row in rows], head[0] if head else None), len(rows)


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    table_name: str = ""
    row_id: int | None = None
    since: date | None = None
    until: date | None = None


def _where(selected: AuditFilter) -> tuple[str, list]:
    where, params = [], []
    if selected.username:
        where.append("username = ?")
        params.append(selected.username)
    if selected.table_name:
        where.append("table_name = ?")
        params.append(selected.table_name)
    if selected.row_id is not None:
        where.append("row_id = ?")
        params.append(selected.row_id)
    if selected.since:
        where.append("at >= ?")
        params.append(selected.since.isoformat())
    if selected.until:
        where.append("at < ?")
        params.append((selected.until + timedelta(days=1)).isoformat())
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


def search(ctx: Context, selected: AuditFilter, limit: int = 50, offset: int = 0) -> tuple[list[AuditRecord], int]:
    """Newest first. Reading the trail is itself an oversight task: managers and admins may."""
    ctx.require(Action.READ_AUDIT)
    clause, params = _where(selected)
    with ctx.read() as db:
        total = db.execute(f"SELECT count(*) FROM audit_log {clause}", params).fetchone()[0]
        rows = db.execute(f"SELECT {_COLUMNS} FROM audit_log {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
                          [*params, limit, offset]).fetchall()
    return [AuditRecord(*row) for row in rows], total


def export_rows(ctx: Context, selected: AuditFilter) -> list[AuditRecord]:
    ctx.require(Action.READ_AUDIT)
    clause, params = _where(selected)
    with ctx.read() as db:
        return [AuditRecord(*row) for row in db.execute(
            f"SELECT {_COLUMNS} FROM audit_log {clause} ORDER BY id", params).fetchall()]


def usernames(ctx: Context) -> list[str]:
    ctx.require(Action.READ_AUDIT)
    with ctx.read() as db:
        return [r[0] for r in db.execute("SELECT DISTINCT username FROM audit_log ORDER BY username").fetchall()]
