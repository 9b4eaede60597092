"""The audit trail: who changed what, when, before and after; verification of its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.audit_chain import GENESIS, AuditRecord, ChainBreak, RowChange, record_hash, verify
from ..domain.audit_chain import unrecorded_changes as compare_row
from ..domain.permissions import Action
from ..store import audit_seal, connection, records
from ..store.records import AUDIT_HEAD
from .context import Context

_COLUMNS = "id, at, username, action, table_name, row_id, before, after, prev_hash, hash"


KEYED = "audit_keyed"  # settings: the trail is sealed with the key outside the database
# columns kept up to date outside the trail: sign-in state (its access records are in the trail)
# and the coverage masks derived from a contract's recorded checklist
_NOT_AUDITED = {"users": frozenset({"failed_attempts", "locked_until"}),
                "contracts": frozenset({"covered_mask", "partial_mask"})}


def verify_chain(db_path, key: bytes | None = None) -> tuple[ChainBreak | None, int]:
    """(first break or None, number of records checked). Reads the whole trail in id order; ``key``
    defaults to the database's own (AuditKeyMissing when it is not in its place)."""
    key = key or audit_seal.key(db_path)
    with connection.reading(db_path) as db:
        rows = db.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall()
        head = db.execute("SELECT value FROM settings WHERE key = ?", [AUDIT_HEAD]).fetchone()
    sealed = audit_seal.read_head(db_path)
    return verify([AuditRecord(*row) for row in rows], head[0] if head else None, key, sealed), len(rows)


@dataclass(frozen=True)
class TamperCheck:
    broken: ChainBreak | None
    checked: int
    changed: list[RowChange]
    key_missing: bool = False


def tamper_check(ctx: Context) -> TamperCheck:
    """The trail's chain and every row against it, for the Audit screen (readers of the trail only)."""
    ctx.require(Action.READ_AUDIT)
    try:
        broken, checked = verify_chain(ctx.db_path)
        return TamperCheck(broken, checked, unrecorded_changes(ctx.db_path))
    except audit_seal.AuditKeyMissing:
        return TamperCheck(None, 0, [], key_missing=True)


def unrecorded_changes(db_path, key: bytes | None = None) -> list[RowChange]:
    """Every row whose values differ from what its last audit record left, every row the trail
    never recorded, and every row deleted without a record: changes made to the file directly."""
    key = key or audit_seal.key(db_path)
    found: list[RowChange] = []
    with connection.reading(db_path) as db:
        tables = [r[0] for r in db.execute("SELECT DISTINCT table_name FROM audit_log WHERE table_name IS NOT NULL "
                                           "AND row_id IS NOT NULL")]
        for table in tables:
            if not db[table].exists():
                continue
            last = dict(db.execute(
                "SELECT row_id, after FROM audit_log a WHERE table_name = ? AND id = (SELECT max(id) FROM audit_log "
                "WHERE table_name = a.table_name AND row_id = a.row_id)", [table]).fetchall())
            seen = set()
            for row in db.query(f'SELECT * FROM "{table}"'):
                seen.add(row["id"])
                change = compare_row(table, row["id"], records.redact(row, key), last.get(row["id"]),
                                     _NOT_AUDITED.get(table, frozenset()))
                if change:
                    found.append(change)
            found += [RowChange(table, row_id, ("*",)) for row_id, after in last.items()
                      if after is not None and row_id not in seen]
    return sorted(found, key=lambda c: (c.table_name, c.row_id))


def seal(db_path) -> None:
    """Give the database its audit key (``tracker init`` and the app's start do this). A trail from
    before keys existed is checked as it was sealed and, if whole, sealed again with the new key;
    a keyed trail whose key is gone stays as it is and AuditKeyMissing says so."""
    if audit_seal.has_key(db_path):
        return
    with connection.reading(db_path) as db:
        keyed = db.execute("SELECT value FROM settings WHERE key = ?", [KEYED]).fetchone()
        rows = [AuditRecord(*r) for r in db.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall()]
        head = db.execute("SELECT value FROM settings WHERE key = ?", [AUDIT_HEAD]).fetchone()
    if keyed:
        audit_seal.key(db_path)  # raises AuditKeyMissing with where it should be
    if rows and verify(rows, head[0] if head else None) is not None:
        raise AuditTrailBroken("the audit trail is broken: it was not sealed with a new key")
    key = audit_seal.create_key(db_path)
    with connection.writing(db_path) as db:
        previous = GENESIS
        for record in rows:
            digest = record_hash(record.id, record.at, record.username, record.action, record.table_name,
                                 record.row_id, record.before, record.after, previous, key)
            db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [previous, digest, record.id])
            previous = digest
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [AUDIT_HEAD, previous])
        db.execute("INSERT INTO settings(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = '1'",
                   [KEYED])
        if rows:  # an existing trail sealed anew: say so in the trail itself
            records.log(db, "system", "audit_sealed")


class AuditTrailBroken(Exception):
    pass


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
