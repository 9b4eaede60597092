"""Contracts, clause coverage, and the facts the gap engine reads for many links at once."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from .registry_queries import Row

# in force: signed on or before the day, and not expired unless it renews itself (domain.gaps.in_force)
_IN_FORCE = """c.signed_on IS NOT NULL AND c.signed_on <= :as_of
               AND (c.auto_renewal = 1 OR c.valid_until IS NULL OR c.valid_until >= :as_of)"""


def contracts_of(db: Database, engagement_id: int) -> list[Row]:
    return list(db.query(
        """SELECT c.*, (SELECT count(*) FROM clause_coverage cc WHERE cc.contract_id = c.id) AS entries
           FROM contracts c WHERE c.engagement_id = ? ORDER BY c.signed_on IS NULL, c.signed_on, c.id""",
        [engagement_id],
    ))


def contract(db: Database, contract_id: int) -> Row | None:
    rows = list(db.query("SELECT * FROM contracts WHERE id = ?", [contract_id]))
    return rows[0] if rows else None


def coverage_of(db: Database, contract_id: int) -> dict[str, Row]:
    return {r["clause_id"]: r for r in db.query("SELECT * FROM clause_coverage WHERE contract_id = ?", [contract_id])}


def link_fact_rows(db: Database, engagement_ids: list[int] | None = None) -> list[tuple]:
    """(id, parent, tier, categories, processing, storage, entrustee) of each open link (not ended):
    one query, plain tuples, whatever the count."""
    where, params = "e.status <> 'ended'", []
    if engagement_ids is not None:
        where += f" AND e.id IN ({','.join('?' for _ in engagement_ids)})"
        params = list(engagement_ids)
    return db.execute(
        f"""SELECT e.id, e.parent_engagement_id, e.tier, e.data_categories, e.processing_countries,
                   e.storage_countries, e.entrustee_party_id
            FROM engagements e WHERE {where}""",
        params,
    ).fetchall()


def contract_masks_in_force(db: Database, as_of: date, engagement_ids: list[int] | None = None) -> list[tuple]:
    """(engagement id, covered mask, partial mask) of every contract in force on ``as_of``; the
    masks use the stable bits of store.coverage_masks."""
    params: dict = {"as_of": as_of.isoformat()}
    scope = ""
    if engagement_ids is not None:
        names = [f"e{i}" for i in range(len(engagement_ids))]
        scope = f" AND c.engagement_id IN ({','.join(':' + n for n in names)})"
        params |= dict(zip(names, engagement_ids))
    return db.execute(
        f"SELECT c.engagement_id, c.covered_mask, c.partial_mask FROM contracts c WHERE {_IN_FORCE}{scope}", params
    ).fetchall()


def links_with_open_children(db: Database, engagement_ids: list[int] | None = None) -> set[int]:
    """Links whose entrustee re-delegates further (a sub-link not ended)."""
    scope, params = "", []
    if engagement_ids is not None:
        scope = f" AND parent_engagement_id IN ({','.join('?' for _ in engagement_ids)})"
        params = list(engagement_ids)
    return {r[0] for r in db.execute(
        f"""SELECT DISTINCT parent_engagement_id FROM engagements
            WHERE status <> 'ended' AND parent_engagement_id IS NOT NULL{scope}""", params).fetchall()}


def party_countries_abroad(db: Database) -> dict[int, str]:
    """Parties whose own country is not Japan (few), by id."""
    return dict(db.execute("SELECT id, country FROM parties WHERE country <> 'JP'").fetchall())
