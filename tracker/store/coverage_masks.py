"""Per-contract coverage masks: a stable bit per clause id (never reused), and the masks of each
contract recomputed from its clause_coverage rows whenever they change."""

from __future__ import annotations

from sqlite_utils import Database

from . import connection

MAX_BITS = 63  # SQLite integers are signed 64-bit


def clause_bits(db: Database) -> dict[str, int]:
    """Clause id → its bit in the coverage masks, as assigned so far."""
    return dict(db.execute("SELECT clause_id, bit FROM clause_bits").fetchall())


def _bit_for(db: Database, clause_id: str, known: dict[str, int]) -> int:
    if clause_id not in known:
        bit = len(known)
        if bit >= MAX_BITS:
            raise ValueError(f"more than {MAX_BITS} clauses have been recorded; widen the coverage masks")
        db.execute("INSERT INTO clause_bits(clause_id, bit) VALUES (?, ?)", [clause_id, bit])
        connection.touch(db, "clause_bits")
        known[clause_id] = bit
    return known[clause_id]


def ensure_bits(db: Database, clause_ids: list[str]) -> dict[str, int]:
    """The stable bit of each clause id, assigning new ones as needed."""
    known = clause_bits(db)
    return {clause_id: _bit_for(db, clause_id, known) for clause_id in clause_ids}


def refresh_contract_masks(db: Database, contract_id: int) -> None:
    """Recompute a contract's covered and partial masks from its checklist (inside the caller's
    transaction); raises ValueError when the catalogue outgrows the masks."""
    known = clause_bits(db)
    covered = partial = 0
    for clause_id, status in db.execute(
        "SELECT clause_id, status FROM clause_coverage WHERE contract_id = ?", [contract_id]
    ).fetchall():
        bit = 1 << _bit_for(db, clause_id, known)
        if status == "covered":
            covered |= bit
        elif status == "partial":
            partial |= bit
    db.execute("UPDATE contracts SET covered_mask = ?, partial_mask = ? WHERE id = ?", [covered, partial, contract_id])
    connection.touch(db, "contracts")
