"""Terminations and the deletion certificates each party of the ended sub-tree owes."""

from __future__ import annotations

from sqlite_utils import Database

from ..domain.terminations import subtree_bounds


def subtree(db: Database, root: dict) -> list[dict]:
    """The link ``root`` and every link below it (id, entrustee, status), by path."""
    low, high = subtree_bounds(root["path_key"])
    return [root] + list(db.query(
        "SELECT id, entrustee_party_id, status FROM engagements WHERE business_id = ? AND path_key >= ? "
        "AND path_key < ? ORDER BY path_key", [root["business_id"], low, high]))


def owed_in(db: Database, termination_id: int) -> int:
    """How many deletion certificates a termination still waits for."""
    return db.execute("SELECT count(*) FROM deletion_certificates WHERE termination_id = ? AND received_on IS NULL",
                      [termination_id]).fetchone()[0]


def page(db: Database, open_only: bool, limit: int, offset: int) -> tuple[list[dict], int]:
    """Terminations (open ones first), each with its certificates under "certificates"."""
    where = "t.closed_on IS NULL" if open_only else "1"
    total = db.execute(f"SELECT count(*) FROM terminations t WHERE {where}").fetchone()[0]
    rows = list(db.query(
        f"""SELECT t.*, e.ref AS engagement_ref, e.work, e.tier, e.business_id, p.name AS entrustee_name,
                   b.name AS business_name
            FROM terminations t JOIN engagements e ON e.id = t.engagement_id
            JOIN parties p ON p.id = e.entrustee_party_id JOIN businesses b ON b.id = e.business_id
            WHERE {where} ORDER BY t.closed_on IS NOT NULL, t.ended_on, t.id LIMIT ? OFFSET ?""", [limit, offset]))
    ids = [r["id"] for r in rows]
    certificates = list(db.query(
        f"""SELECT c.*, p.name AS party_name, e.ref AS engagement_ref, e.tier, e.work FROM deletion_certificates c
            JOIN parties p ON p.id = c.party_id JOIN engagements e ON e.id = c.engagement_id
            WHERE c.termination_id IN ({','.join('?' * len(ids))}) ORDER BY e.path_key""", ids)) if ids else []
    for row in rows:
        row["certificates"] = [c for c in certificates if c["termination_id"] == row["id"]]
    return rows, total


def closed_with_override(db: Database, limit: int) -> list[dict]:
    """The latest terminations closed without every certificate, with why."""
    return list(db.query(
        """SELECT t.*, p.name AS entrustee_name, e.work FROM terminations t
           JOIN engagements e ON e.id = t.engagement_id JOIN parties p ON p.id = e.entrustee_party_id
           WHERE t.override_reason IS NOT NULL ORDER BY t.closed_on DESC LIMIT ?""", [limit]))


def owed_count(db: Database) -> int:
    """How many deletion certificates open terminations still wait for."""
    return db.execute("""SELECT count(*) FROM deletion_certificates c JOIN terminations t ON t.id = c.termination_id
                         WHERE c.received_on IS NULL AND t.closed_on IS NULL""").fetchone()[0]
