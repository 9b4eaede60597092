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


def link_fact_rows(db: Database, engagement_ids: list[int] | None = None) -> list[Row]:
    """What the gap engine needs of each open link (not ended): one query, whatever the count."""
    where = "e.status <> 'ended'"
    params: list = []
    if engagement_ids is not None:
        where += f" AND e.id IN ({','.join('?' for _ in engagement_ids)})"
        params = list(engagement_ids)
    return list(db.query(
        f"""SELECT e.id, e.parent_engagement_id, e.tier, e.data_categories, e.processing_countries,
                   e.storage_countries, p.country AS entrustee_country,
                   EXISTS (SELECT 1 FROM engagements k WHERE k.parent_engagement_id = e.id
                           AND k.status <> 'ended') AS has_children
            FROM engagements e JOIN parties p ON p.id = e.entrustee_party_id
            WHERE {where}""",
        params,
    ))


def coverage_in_force(db: Database, as_of: date, engagement_ids: list[int] | None = None):
    """(best status per engagement and clause, engagements with a contract in force) as of a day."""
    scope = ""
    params: dict = {"as_of": as_of.isoformat()}
    if engagement_ids is not None:
        names = [f"e{i}" for i in range(len(engagement_ids))]
        scope = f" AND c.engagement_id IN ({','.join(':' + n for n in names)})"
        params |= dict(zip(names, engagement_ids))
    best = db.execute(
        f"""SELECT c.engagement_id, cc.clause_id,
                   min(CASE cc.status WHEN 'covered' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END)
            FROM contracts c JOIN clause_coverage cc ON cc.contract_id = c.id
            WHERE {_IN_FORCE}{scope}
            GROUP BY c.engagement_id, cc.clause_id""",
        params,
    ).fetchall()
    with_contract = {r[0] for r in db.execute(
        f"SELECT DISTINCT c.engagement_id FROM contracts c WHERE {_IN_FORCE}{scope}", params).fetchall()}
    return best, with_contract
