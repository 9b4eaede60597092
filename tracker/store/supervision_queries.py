"""Reading selection checks, certifications, reviews, corrective actions and the due items."""

from __future__ import annotations


from datetime import date

from sqlite_utils import Database

from . import json_columns
from .conditions import conditions, marks
from .lookups import required

from ..domain.schedule import DueStatus, status_bounds
from ..domain.selection import PASSING

_PASSING = tuple(r.value for r in PASSING)


def user_exists(db: Database, user_id: int) -> bool:
    """Whether a user with this id exists."""
    return db.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone() is not None


def has_passing_selection(db: Database, engagement_id: int) -> bool:
    """Whether a link has a selection check that approved it (outright or on conditions)."""
    return db.execute(
        "SELECT 1 FROM selection_checks WHERE engagement_id = ? AND result IN (?, ?)", [engagement_id, *_PASSING]
    ).fetchone() is not None


def selection_checks_of(db: Database, engagement_id: int) -> list[dict]:
    """Latest first; the areas (area → result) and methods decoded."""
    return [json_columns.decoded("selection_checks", row) for row in db.query(
        "SELECT * FROM selection_checks WHERE engagement_id = ? ORDER BY checked_on DESC, id DESC", [engagement_id])]


def unselected_active(db: Database, limit: int = 50) -> tuple[list[dict], int]:
    """Active links without an approved selection check (overridden, or from before the rule)."""
    where = f"""e.status = 'active' AND NOT EXISTS (SELECT 1 FROM selection_checks s WHERE s.engagement_id = e.id
                AND s.result IN ({','.join('?' * len(_PASSING))}))"""
    total = db.execute(f"SELECT count(*) FROM engagements e WHERE {where}", _PASSING).fetchone()[0]
    rows = list(db.query(
        f"""SELECT e.id, e.tier, e.work, e.business_id, e.entrustee_party_id, e.selection_override_reason,
                   p.name AS entrustee_name, b.name AS business_name
            FROM engagements e JOIN parties p ON p.id = e.entrustee_party_id JOIN businesses b ON b.id = e.business_id
            WHERE {where} ORDER BY e.tier DESC, e.id LIMIT ?""", [*_PASSING, limit]))
    return rows, total


def certifications_of(db: Database, party_id: int) -> list[dict]:
    """A party's certifications, the latest expiry first."""
    return list(db.query("SELECT * FROM certifications WHERE party_id = ? ORDER BY valid_until DESC", [party_id]))


def certification(db: Database, certification_id: int) -> dict:
    """A certification row; raises NotFound."""
    return required(find_certification(db, certification_id), "certification", certification_id)


def find_certification(db: Database, certification_id: int) -> dict | None:
    """A certification row, or None."""
    rows = list(db.query("SELECT * FROM certifications WHERE id = ?", [certification_id]))
    return rows[0] if rows else None


def reviews_of(db: Database, engagement_id: int) -> list[dict]:
    """Latest first; ``checklist`` decoded (area → ok / issue / na; empty when none was kept)."""
    rows = list(db.query("SELECT * FROM reviews WHERE engagement_id = ? ORDER BY completed_on DESC, id DESC",
                         [engagement_id]))
    for row in rows:
        json_columns.decoded("reviews", row)
        row["checklist"] = row["checklist"] or {}
    return rows


def corrective_actions_of(db: Database, review_ids: list[int]) -> list[dict]:
    """The corrective actions of these reviews, soonest due first."""
    if not review_ids:
        return []
    return list(db.query(
        f"SELECT * FROM corrective_actions WHERE review_id IN ({','.join('?' * len(review_ids))}) ORDER BY due_on",
        review_ids))


def corrective_action(db: Database, action_id: int) -> dict:
    """A corrective action with its review's link; raises NotFound."""
    rows = list(db.query(
        """SELECT a.*, r.engagement_id FROM corrective_actions a JOIN reviews r ON r.id = a.review_id
           WHERE a.id = ?""", [action_id]))
    return required(rows[0] if rows else None, "corrective action", action_id)


_DUE_SELECT = """
    SELECT d.id, d.kind, d.ref_id, d.engagement_id, d.party_id, d.business_id, d.tier, d.nominal_on, d.due_on,
           d.notice_days, d.owner_user_id, p.name AS party_name, e.work, e.ref AS engagement_ref,
           b.name AS business_name,
           u.display_name AS owner_name, u.email AS owner_email
    FROM due_items d
    JOIN parties p ON p.id = d.party_id
    LEFT JOIN engagements e ON e.id = d.engagement_id
    LEFT JOIN businesses b ON b.id = d.business_id
    LEFT JOIN users u ON u.id = d.owner_user_id"""


def _due_where(today: date, statuses: list[DueStatus] | None = None, kinds: list[str] | None = None,
               business_id: int | None = None, owner_user_id: int | None = None, until: date | None = None,
               since: date | None = None, engagement_id: int | None = None) -> tuple[str, list]:
    status_sql, status_values = status_bounds(set(statuses), today) if statuses else ("", None)
    return conditions([
        ("d.engagement_id = ?", engagement_id), (f"({status_sql})", status_values),
        (f"d.kind IN ({marks(kinds or [])})", list(kinds) if kinds else None), ("d.business_id = ?", business_id),
        ("d.owner_user_id = ?", owner_user_id), ("d.due_on >= ?", since and since.isoformat()),
        ("d.due_on <= ?", until and until.isoformat())])


def due_page(db: Database, today: date, *, limit: int | None = 50, offset: int = 0,
             **filters) -> tuple[list[dict], int]:
    """Filters: statuses, kinds, business_id, owner_user_id, since, until, engagement_id."""
    where, params = _due_where(today, **filters)
    total = db.execute(f"SELECT count(*) FROM due_items d WHERE {where}", params).fetchone()[0]
    return _due_rows(db, where, params, limit, offset), total


def first_due(db: Database, today: date, limit: int, **filters) -> list[dict]:
    """The first ``limit`` due items matching the filters, without counting them all (Home's five
    soonest: the count of every overdue item was 85 ms of each Home rerun at 50,000 parties)."""
    where, params = _due_where(today, **filters)
    return _due_rows(db, where, params, limit, 0)


def _due_rows(db: Database, where: str, params: list, limit: int | None, offset: int) -> list[dict]:
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return list(db.query(f"{_DUE_SELECT} WHERE {where} ORDER BY d.due_on, d.id{page}", params))


def due_counts(db: Database, today: date, owner_user_id: int | None = None) -> dict[DueStatus, int]:
    """How many items are overdue and due soon today (one owner's, when given)."""
    counts = {}
    for status in (DueStatus.OVERDUE, DueStatus.DUE_SOON):
        where, params = _due_where(today, [status], owner_user_id=owner_user_id)
        counts[status] = db.execute(f"SELECT count(*) FROM due_items d WHERE {where}", params).fetchone()[0]
    return counts


def done_page(db: Database, *, kinds=None, business_id=None, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Completed reviews, latest first: the "done" part of the schedule."""
    where, params = conditions([(f"r.kind IN ({marks(kinds or [])})", list(kinds) if kinds else None),
                                ("e.business_id = ?", business_id)])
    base = "FROM reviews r JOIN engagements e ON e.id = r.engagement_id"
    if business_id is None:  # no join needed to count
        total = db.execute(f"SELECT count(*) FROM reviews r WHERE {where}", params).fetchone()[0]
    else:
        total = db.execute(f"SELECT count(*) {base} WHERE {where}", params).fetchone()[0]
    # the page's reviews first, through the completed_on index; then their names (50 lookups, not a join
    # of every review)
    ids = [r[0] for r in db.execute(
        f"SELECT r.id {base} WHERE {where} ORDER BY r.completed_on DESC, r.id DESC LIMIT ? OFFSET ?",
        params + [limit, offset])]
    found = {r["id"]: r for r in db.query(
        f"""SELECT r.*, e.work, e.tier, e.business_id, p.name AS party_name, b.name AS business_name {base}
            JOIN parties p ON p.id = e.entrustee_party_id JOIN businesses b ON b.id = e.business_id
            WHERE r.id IN ({','.join('?' * len(ids))})""", ids)} if ids else {}
    return [found[i] for i in ids], total


def due_per_day(db: Database, today: date, since: date, until: date, **filters) -> dict[str, int]:
    """Due date → how many items fall due that day, between ``since`` and ``until``."""
    where, params = _due_where(today, since=since, until=until, **filters)
    return dict(db.execute(f"SELECT d.due_on, count(*) FROM due_items d WHERE {where} GROUP BY d.due_on",
                           params).fetchall())


def user_id_of(db: Database, username: str) -> int | None:
    """The id of the user with this name, or None."""
    row = db.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()
    return row[0] if row else None


def privacy_officer_emails(db: Database) -> list[tuple[str, str]]:
    """(display name, e-mail) of active privacy officers: they receive what nobody owns."""
    return db.execute("""SELECT display_name, email FROM users WHERE role = 'privacy_officer' AND active = 1
                         AND email IS NOT NULL AND email <> '' ORDER BY id""").fetchall()


def owner_of_link(db: Database, engagement_id: int) -> tuple[str, str] | None:
    """(name, e-mail) of the user who owns the link's reviews, if any."""
    row = db.execute("SELECT u.display_name, u.email FROM engagements e JOIN users u ON u.id = e.owner_user_id "
                     "WHERE e.id = ? AND u.active = 1", [engagement_id]).fetchone()
    return (row[0], row[1]) if row and row[1] else None
