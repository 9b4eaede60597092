"""The audit trail: who changed what, when, before and after; verification of its keyed hash chain
and of every row against it; sealing a trail with its key."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.audit_chain import GENESIS, AuditRecord, ChainBreak, RowChange, record_hash, verify
from ..domain.audit_chain import unrecorded_changes as compare_row
from ..domain.audit_changes import FieldChange, recorded_changes
from ..domain.permissions import Action
from ..outputs import audit_csv
from ..store import audit_queries as aq
from ..store import audit_seal, connection, records
from ..store.audit_queries import AuditFilter
from .context import Context

# what the command line needs of the audit key, without reaching into the store
AuditKeyMissing = audit_seal.AuditKeyMissing
key_path = audit_seal.key_path
read_key_file = audit_seal.read_key_file

__all__ = ["AuditFilter", "AuditTrailBroken", "TamperCheck", "export_rows", "search", "seal", "tamper_check",
           "unrecorded_changes", "usernames", "verify_chain"]

# columns kept up to date outside the trail: sign-in state (its access records are in the trail),
# the coverage masks derived from a contract's recorded checklist, and when a token was last used
_NOT_AUDITED = {"users": frozenset({"failed_attempts", "locked_until"}),
                "contracts": frozenset({"covered_mask", "partial_mask"}),
                "api_tokens": frozenset({"last_used_at"})}


def verify_chain(db_path, key: bytes | None = None) -> tuple[ChainBreak | None, int]:
    """(first break or None, number of records checked). Reads the whole trail in id order; ``key``
    defaults to the database's own (AuditKeyMissing when it is not in its place)."""
    key = key or audit_seal.key(db_path)
    with connection.reading(db_path) as db:
        rows, head = aq.in_order(db), aq.head(db)
    return verify(rows, head, key, audit_seal.read_head(db_path)), len(rows)


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
        for table in aq.audited_tables(db):
            last = aq.last_after(db, table)
            seen = set()
            for row in aq.rows_of(db, table):
                seen.add(row["id"])
                change = compare_row(table, row["id"], records.redact(row, key), last.get(row["id"]),
                                     _NOT_AUDITED.get(table, frozenset()))
                if change:
                    found.append(change)
            found += [RowChange(table, row_id, ("*",)) for row_id, after in last.items()
                      if after is not None and row_id not in seen]
        found += _unrecorded_settings(aq.business_settings(db), aq.recorded_settings(db))
    return sorted(found, key=lambda c: (c.table_name, str(c.row_id)))


def _unrecorded_settings(current: dict[str, str], recorded: dict[str, str]) -> list[RowChange]:
    """Each setting (our name on every 覚書, our address…) that differs from what the trail last set,
    by key: added, removed or edited behind the app's back."""
    found = []
    for key in sorted(set(current) | {k for k, v in recorded.items() if v is not None}):
        if key not in current or key not in recorded or recorded[key] is None:
            found.append(RowChange("settings", key, ("*",)))
        elif str(current[key]) != str(recorded[key]):
            found.append(RowChange("settings", key, ("value",)))
    return found


def seal(db_path) -> None:
    """Give the database its audit key (``tracker init`` and the app's start do this). A trail from
    before keys existed is checked as it was sealed and, if whole, sealed again with the new key;
    a keyed trail whose key is gone stays as it is and AuditKeyMissing says so."""
    if audit_seal.has_key(db_path):
        return
    with connection.reading(db_path) as db:
        keyed, rows, head = aq.is_keyed(db), aq.in_order(db), aq.head(db)
    if keyed:
        audit_seal.key(db_path)  # raises AuditKeyMissing with where it should be
    if rows and verify(rows, head) is not None:
        raise AuditTrailBroken("the audit trail is broken: it was not sealed with a new key")
    key = audit_seal.create_key(db_path)
    hashes, previous = [], GENESIS
    for record in rows:
        digest = record_hash(record.id, record.at, record.username, record.action, record.table_name,
                             record.row_id, record.before, record.after, previous, key)
        hashes.append((record.id, previous, digest))
        previous = digest
    with connection.writing(db_path) as db:
        aq.reseal(db, hashes, previous)
        if rows:  # an existing trail sealed anew: say so in the trail itself
            records.log(db, "system", "audit_sealed")


class AuditTrailBroken(Exception):
    pass


def search(ctx: Context, selected: AuditFilter, limit: int = 50, offset: int = 0) -> tuple[list[AuditRecord], int]:
    """Newest first. Reading the trail is itself an oversight task: managers and admins may."""
    ctx.require(Action.READ_AUDIT)
    with ctx.read() as db:
        return aq.search(db, selected, limit, offset)


def export_rows(ctx: Context, selected: AuditFilter) -> list[AuditRecord]:
    """Every record the filter matches, oldest first; raises PermissionDenied but to managers and admins."""
    ctx.require(Action.READ_AUDIT)
    with ctx.read() as db:
        return aq.matching(db, selected)


def export_csv(ctx: Context, selected: AuditFilter) -> bytes:
    """The records the filter matches as a CSV file (formula-like cells neutralised)."""
    return audit_csv.write(export_rows(ctx, selected))


def changes_of(record: AuditRecord) -> list[FieldChange]:
    """The fields a record changed."""
    return recorded_changes(record.before, record.after)


def usernames(ctx: Context) -> list[str]:
    """Everyone who appears in the trail (the filter's choices). Raises PermissionDenied."""
    ctx.require(Action.READ_AUDIT)
    with ctx.read() as db:
        return aq.usernames(db)
