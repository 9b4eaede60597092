"""Keeps ``due_items`` equal to what domain.schedule derives from the registry.

Called in the same transaction as every change the schedule depends on (an engagement, its
contracts, reviews, selection checks, corrective actions; a party's certifications and owner).
Derived rows, like the coverage masks: rebuilt, never edited, so not in the audit trail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from sqlite_utils import Database

from . import connection
from .json_columns import listed

from .. import settings
from ..domain.models import EngagementStatus
from ..domain.risk_tier import LinkRisk, derive, effective
from ..domain.schedule import (DueItem, ReviewKind, ScheduleFacts, certification_item, contract_expiry, handled_abroad,
                               link_items)
from ..domain.selection import PASSING

_BATCH = 500  # ids per IN (...) list


def refresh_links(db: Database, engagement_ids: Iterable[int]) -> None:
    """Recompute what is due for these links (inside the caller's transaction)."""
    connection.touch(db, "due_items")
    for batch in _batches(sorted(set(engagement_ids))):
        marks = ",".join("?" * len(batch))
        db.execute(f"DELETE FROM due_items WHERE engagement_id IN ({marks})", batch)
        _write_link_items(db, f"e.id IN ({marks})", batch)


def refresh_certifications(db: Database, party_id: int) -> None:
    """Recompute the certification expiries due for one party (inside the caller's transaction)."""
    connection.touch(db, "due_items")
    db.execute("DELETE FROM due_items WHERE party_id = ? AND kind = ?", [party_id, ReviewKind.CERTIFICATION.value])
    _write_certification_items(db, "c.party_id = ?", [party_id])


def rebuild_all(db: Database) -> None:
    """Recompute everything that is due, for every link and party (after a migration)."""
    connection.touch(db, "due_items")
    db.execute("DELETE FROM due_items")
    _write_link_items(db, "1", [])
    _write_certification_items(db, "1", [])


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start:start + _BATCH]


def _write_link_items(db: Database, where: str, params: list) -> None:
    links = db.execute(
        f"""SELECT e.id, e.start_date, e.created_at, e.inspection_interval_months, e.processing_countries,
                   e.storage_countries, p.country, e.entrustee_party_id, e.business_id, e.tier, e.owner_user_id,
                   e.data_categories, e.individuals_count, e.risk_tier_override
            FROM engagements e JOIN parties p ON p.id = e.entrustee_party_id
            WHERE {where} AND e.status = ?""", params + [EngagementStatus.ACTIVE.value]).fetchall()
    if not links:  # a planned or ended link has no schedule
        return
    # how often each risk tier's vendor is asked again (the settings file, read once per refresh)
    months = dict(settings.load().requests.checksheet_months)
    for start_at in range(0, len(links), _BATCH):
        batch = links[start_at:start_at + _BATCH]
        facts = _facts(db, [row[0] for row in batch])
        rows = []
        for (link_id, start, created, interval, processing, storage, country, party_id, business_id, tier,
             owner, categories, individuals, override) in batch:
            processing, storage = listed(processing), listed(storage)
            abroad = handled_abroad(country, processing, storage)
            risk = derive(LinkRisk(frozenset(listed(categories)), individuals,
                                   frozenset([country, *processing, *storage]), tier,
                                   facts["incidents"].get(link_id, 0)))
            link = ScheduleFacts(
                start=date.fromisoformat(start or created[:10]),
                inspection_interval=interval,
                report_interval=facts["report_interval"].get(link_id),
                abroad=abroad,
                last_done=facts["last_done"][link_id],
                last_selection=facts["last_selection"].get(link_id),
                contracts=facts["contracts"].get(link_id, ()),
                open_actions=tuple(facts["actions"][link_id]),
                reevaluation_months=months[effective(risk.tier, override)],
                open_requests=tuple(facts["requests"][link_id]),
            )
            rows += [_row(item, link_id, party_id, business_id, tier, owner) for item in link_items(link)]
        _insert(db, rows)


def _facts(db: Database, ids: list[int]) -> dict:
    marks = ",".join("?" * len(ids))
    last_done: dict[int, dict] = defaultdict(dict)
    for link_id, kind, on in db.execute(
            f"SELECT engagement_id, kind, max(completed_on) FROM reviews WHERE engagement_id IN ({marks}) "
            "GROUP BY engagement_id, kind", ids):
        last_done[link_id][ReviewKind(kind)] = date.fromisoformat(on)
    passing = [r.value for r in PASSING]
    last_selection = {
        link_id: date.fromisoformat(on) for link_id, on in db.execute(
            f"SELECT engagement_id, max(checked_on) FROM selection_checks WHERE engagement_id IN ({marks}) "
            f"AND result IN ({','.join('?' * len(passing))}) GROUP BY engagement_id", ids + passing)}
    report_interval, contracts = {}, {}
    signed = defaultdict(list)
    for link_id, contract_id, kind, until, auto_renewal, report in db.execute(
            f"SELECT engagement_id, id, kind, valid_until, auto_renewal, report_interval_months FROM contracts "
            f"WHERE engagement_id IN ({marks}) AND signed_on IS NOT NULL", ids):
        if report:
            report_interval[link_id] = min(report, report_interval.get(link_id, report))
        signed[link_id].append((contract_id, kind, until, bool(auto_renewal)))
    for link_id, terms in signed.items():
        expiry = contract_expiry(terms)
        if expiry:
            contracts[link_id] = (expiry,)
    actions: dict[int, list] = defaultdict(list)
    for link_id, action_id, on in db.execute(
            f"""SELECT r.engagement_id, a.id, a.due_on FROM corrective_actions a JOIN reviews r ON r.id = a.review_id
                WHERE r.engagement_id IN ({marks}) AND a.closed_on IS NULL""", ids):
        actions[link_id].append((action_id, date.fromisoformat(on)))
    incidents = dict(db.execute(f"SELECT engagement_id, count(*) FROM incidents WHERE engagement_id IN ({marks}) "
                                "GROUP BY engagement_id", ids).fetchall())
    requests: dict[int, list] = defaultdict(list)
    for link_id, request_id, on in db.execute(
            f"SELECT engagement_id, id, due_on FROM requests WHERE engagement_id IN ({marks}) "
            "AND state NOT IN ('accepted', 'expired', 'withdrawn') "
            "UNION SELECT l.engagement_id, r.id, r.due_on FROM request_links l JOIN requests r ON r.id = l.request_id "
            f"WHERE l.engagement_id IN ({marks}) AND r.state NOT IN ('accepted', 'expired', 'withdrawn')", ids + ids):
        requests[link_id].append((request_id, date.fromisoformat(on)))
    return {"last_done": last_done, "last_selection": last_selection, "report_interval": report_interval,
            "contracts": contracts, "actions": actions, "incidents": incidents, "requests": requests}


def _write_certification_items(db: Database, where: str, params: list) -> None:
    rows = [
        _row(certification_item(cert_id, date.fromisoformat(until)), None, party_id, None, None, owner)
        for cert_id, until, party_id, owner in db.execute(
            f"""SELECT c.id, c.valid_until, c.party_id, p.owner_user_id FROM certifications c
                JOIN parties p ON p.id = c.party_id WHERE {where}""", params).fetchall()
    ]
    _insert(db, rows)


def _row(item: DueItem, link_id, party_id, business_id, tier, owner) -> tuple:
    return (item.kind.value, item.ref_id, link_id, party_id, business_id, tier, item.nominal_on.isoformat(),
            item.due_on.isoformat(), item.notice_days, owner)


def _insert(db: Database, rows: list[tuple]) -> None:
    if rows:
        db.conn.executemany(
            """INSERT INTO due_items (kind, ref_id, engagement_id, party_id, business_id, tier, nominal_on, due_on,
                                      notice_days, owner_user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
