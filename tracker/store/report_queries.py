"""The oversight report's rows, streamed: each function opens a connection of its own and yields
rows while the workbook is written. ``scope`` narrows the links (business, department, tier)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import connection
from .conditions import conditions
from .json_columns import listed


@dataclass(frozen=True)
class LinkScope:
    business_id: int | None = None
    department: str | None = None
    tier: int | None = None

    def where(self, alias: str = "e") -> tuple[str, list]:
        """The condition (on links aliased ``alias``) and parameters of this scope."""
        return conditions([
            (f"{alias}.business_id = ?", self.business_id),
            (f"{alias}.business_id IN (SELECT id FROM businesses WHERE owner_department = ?)", self.department or None),
            (f"{alias}.tier = ?", self.tier)])

    @property
    def narrowed(self) -> bool:
        """Whether the scope leaves any link out."""
        return self.where()[0] != "1"


def _rows(db_path: Path, sql: str, params: list) -> Iterator[tuple]:
    with connection.reading(db_path) as db:
        yield from db.execute(sql, params)


def departments(db) -> list[str]:
    """Every department that owns a business, by name."""
    return [r[0] for r in db.execute("SELECT DISTINCT owner_department FROM businesses ORDER BY 1")]


def open_links(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """(link, business id, business, department, tier, approval status, entrustee id) of every open link."""
    where, params = scope.where()
    return _rows(db_path, f"""SELECT e.id, b.id, b.name, b.owner_department, e.tier, a.status, e.entrustee_party_id
                              FROM engagements e
                              JOIN businesses b ON b.id = e.business_id LEFT JOIN approvals a ON a.engagement_id = e.id
                              WHERE {where} AND e.status <> 'ended'""", params)


def overdue_by_business(db_path: Path, scope: LinkScope, as_of: str) -> Iterator[tuple]:
    """(business, items overdue on ``as_of``) of the links in scope."""
    where, params = scope.where()
    return _rows(db_path, f"""SELECT e.business_id, count(*) FROM due_items d JOIN engagements e ON e.id = d.engagement_id
                              WHERE {where} AND d.due_on < ? GROUP BY e.business_id""", params + [as_of])


def open_incidents_by_business(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """(business, incidents not closed) of the links in scope."""
    where, params = scope.where()
    return _rows(db_path, f"""SELECT e.business_id, count(*) FROM incidents i JOIN engagements e ON e.id = i.engagement_id
                              WHERE {where} AND i.closed_on IS NULL GROUP BY e.business_id""", params)


def parties(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """Parties (those entrusted a link in scope, when narrowed), with their parent company's name."""
    where, params = scope.where()
    if scope.narrowed:
        where = f"p.id IN (SELECT e.entrustee_party_id FROM engagements e WHERE {where})"
    else:
        where, params = "1", []
    return _rows(db_path, f"""SELECT p.id, p.name, p.kana, p.corporate_number, p.address, p.country, p.contact_person,
                                     p.email, p.phone, parent.name
                              FROM parties p LEFT JOIN parties parent ON parent.id = p.parent_party_id
                              WHERE {where} ORDER BY p.id""", params)


def chain(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """Every link depth-first per business (ancestors before descendants); categories and countries as
    tuples of codes."""
    where, params = scope.where()
    rows = _rows(db_path, f"""SELECT e.id, b.name, e.tier, er.name, ee.name, ee.corporate_number, e.work,
                                     e.data_categories, e.processing_countries, e.storage_countries, e.status,
                                     a.status, a.decided_on, e.start_date, e.end_date, e.business_id, e.ref
                              FROM engagements e JOIN businesses b ON b.id = e.business_id
                              JOIN parties ee ON ee.id = e.entrustee_party_id
                              LEFT JOIN parties er ON er.id = e.entruster_party_id
                              LEFT JOIN approvals a ON a.engagement_id = e.id
                              WHERE {where} ORDER BY e.business_id, e.path_key""", params)
    return ((*r[:7], listed(r[7]), listed(r[8]), listed(r[9]), *r[10:]) for r in rows)


def open_link_names(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """(link, its ledger number, business, tier, entrustee) of every open link, by business and path."""
    where, params = scope.where()
    return _rows(db_path, f"""SELECT e.id, e.ref, b.name, e.tier, ee.name FROM engagements e
                              JOIN businesses b ON b.id = e.business_id JOIN parties ee ON ee.id = e.entrustee_party_id
                              WHERE {where} AND e.status <> 'ended' ORDER BY e.business_id, e.path_key""", params)


def link_names(db_path: Path, ids: list[int]) -> dict[int, tuple]:
    """link → (its ledger number, business, tier, entrustee) of a few links."""
    marks = ",".join("?" * len(ids))
    return {row[0]: row[1:] for row in _rows(db_path, f"""SELECT e.id, e.ref, b.name, e.tier, ee.name FROM engagements e
                              JOIN businesses b ON b.id = e.business_id JOIN parties ee ON ee.id = e.entrustee_party_id
                              WHERE e.id IN ({marks})""", list(ids))}


def schedule(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """Every due item (those of links out of scope left out), by due date."""
    where, params = scope.where()
    return _rows(db_path, f"""SELECT d.due_on, d.notice_days, d.kind, p.name, e.work, b.name, d.tier, u.display_name
                              FROM due_items d JOIN parties p ON p.id = d.party_id
                              LEFT JOIN engagements e ON e.id = d.engagement_id
                              LEFT JOIN businesses b ON b.id = d.business_id
                              LEFT JOIN users u ON u.id = d.owner_user_id
                              WHERE d.engagement_id IS NULL OR d.engagement_id IN (SELECT e.id FROM engagements e
                                                                                   WHERE {where})
                              ORDER BY d.due_on, d.id""", params)


def link_ids(db_path: Path, scope: LinkScope) -> set[int]:
    """The ids of the links in scope."""
    where, params = scope.where()
    return {row[0] for row in _rows(db_path, f"SELECT e.id FROM engagements e WHERE {where}", params)}


def certificates(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """Every deletion certificate owed or received for links in scope, by termination and chain."""
    where, params = scope.where()
    return _rows(db_path, f"""SELECT rp.name || ' — ' || r.work, t.ended_on, p.name, e.tier, c.received_on, c.method,
                                     c.items, c.responsible_person, c.done_on
                              FROM deletion_certificates c JOIN terminations t ON t.id = c.termination_id
                              JOIN engagements r ON r.id = t.engagement_id JOIN parties rp ON rp.id = r.entrustee_party_id
                              JOIN engagements e ON e.id = c.engagement_id JOIN parties p ON p.id = c.party_id
                              WHERE {where} ORDER BY t.id, e.path_key""", params)


def requests(db_path: Path, scope: LinkScope) -> Iterator[tuple]:
    """Requests to the vendors of links in scope, soonest due first."""
    where, params = scope.where()
    return _rows(db_path, f"""SELECT r.id, r.set_id, r.state, p.name, b.name, e.tier, r.due_on, r.sent_on,
                                     substr(r.answered_at, 1, 10), r.decided_on
                              FROM requests r JOIN engagements e ON e.id = r.engagement_id
                              JOIN parties p ON p.id = e.entrustee_party_id JOIN businesses b ON b.id = e.business_id
                              WHERE {where} ORDER BY r.due_on, r.id""", params)


def shared_parties(db_path: Path, scope: LinkScope) -> list[tuple]:
    """Every party holding open links in scope in two businesses or more, those with most businesses
    first: (party, 法人番号, businesses, links, top tier, bottom tier, My Number, 要配慮, individuals —
    the largest count of each business once, needing approval, approved, link ids, the countries its
    links process or store data in as a sorted tuple)."""
    where, params = scope.where()
    rows = list(_rows(db_path, f"""
        WITH per AS (
            SELECT e.entrustee_party_id AS party, count(*) AS links, min(e.tier) AS top, max(e.tier) AS bottom,
                   max(instr(e.data_categories, '"my_number"') > 0) AS my_number,
                   max(instr(e.data_categories, '"sensitive"') > 0) AS sensitive,
                   max(e.individuals_count) AS individuals, sum(e.tier >= 2) AS needing,
                   sum(coalesce(a.status = 'approved', 0)) AS approved, group_concat(e.id) AS ids,
                   group_concat(DISTINCT e.processing_countries) AS processing,
                   group_concat(DISTINCT e.storage_countries) AS storage
            FROM engagements e LEFT JOIN approvals a ON a.engagement_id = e.id
            WHERE {where} AND e.status <> 'ended' GROUP BY e.entrustee_party_id, e.business_id)
        SELECT p.name, p.corporate_number, count(*) AS businesses, sum(links), min(top), max(bottom), max(my_number),
               max(sensitive), sum(individuals), sum(needing), sum(approved), group_concat(ids),
               group_concat(DISTINCT processing), group_concat(DISTINCT storage)
        FROM per JOIN parties p ON p.id = per.party
        GROUP BY per.party HAVING count(*) >= 2 ORDER BY businesses DESC, p.name""", params))
    return [(*r[:12], _countries(r[12], r[13])) for r in rows]


def _countries(*concatenated: str | None) -> tuple[str, ...]:
    """The country codes of JSON lists joined by commas ('["JP"],["JP","SG"]'): few distinct texts."""
    return tuple(sorted({c for text in concatenated if text for c in listed(f"[{text}]") for c in c}))


