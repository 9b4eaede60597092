"""Contract gaps of one link or the whole registry, with flow-down, and their display pages."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..domain.chain import ids_in_path
from ..domain.clauses import Level, LinkTraits
from ..domain.gaps import COVERAGE_RANK, Coverage, Gap, LinkFacts, Need, by_severity, compute_gaps, needs_along
from ..domain.models import parse_categories
from ..store import connection
from ..store import contract_queries as cq
from ..store import registry_queries as q
from .catalogue import catalogue
from .chains import ChainLink, to_links
from .context import Context, NotFound

_STATUS_BY_RANK = {rank: status for status, rank in COVERAGE_RANK.items()}


@dataclass(frozen=True)
class RegistryGaps:
    """Computed once per database revision and day, then read by every screen."""

    gaps: list[Gap]  # by severity
    business_of: dict[int, int]  # engagement id -> business id
    per_link: dict[int, Counter]  # engagement id -> gaps by level

    @classmethod
    def of(cls, gaps: list[Gap], business_of: dict[int, int]) -> RegistryGaps:
        per_link: dict[int, Counter] = {}
        for gap in gaps:
            per_link.setdefault(gap.engagement_id, Counter())[gap.level] += 1
        return cls(gaps, business_of, per_link)

    def count(self, engagement_id: int) -> int:
        return sum(self.per_link.get(engagement_id, {}).values())


def _facts(db, as_of: date, engagement_ids: list[int] | None = None) -> list[LinkFacts]:
    rows = cq.link_fact_rows(db, engagement_ids)
    best, with_contract = cq.coverage_in_force(db, as_of, engagement_ids)
    coverage: dict[int, dict[str, Coverage]] = {}
    for engagement_id, clause_id, rank in best:
        coverage.setdefault(engagement_id, {})[clause_id] = _STATUS_BY_RANK[rank]
    traits_cache: dict[tuple, LinkTraits] = {}
    facts = []
    for r in rows:
        key = (r["data_categories"], r["processing_countries"], r["storage_countries"], r["entrustee_country"],
               r["tier"] >= 2, bool(r["has_children"]))
        traits = traits_cache.get(key)
        if traits is None:
            countries = {*json.loads(r["processing_countries"]), *json.loads(r["storage_countries"]),
                         r["entrustee_country"]}
            traits = traits_cache[key] = LinkTraits(parse_categories(json.loads(r["data_categories"])),
                                                    frozenset(countries), r["tier"], bool(r["has_children"]))
        facts.append(LinkFacts(r["id"], r["parent_engagement_id"], r["tier"], traits, coverage.get(r["id"], {}),
                               r["id"] in with_contract))
    return facts


_cache: dict[tuple[str, int, date], RegistryGaps] = {}
_cache_lock = threading.Lock()


def registry_gaps(ctx: Context, as_of: date | None = None) -> RegistryGaps:
    """Every gap of every open link, by severity. Computed once per change of the database (its
    revision) and day, then shared by every session: the whole registry is three queries."""
    as_of = as_of or ctx.today
    with ctx.read() as db:
        key = (str(ctx.db_path), connection.revision(db), as_of)
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        facts = _facts(db, as_of)
        business_of = dict(db.execute("SELECT id, business_id FROM engagements WHERE status <> 'ended'").fetchall())
    result = RegistryGaps.of(by_severity(compute_gaps(catalogue(), facts), catalogue()), business_of)
    with _cache_lock:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = result
    return result


def engagement_gaps(ctx: Context, engagement_id: int, as_of: date | None = None) -> list[Gap]:
    """Gaps of one link, its ancestors read for flow-down: a handful of rows, not the registry."""
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
        if row is None:
            raise NotFound("engagement", engagement_id)
        facts = _facts(db, as_of or ctx.today, ids_in_path(row["path_key"]))
    gaps = compute_gaps(catalogue(), facts)
    return by_severity([g for g in gaps if g.engagement_id == engagement_id], catalogue())


def needs_of(ctx: Context, engagement_id: int) -> dict[str, Need]:
    """What this link's contract must carry (own conditions and flow-down), for its checklist."""
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
        if row is None:
            raise NotFound("engagement", engagement_id)
        facts = _facts(db, ctx.today, ids_in_path(row["path_key"]))
    return next((needs for link, needs in needs_along(catalogue(), facts) if link.id == engagement_id), {})


@dataclass(frozen=True)
class GapRow:
    gap: Gap
    link: ChainLink
    required_by_name: str | None  # entrustee of the link above that requires the clause (flow-down)


def gaps_page(ctx: Context, business_id: int | None = None, tier: int | None = None, level: str | None = None,
              clause_id: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[GapRow], int]:
    """One page of gaps, most severe first, filtered by business, tier, level and clause."""
    result = registry_gaps(ctx)
    selected = [
        g for g in result.gaps
        if (business_id is None or result.business_of.get(g.engagement_id) == business_id)
        and (tier is None or g.tier == tier)
        and (level is None or g.level == level)
        and (clause_id is None or g.clause_id == clause_id)
    ]
    page = selected[offset:offset + limit]
    with ctx.read() as db:
        rows = q.engagements_by_ids(db, sorted({g.engagement_id for g in page}))
        links = {link.id: link for link in to_links(db, list(rows.values()))}
        on_paths = q.path_entrustees(db, [r["path_key"] for r in rows.values()])
    return [GapRow(g, links[g.engagement_id], on_paths[g.required_by]["entrustee_name"]
                   if g.required_by != g.engagement_id else None) for g in page], len(selected)


@dataclass(frozen=True)
class GapSummary:
    must: int
    should: int
    links_with_gaps: int
    links_without_contract: int


def summary(ctx: Context) -> GapSummary:
    result = registry_gaps(ctx)
    levels = Counter(g.level for g in result.gaps)
    return GapSummary(levels[Level.MUST], levels[Level.SHOULD], len({g.engagement_id for g in result.gaps}),
                      len({g.engagement_id for g in result.gaps if g.no_contract}))
