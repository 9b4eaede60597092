"""Reading requests to vendors, and the throttle's record of wrong links."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from . import json_columns
from .lookups import required

_LISTED = """SELECT r.id, r.engagement_id, r.set_id, r.set_version, r.state, r.due_on, r.contact_name, r.contact_email,
                    r.link_expires_on, r.forwarded_from_id, r.sent_on, r.answered_at, r.answered_by, r.decided_on,
                    r.version,
                    r.owner_user_id, (SELECT count(*) FROM request_links l WHERE l.request_id = r.id) AS also_for,
                    e.ref AS engagement_ref, e.tier, e.work, e.business_id, e.entrustee_party_id, e.parent_engagement_id,
                    b.name AS business_name, p.name AS entrustee_name
             FROM requests r JOIN engagements e ON e.id = r.engagement_id
             JOIN businesses b ON b.id = e.business_id JOIN parties p ON p.id = e.entrustee_party_id"""


def request(db: Database, request_id: int) -> dict:
    """A request row, its answers and effect decoded; raises NotFound."""
    return required(find_request(db, request_id), "request", request_id)


def find_request(db: Database, request_id: int) -> dict | None:
    """A request row as ``request`` gives it, or None."""
    return _decoded(db.query("SELECT * FROM requests WHERE id = ?", [request_id]))


def by_token_hash(db: Database, digest: str) -> dict | None:
    """The request a vendor's link opens (None: no such link)."""
    return _decoded(db.query("SELECT * FROM requests WHERE token_hash = ?", [digest]))


def _decoded(rows) -> dict | None:
    row = next(iter(rows), None)
    return json_columns.decoded("requests", row) if row is not None else None


def page(db: Database, *, states: list[str] | None = None, business_id: int | None = None, set_id: str | None = None,
         engagement_ids: list[int] | None = None, party_id: int | None = None, overdue_on: date | None = None,
         limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Requests matching every filter given, soonest due first; ``overdue_on``: still outstanding
    and due before that day."""
    where, params = ["1"], []
    if states:
        where.append(f"r.state IN ({','.join('?' * len(states))})")
        params += states
    if business_id is not None:
        where.append("e.business_id = ?")
        params.append(business_id)
    if set_id:
        where.append("r.set_id = ?")
        params.append(set_id)
    if engagement_ids is not None:
        marks = ",".join("?" * len(engagement_ids)) or "NULL"  # a request also counts for the links it covers
        where.append(f"(r.engagement_id IN ({marks}) OR r.id IN (SELECT request_id FROM request_links "
                     f"WHERE engagement_id IN ({marks})))")
        params += engagement_ids * 2
    if party_id is not None:
        where.append("e.entrustee_party_id = ?")
        params.append(party_id)
    if overdue_on is not None:
        where.append("r.state IN ('draft', 'sent', 'opened', 'returned') AND r.due_on < ?")
        params.append(overdue_on.isoformat())
    clause = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM requests r JOIN engagements e ON e.id = r.engagement_id WHERE {clause}",
                       params).fetchone()[0]
    rows = list(db.query(f"{_LISTED} WHERE {clause} ORDER BY r.state = 'answered' DESC, r.due_on, r.id "
                         "LIMIT ? OFFSET ?", [*params, limit, offset]))
    return rows, total


def state_counts(db: Database) -> dict[str, int]:
    """State → how many requests are in it."""
    return dict(db.execute("SELECT state, count(*) FROM requests GROUP BY state").fetchall())


def overdue_count(db: Database, today: date) -> int:
    """How many requests still with the vendor (or drafts) are past their due date."""
    return db.execute("SELECT count(*) FROM requests WHERE state IN ('draft', 'sent', 'opened', 'returned') "
                      "AND due_on < ?", [today.isoformat()]).fetchone()[0]


def previous_accepted(db: Database, engagement_id: int, set_id: str, before_id: int) -> dict | None:
    """The last accepted request of the same set to the same link before this one, or None."""
    return _decoded(db.query("SELECT * FROM requests WHERE engagement_id = ? AND set_id = ? AND state = 'accepted' "
                             "AND id < ? ORDER BY id DESC LIMIT 1", [engagement_id, set_id, before_id]))


def last_accepted(db: Database, set_id: str, *, engagement_id: int | None = None,
                  party_id: int | None = None) -> dict | None:
    """The last accepted request of a set to one link, or to any link of one company, or None."""
    if party_id is not None:
        return _decoded(db.query(
            """SELECT r.* FROM requests r JOIN engagements e ON e.id = r.engagement_id
               WHERE e.entrustee_party_id = ? AND r.set_id = ? AND r.state = 'accepted'
               ORDER BY r.decided_on DESC, r.id DESC LIMIT 1""", [party_id, set_id]))
    return _decoded(db.query("SELECT * FROM requests WHERE engagement_id = ? AND set_id = ? AND state = 'accepted' "
                             "ORDER BY decided_on DESC, id DESC LIMIT 1", [engagement_id, set_id]))


def also_for(db: Database, request_id: int) -> list[int]:
    """The links a request counts for besides its own, in chain order."""
    return [r[0] for r in db.execute(
        """SELECT l.engagement_id FROM request_links l JOIN engagements e ON e.id = l.engagement_id
           WHERE l.request_id = ? ORDER BY e.path_key""", [request_id])]


def forwarded(db: Database, request_id: int) -> list[dict]:
    """The copies a vendor passed down from one request, oldest first."""
    return list(db.query(f"{_LISTED} WHERE r.forwarded_from_id = ? ORDER BY r.id", [request_id]))


def outstanding_of(db: Database, engagement_id: int, set_id: str) -> list[dict]:
    """Requests of one set to one link still with the vendor or a draft (answered ones await us)."""
    return list(db.query("SELECT id, state, due_on FROM requests WHERE engagement_id = ? AND set_id = ? AND state IN "
                         "('draft', 'sent', 'opened', 'returned', 'answered') ORDER BY id", [engagement_id, set_id]))


def open_forward(db: Database, request_id: int, engagement_id: int) -> dict | None:
    """The forward of a request to one sub-link that is not withdrawn or expired, if any."""
    rows = list(db.query("SELECT id, state, sent_on FROM requests WHERE forwarded_from_id = ? AND engagement_id = ? "
                         "AND state NOT IN ('withdrawn', 'expired') ORDER BY id DESC LIMIT 1",
                         [request_id, engagement_id]))
    return rows[0] if rows else None


def to_expire(db: Database, today: date) -> list[dict]:
    """Requests whose link has run out while the vendor could still answer."""
    return list(db.query("SELECT id, version, engagement_id FROM requests WHERE state IN ('sent', 'opened', 'returned') "
                         "AND link_expires_on < ?", [today.isoformat()]))


def overdue(db: Database, today: date) -> list[dict]:
    """Requests still with the vendor past their due date, as listed, oldest due first."""
    return list(db.query(f"{_LISTED} WHERE r.state IN ('sent', 'opened', 'returned') AND r.due_on < ? "
                         "ORDER BY r.due_on, r.id", [today.isoformat()]))


def near_due(db: Database, until: date) -> list[dict]:
    """Requests a vendor still has to answer, due by ``until`` (past due included), with whom to chase."""
    return list(db.query(f"{_LISTED} WHERE r.state IN ('sent', 'opened', 'returned') AND r.due_on <= ? "
                         "ORDER BY r.due_on, r.id", [until.isoformat()]))


def recent_failures(db: Database, client: str, since: str) -> list[str]:
    """When one client tried a wrong link since ``since`` (the throttle's record)."""
    return [r[0] for r in db.execute("SELECT at FROM request_link_failures WHERE client = ? AND at >= ?",
                                     [client, since])]


def failures_since(db: Database, since: str) -> int:
    """Wrong links recorded since ``since``, from every client."""
    return db.execute("SELECT count(*) FROM request_link_failures WHERE at >= ?", [since]).fetchone()[0]


def add_failure(db: Database, client: str, at: str, forget_before: str) -> None:
    """Record a wrong link tried by a client, forgetting records older than ``forget_before``."""
    db.execute("DELETE FROM request_link_failures WHERE at < ?", [forget_before])
    db.execute("INSERT INTO request_link_failures(client, at) VALUES (?, ?)", [client, at])


def certificates_owed(db: Database, termination_id: int) -> list[int]:
    """Links of a termination whose certificate is neither in nor already requested."""
    return [r[0] for r in db.execute(
        "SELECT c.engagement_id FROM deletion_certificates c JOIN engagements e ON e.id = c.engagement_id "
        "WHERE c.termination_id = ? AND c.received_on IS NULL AND NOT EXISTS (SELECT 1 FROM requests r WHERE "
        "r.termination_id = c.termination_id AND r.engagement_id = c.engagement_id AND r.state NOT IN "
        "('expired', 'withdrawn')) ORDER BY e.path_key", [termination_id])]


def open_links(db: Database, business_id: int, tier: int | None) -> list[int]:
    """The links of a business not ended (of one tier when given), in chain order."""
    where = "business_id = ? AND status != 'ended'" + (" AND tier = ?" if tier else "")
    return [r[0] for r in db.execute(f"SELECT id FROM engagements WHERE {where} ORDER BY path_key",
                                     [business_id, tier] if tier else [business_id])]


def open_sub_links(db: Database, engagement_id: int) -> list[dict]:
    """The links directly below one (not ended), with their entrustee: whom a vendor may forward to,
    and what a sub-processor declaration is compared with."""
    return list(db.query("SELECT e.id, p.id AS party_id, p.name, p.corporate_number, p.contact_person, p.email "
                         "FROM engagements e JOIN parties p ON p.id = e.entrustee_party_id "
                         "WHERE e.parent_engagement_id = ? AND e.status != 'ended' ORDER BY p.name", [engagement_id]))



def certificate_owed(db: Database, engagement_id: int, termination_id: int | None) -> dict | None:
    """The deletion certificate a link still owes (of that termination, when known)."""
    rows = list(db.query("SELECT id, version FROM deletion_certificates WHERE engagement_id = ? AND received_on IS NULL "
                         "AND (? IS NULL OR termination_id = ?) ORDER BY id DESC LIMIT 1",
                         [engagement_id, termination_id, termination_id]))
    return rows[0] if rows else None


def vendor_files(db: Database, owner: str) -> list[dict]:
    """The attachment rows a request's vendor brought (``owner``: its actor, "vendor:R<n>")."""
    return list(db.query("SELECT id, sha256, size FROM attachments WHERE created_by = ? ORDER BY id", [owner]))


def unreferenced_hashes(db: Database, hashes: list[str]) -> list[str]:
    """Those of ``hashes`` that no attachment row names any more (their files may go)."""
    named = {r[0] for r in db.execute(f"SELECT DISTINCT sha256 FROM attachments WHERE sha256 IN "
                                      f"({', '.join('?' for _ in hashes)})", hashes)} if hashes else set()
    return [h for h in dict.fromkeys(hashes) if h not in named]
