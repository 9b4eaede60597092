"""Read queries of the registry. Every list is paged: at 50,000 parties and 200,000 engagements no
screen loads a whole table."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from sqlite_utils import Database

from . import json_columns
from .conditions import conditions
from .lookups import required

from ..domain.chain import ids_in_path

Row = dict[str, Any]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _page(db: Database, select: str, where: str, params: list, order: str, limit: int, offset: int,
          count_from: str = ""):
    """``count_from``: the table to count in, when the select's joins add no row and ``where`` reads
    only it (the largest business's chain: 1 ms instead of 45 ms through the joins)."""
    clause = f"WHERE {where}"
    total = db.execute(f"SELECT count(*) FROM {count_from} {clause}" if count_from else
                       f"SELECT count(*) FROM ({select} {clause})", params).fetchone()[0]
    rows = list(db.query(f"{select} {clause} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]))
    return rows, total


# --- parties -------------------------------------------------------------------------------

def party(db: Database, party_id: int) -> Row:
    """A party with its parent's name; raises NotFound."""
    return required(find_party(db, party_id), "party", party_id)


def find_party(db: Database, party_id: int) -> Row | None:
    """A party with its parent's name, or None."""
    rows = list(
        db.query(
            """SELECT p.*, parent.name AS parent_name FROM parties p
               LEFT JOIN parties parent ON parent.id = p.parent_party_id WHERE p.id = ?""",
            [party_id],
        )
    )
    return rows[0] if rows else None


def party_by_corporate_number(db: Database, number: str) -> Row | None:
    """The party with this 法人番号, or None."""
    rows = list(db.query("SELECT * FROM parties WHERE corporate_number = ?", [number]))
    return rows[0] if rows else None


SEARCH_INDEXED = 3  # characters: the trigram index finds a substring this long or longer
SEARCH_FEW = 1000  # parties: up to this many holding the text, they are read by id from the index


def _parties(db: Database, text: str, country: str) -> tuple[str, str, list]:
    """The parties query matching ``text`` and ``country``: (select, where, params). A text the
    index can find, held by few parties (one company searched for), is looked up there; a short or
    common one ("株式会社") is matched by LIKE, which then finds the first page early in reading order."""
    text = text.strip()
    found = _indexed(db, text) if len(text) >= SEARCH_INDEXED else None
    where, params = conditions([
        ("(p.name LIKE ? ESCAPE '\\' OR p.kana LIKE ? ESCAPE '\\' OR p.corporate_number LIKE ? ESCAPE '\\')",
         [_like(text)] * 3 if text and found is None else None),
        ("p.id IN (SELECT value FROM json_each(?))", json.dumps(found) if found is not None else None),
        ("p.country = ?", country or None)])
    select = """SELECT p.id, p.name, p.kana, p.corporate_number, p.country, p.contact_person,
                       parent.name AS parent_name
                FROM parties p LEFT JOIN parties parent ON parent.id = p.parent_party_id"""
    return select, where, params


def _indexed(db: Database, text: str) -> list[int] | None:
    """The ids of the parties whose name, reading or number holds ``text`` (as LIKE finds it, any
    case), from the trigram index; None when more than SEARCH_FEW do."""
    phrase = '"' + text.replace('"', '""') + '"'
    ids = [r[0] for r in db.execute("SELECT rowid FROM parties_search WHERE parties_search MATCH ? LIMIT ?",
                                    [phrase, SEARCH_FEW + 1])]
    return ids if len(ids) <= SEARCH_FEW else None


# by reading (フリガナ), as a Japanese list is read; a party without one by its name
_BY_READING = "coalesce(nullif(p.kana, ''), p.name), p.id"


def parties_page(db: Database, text: str = "", country: str = "", limit: int = 50, offset: int = 0):
    """One page of parties matching the text (name, kana, number) and country, by reading, and
    how many match in all."""
    select, where, params = _parties(db, text, country)
    return _page(db, select, where, params, _BY_READING, limit, offset)


def party_choices(db: Database, text: str = "", limit: int = 50) -> list[Row]:
    """A short list of parties for a picker, matching ``text`` (no count: a picker shows none, and
    counting every party on each rerun was most of a picker's cost at 50,000 parties)."""
    select, where, params = _parties(db, text, "")
    return list(db.query(f"{select} WHERE {where} ORDER BY {_BY_READING} LIMIT ?", [*params, limit]))



def descendant_party_ids(db: Database, party_id: int) -> set[int]:
    """Every party below one in the group (its subsidiaries, theirs, …)."""
    rows = db.execute(
        """WITH RECURSIVE sub(id) AS (SELECT id FROM parties WHERE parent_party_id = ?
             UNION SELECT p.id FROM parties p JOIN sub ON p.parent_party_id = sub.id)
           SELECT id FROM sub""",
        [party_id],
    ).fetchall()
    return {r[0] for r in rows}


# --- businesses ----------------------------------------------------------------------------

def businesses(db: Database) -> list[Row]:
    """Every entrusted business, by name, with how many links it has."""
    return list(
        db.query(
            """SELECT b.*, (SELECT count(*) FROM engagements e WHERE e.business_id = b.id) AS links
               FROM businesses b ORDER BY b.name"""
        )
    )


def business(db: Database, business_id: int) -> Row | None:
    """A business row, or None."""
    rows = list(db.query("SELECT * FROM businesses WHERE id = ?", [business_id]))
    return rows[0] if rows else None


# --- engagements ---------------------------------------------------------------------------

_ENGAGEMENT_SELECT = """
    SELECT e.*, b.name AS business_name, ee.name AS entrustee_name, er.name AS entruster_name,
           ee.parent_party_id AS entrustee_parent_party_id,
           a.id AS approval_id, a.status AS approval_status, a.approver_party_id,
           a.decided_by, a.decided_on, a.conditions AS approval_conditions, a.note AS approval_note,
           a.version AS approval_version
    FROM engagements e
    JOIN businesses b ON b.id = e.business_id
    JOIN parties ee ON ee.id = e.entrustee_party_id
    LEFT JOIN parties er ON er.id = e.entruster_party_id
    LEFT JOIN approvals a ON a.engagement_id = e.id
"""


def _link(row: Row) -> Row:
    """An engagement row with its lists decoded (categories and countries are lists to every caller)."""
    return json_columns.decoded("engagements", row)


def _links(rows) -> list[Row]:
    return [_link(row) for row in rows]


def engagement(db: Database, engagement_id: int) -> Row:
    """A link with its business, parties and approval, lists decoded; raises NotFound."""
    return required(find_engagement(db, engagement_id), "engagement", engagement_id)


def awaiting_approval(db: Database, engagement_id: int) -> Row:
    """A re-delegation, as ``engagement``; raises NotFound("approval") for a link that needs none."""
    link = engagement(db, engagement_id)
    return required(link if link["approval_id"] is not None else None, "approval", engagement_id)


def find_engagement(db: Database, engagement_id: int) -> Row | None:
    """A link as ``engagement`` gives it, or None."""
    rows = _links(db.query(f"{_ENGAGEMENT_SELECT} WHERE e.id = ?", [engagement_id]))
    return rows[0] if rows else None


def link_place(db: Database, engagement_id: int) -> tuple | None:
    """(id, business, entrustee, tier, path key, data category codes, status) of a link: what a
    link created below it is checked against, without the joins of ``engagement``."""
    row = db.execute("""SELECT id, business_id, entrustee_party_id, tier, path_key, data_categories, status
                        FROM engagements WHERE id = ?""", [engagement_id]).fetchone()
    return row and (*row[:5], list(json_columns.listed(row[5])), row[6])


def party_exists(db: Database, party_id: int) -> bool:
    """Whether a party with this id exists."""
    return db.execute("SELECT 1 FROM parties WHERE id = ?", [party_id]).fetchone() is not None


def engagements_by_ids(db: Database, ids: list[int]) -> dict[int, Row]:
    """Link id → the link as ``engagement`` gives it, for the ids that exist."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    return {r["id"]: r for r in _links(db.query(f"{_ENGAGEMENT_SELECT} WHERE e.id IN ({marks})", ids))}


def engagements_page(
    db: Database,
    text: str = "",
    business_id: int | None = None,
    tier: int | None = None,
    status: str = "",
    category: str = "",
    party_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """One page of links matching every filter given, in chain order, and how many match in all."""
    where, params = conditions([
        ("(ee.name LIKE ? ESCAPE '\\' OR e.work LIKE ? ESCAPE '\\' OR e.ref = ? COLLATE NOCASE)",
         [_like(text.strip())] * 2 + [text.strip()] if text.strip() else None),
        *((f"{column} = ?", value or None) for column, value in (
            ("e.business_id", business_id), ("e.tier", tier), ("e.status", status), ("e.entrustee_party_id", party_id))),
        ("EXISTS (SELECT 1 FROM json_each(e.data_categories) j WHERE j.value = ?)", category or None)])
    clause = f"WHERE {where}"
    # counted without the display joins: only the entrustee's name can be filtered on
    join = "JOIN parties ee ON ee.id = e.entrustee_party_id" if text.strip() else ""
    total = db.execute(f"SELECT count(*) FROM engagements e {join} {clause}", params).fetchone()[0]
    rows = _links(db.query(f"{_ENGAGEMENT_SELECT} {clause} ORDER BY e.business_id, e.path_key LIMIT ? OFFSET ?",
                           [*params, limit, offset]))
    return rows, total


def child_categories(db: Database, engagement_id: int) -> list[tuple[str, ...]]:
    """The data category codes of each link directly below one."""
    return [json_columns.listed(r[0]) for r in db.execute(
        "SELECT data_categories FROM engagements WHERE parent_engagement_id = ?", [engagement_id]
    ).fetchall()]


def path_entrustees(db: Database, path_keys: list[str]) -> dict[int, Row]:
    """id, entrustee id and name of every link named in the given path keys (one query)."""
    return {r[0]: {"id": r[0], "ref": r[1], "entrustee_party_id": r[2], "entrustee_name": r[3]}
            for r in _on_paths(db, [ids_in_path(key) for key in path_keys])}


def path_names(db: Database, paths: list[list[int]]) -> dict[int, tuple[str, str]]:
    """(ref, entrustee name) of every link on the given paths (lists of link ids; one query, as
    tuples: the API's pages)."""
    return {r[0]: (r[1], r[3]) for r in _on_paths(db, paths)}


def _on_paths(db: Database, paths: list[list[int]]):
    """(id, ref, entrustee id, entrustee name) of every link on the paths."""
    ids = sorted({i for path in paths for i in path})
    if not ids:
        return []
    return db.execute(f"""SELECT e.id, e.ref, e.entrustee_party_id, p.name FROM engagements e
                          JOIN parties p ON p.id = e.entrustee_party_id WHERE e.id IN ({','.join('?' * len(ids))})""",
                      ids)


def chain_page(db: Database, business_id: int, limit: int, offset: int):
    """Links of one business in depth-first order (through the path_key index)."""
    rows, total = _page(db, _ENGAGEMENT_SELECT, "e.business_id = ?", [business_id], "e.path_key", limit, offset,
                        count_from="engagements e")
    return _links(rows), total



def links_of_party_in_business(db: Database, business_id: int, party_id: int) -> list[Row]:
    """The links one party holds in one business, in chain order."""
    return _links(db.query(
        f"{_ENGAGEMENT_SELECT} WHERE e.business_id = ? AND e.entrustee_party_id = ? ORDER BY e.path_key",
        [business_id, party_id]))


# --- approvals and findings ----------------------------------------------------------------

def pending_approvals_page(db: Database, limit: int = 50, offset: int = 0):
    """Oldest pending first; driven from the approvals index, not a scan of every engagement."""
    ids = [r[0] for r in db.execute("SELECT engagement_id FROM approvals WHERE status = 'pending' ORDER BY id "
                                    "LIMIT ? OFFSET ?", [limit, offset])]
    rows = engagements_by_ids(db, ids)
    return [rows[i] for i in ids], count_pending_approvals(db)


def count_pending_approvals(db: Database) -> int:
    """How many re-delegations wait for a decision."""
    return db.execute("SELECT count(*) FROM approvals WHERE status = 'pending'").fetchone()[0]


def approval_finding_candidates(db: Database) -> list[tuple]:
    """(id, tier, status, data category codes (a tuple), approval status, approver) of active re-delegations
    that may break an approval rule.

    A superset: the rules themselves (domain.approvals.findings_for) decide. Only links whose
    approval is missing, not approved, or that carry My Number data (where who approved matters)
    are read, as small tuples, so Home stays fast on a large registry.
    """
    return [(*row[:3], json_columns.listed(row[3]), *row[4:]) for row in db.execute(
        """SELECT e.id, e.tier, e.status, e.data_categories, a.status, a.approver_party_id
           FROM engagements e LEFT JOIN approvals a ON a.engagement_id = e.id
           WHERE e.status = 'active' AND e.tier >= 2
             AND (a.status IS NULL OR a.status <> 'approved'
                  OR (a.approver_party_id IS NOT NULL
                      AND EXISTS (SELECT 1 FROM json_each(e.data_categories) j WHERE j.value = 'my_number')))"""
    ).fetchall()]


def registry_counts(db: Database) -> dict[str, int]:
    """How many parties, businesses and open links the registry holds, and its deepest tier."""
    row = db.execute(
        """SELECT (SELECT count(*) FROM parties), (SELECT count(*) FROM businesses),
                  (SELECT count(*) FROM engagements WHERE status <> 'ended'),
                  (SELECT coalesce(max(tier), 0) FROM engagements)"""
    ).fetchone()
    return {"parties": row[0], "businesses": row[1], "open_engagements": row[2], "deepest_tier": row[3]}


def deepest_tier(db: Database) -> int:
    """The deepest tier of any link (0 when there is none)."""
    return db.execute("SELECT coalesce(max(tier), 0) FROM engagements").fetchone()[0]


def party_named(db: Database, name: str) -> int | None:
    """The first party with exactly this name, or None."""
    row = db.execute("SELECT id FROM parties WHERE name = ? ORDER BY id LIMIT 1", [name]).fetchone()
    return row[0] if row else None


def business_named(db: Database, name: str) -> int | None:
    """The id of the business with exactly this name, or None."""
    row = db.execute("SELECT id FROM businesses WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


class SharedRow(NamedTuple):
    """A link with the columns another system reads (the API's pages: tuples, not dicts — a page of
    500 is read in about the time of the bare query)."""

    id: int
    ref: str
    business_id: int
    business_name: str
    tier: int
    path_key: str
    entruster_party_id: int | None
    entruster_name: str | None
    entrustee_party_id: int
    entrustee_name: str
    entrustee_country: str
    work: str
    status: str
    data_categories: tuple[str, ...]
    processing_countries: tuple[str, ...]
    storage_countries: tuple[str, ...]
    individuals_count: int | None
    risk_tier_override: str | None
    incidents: int  # recorded at this link (the risk tier counts them)
    version: int
    approval_id: int | None
    approval_status: str | None
    approval_version: int | None


_SHARED_SELECT = """
    SELECT e.id, e.ref, e.business_id, b.name, e.tier, e.path_key, e.entruster_party_id, er.name,
           e.entrustee_party_id, ee.name, ee.country, e.work, e.status, e.data_categories,
           e.processing_countries, e.storage_countries, e.individuals_count, e.risk_tier_override,
           (SELECT count(*) FROM incidents i WHERE i.engagement_id = e.id), e.version,
           a.id, a.status, a.version
    FROM engagements e JOIN businesses b ON b.id = e.business_id JOIN parties ee ON ee.id = e.entrustee_party_id
    LEFT JOIN parties er ON er.id = e.entruster_party_id LEFT JOIN approvals a ON a.engagement_id = e.id"""


def _shared(cursor) -> list[SharedRow]:
    listed, make = json_columns.listed, SharedRow._make
    return [make((*r[:13], listed(r[13]), listed(r[14]), listed(r[15]), *r[16:])) for r in cursor]


def engagements_after(db: Database, after_id: int, limit: int, *, business_id: int | None = None,
                      tier: int | None = None, status: str = "", party_id: int | None = None) -> list[SharedRow]:
    """Up to ``limit`` links with an id above ``after_id``, by id, matching every filter given (a
    page is found through the primary key, however deep)."""
    where, params = conditions([("e.id > ?", after_id), *((f"{column} = ?", value or None) for column, value in (
        ("e.business_id", business_id), ("e.tier", tier), ("e.status", status), ("e.entrustee_party_id", party_id)))])
    return _shared(db.execute(f"{_SHARED_SELECT} WHERE {where} ORDER BY e.id LIMIT ?", [*params, limit]))


def shared_engagements(db: Database, ids: list[int]) -> list[SharedRow]:
    """These links as ``engagements_after`` reads them, in id order."""
    if not ids:
        return []
    return _shared(db.execute(f"{_SHARED_SELECT} WHERE e.id IN ({','.join('?' * len(ids))}) ORDER BY e.id", ids))


def parties_after(db: Database, after_id: int, limit: int) -> list[Row]:
    """Up to ``limit`` parties with an id above ``after_id``, by id."""
    return list(db.query("SELECT * FROM parties WHERE id > ? ORDER BY id LIMIT ?", [after_id, limit]))


def open_links_of_party(db: Database, party_id: int) -> list[tuple[int, str]]:
    """(id, path key) of every link the party holds that has not ended, in chain order."""
    return [tuple(r) for r in db.execute("SELECT id, path_key FROM engagements WHERE entrustee_party_id = ? AND "
                                         "status <> 'ended' ORDER BY path_key", [party_id])]


def refs_of(db: Database, ids: list[int]) -> dict[int, str]:
    """Link id → its ledger number, for these ids."""
    if not ids:
        return {}
    return dict(db.execute(f"SELECT id, ref FROM engagements WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall())


def engagement_id_by_ref(db: Database, ref: str) -> int | None:
    """The link whose ledger number is ``ref`` (whatever its case), or None."""
    row = db.execute("SELECT id FROM engagements WHERE ref = ? COLLATE NOCASE", [ref.strip()]).fetchone()
    return row[0] if row else None


def next_engagement_id(db: Database) -> int:
    """Inside the write transaction that inserts it (the lock makes it the one taken)."""
    return db.execute("SELECT coalesce(max(id), 0) + 1 FROM engagements").fetchone()[0]

