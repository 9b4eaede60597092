"""Hand-overs of a company's links to its successor."""

from __future__ import annotations

from sqlite_utils import Database


def being_handed_over(db: Database, old_ids: list[int]) -> set[int]:
    """Of these links, those whose successor is proposed and still waiting: not ended, not rejected."""
    if not old_ids:
        return set()
    marks = ",".join("?" * len(old_ids))
    return {row[0] for row in db.execute(
        f"""SELECT s.old_engagement_id FROM successions s JOIN engagements n ON n.id = s.new_engagement_id
            LEFT JOIN approvals a ON a.engagement_id = n.id
            WHERE s.old_engagement_id IN ({marks}) AND s.termination_id IS NULL AND n.status <> 'ended'
              AND coalesce(a.status, '') <> 'rejected'""", old_ids)}


def of_new_link(db: Database, new_link_id: int) -> dict | None:
    """The hand-over a new link was proposed for, or None."""
    rows = list(db.query("SELECT * FROM successions WHERE new_engagement_id = ?", [new_link_id]))
    return rows[0] if rows else None


def of_party(db: Database, party_id: int) -> list[dict]:
    """The hand-overs of the company's links, in chain order, with the new link's approval."""
    return list(db.query(
        """SELECT o.id AS old_id, o.ref AS old_ref, n.id AS new_id, n.ref AS new_ref, b.name AS business_name,
                  o.tier, a.status AS approval_status, s.termination_id
           FROM successions s JOIN engagements o ON o.id = s.old_engagement_id
           JOIN engagements n ON n.id = s.new_engagement_id JOIN businesses b ON b.id = o.business_id
           LEFT JOIN approvals a ON a.engagement_id = n.id
           WHERE o.entrustee_party_id = ? ORDER BY o.path_key""", [party_id]))
