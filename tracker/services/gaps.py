"""Contract gaps of one link or the whole registry, with flow-down, and their display pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ..domain.chain import ids_in_path
from ..domain.clauses import Level, LinkTraits
from ..domain.gaps import Gap, GapAnalysis, LinkFacts, LinkGaps, Need, clause_states, union
from ..domain.gaps import needs_of as needs_for_link
from ..domain.models import HOME_COUNTRY, parse_categories
from ..store import coverage_masks
from ..store import contract_queries as cq
from ..store import registry_queries as q
from . import revision_cache
from .catalogue import catalogue
from .chains import ChainLink, to_links
from .context import Context, NotFound



@dataclass(frozen=True)
class RegistryGaps:
    """Computed once per database revision and day, then read by every screen."""

    analysis: GapAnalysis
    business_of: dict[int, int]  # engagement id -> business id
    facts: list[LinkFacts]  # what the analysis was made from (the clause matrix walks them again)

    def count(self, engagement_id: int) -> int:
        link = self.analysis.by_id.get(engagement_id)
        return link.mask().bit_count() if link else 0


def _facts(db, as_of: date, engagement_ids: list[int] | None = None) -> list[LinkFacts]:
    """The gap engine's view of open links: a few queries and small tuples, whatever the count."""
    rows = cq.link_fact_rows(db, engagement_ids)
    to_catalogue = _bit_translator(coverage_masks.clause_bits(db))
    coverage: dict[int, tuple[int, int]] = {}
    for engagement_id, covered, partial in cq.contract_masks_in_force(db, as_of, engagement_ids):
        prior = coverage.get(engagement_id)  # most links have one contract: no union to make
        coverage[engagement_id] = (covered, partial) if prior is None else union([prior, (covered, partial)])
    redelegating = cq.links_with_open_children(db, engagement_ids)
    abroad = cq.party_countries_abroad(db)
    traits_cache: dict[tuple, LinkTraits] = {}
    facts = []
    for engagement_id, parent_id, tier, categories, processing, storage, entrustee in rows:
        has_children = engagement_id in redelegating
        country = abroad.get(entrustee, HOME_COUNTRY)
        key = (categories, processing, storage, country, tier >= 2, has_children)
        traits = traits_cache.get(key)
        if traits is None:
            countries = frozenset({*json.loads(processing), *json.loads(storage), country})
            traits = traits_cache[key] = LinkTraits(parse_categories(json.loads(categories)), countries, tier,
                                                    has_children)
        covered, partial = coverage.get(engagement_id, _NONE)
        if to_catalogue and (covered or partial):
            covered, partial = to_catalogue(covered), to_catalogue(partial)
        facts.append(LinkFacts(engagement_id, parent_id, tier, traits, covered, partial, engagement_id in coverage))
    return facts


_NONE = (0, 0)


def _bit_translator(stable_bits: dict[str, int]):
    """Stored masks use stable bits per clause id; the engine uses the catalogue's order. None when
    they are the same (the usual case): nothing to translate."""
    position = {clause.id: bit for bit, clause in enumerate(catalogue())}
    pairs = [(1 << stable, 1 << position[clause_id]) for clause_id, stable in stable_bits.items()
             if clause_id in position]
    if all(source == target for source, target in pairs) and len(pairs) == len(stable_bits):
        return None
    cache: dict[int, int] = {0: 0}

    def translate(mask: int) -> int:
        found = cache.get(mask)
        if found is None:
            found = cache[mask] = sum(target for source, target in pairs if mask & source)
        return found

    return translate


def registry_gaps(ctx: Context, as_of: date | None = None) -> RegistryGaps:
    """The gaps of every open link. Computed once per change of the database (its revision) and
    day, then shared by every session: the whole registry is a handful of queries."""
    as_of = as_of or ctx.today
    return revision_cache.per_revision(ctx, "registry_gaps", lambda: _registry_gaps(ctx, as_of), as_of)


def _registry_gaps(ctx: Context, as_of: date) -> RegistryGaps:
    with ctx.read() as db:
        facts = _facts(db, as_of)
        business_of = q.business_of_open_links(db)
    return RegistryGaps(GapAnalysis(catalogue(), facts), business_of, facts)


def clause_matrix(ctx: Context, as_of: date | None = None) -> dict[int, list]:
    """Every open link's state (covered / partial / missing / not required) for each clause, from
    the facts the (cached) registry gaps were computed from: read once per revision and day."""
    return dict(clause_states(catalogue(), registry_gaps(ctx, as_of).facts))


def engagement_gaps(ctx: Context, engagement_id: int, as_of: date | None = None) -> list[Gap]:
    """Gaps of one link, its ancestors read for flow-down: a handful of rows, not the registry."""
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
        if row is None:
            raise NotFound("engagement", engagement_id)
        facts = _facts(db, as_of or ctx.today, ids_in_path(row["path_key"]))
    return GapAnalysis(catalogue(), facts).of_link(engagement_id)


def needs_of(ctx: Context, engagement_id: int) -> dict[str, Need]:
    """What this link's contract must carry (own conditions and flow-down), for its checklist."""
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
        if row is None:
            raise NotFound("engagement", engagement_id)
        facts = _facts(db, ctx.today, ids_in_path(row["path_key"]))
    return needs_for_link(catalogue(), facts, engagement_id)


@dataclass(frozen=True)
class GapFilter:
    business_id: int | None = None
    tier: int | None = None
    level: str | None = None  # "must" / "should"
    clause_id: str | None = None  # links lacking this clause


@dataclass(frozen=True)
class LinkGapRow:
    """One link and every clause its contracts lack (at the chosen level), must-level first."""

    link: ChainLink
    gaps: list[Gap]
    required_by: dict[int, str]  # link → its entrustee, for gaps a link above requires (flow-down)


def link_gaps_page(ctx: Context, chosen: GapFilter = GapFilter(), limit: int = 20,
                   offset: int = 0) -> tuple[list[LinkGapRow], GapSummary]:
    """One page of links with gaps (those with must-level gaps first) and the counts of everything
    the filter keeps, so the counters above the list say what the list holds."""
    analysis = registry_gaps(ctx).analysis
    bit = next((i for i, c in enumerate(analysis.catalogue) if c.id == chosen.clause_id), None) \
        if chosen.clause_id else None
    level = Level(chosen.level) if chosen.level else None
    links, totals = revision_cache.per_revision(
        ctx, "gaps_filtered", lambda: _filtered(ctx, chosen.business_id, chosen.tier, bit, level),
        chosen.business_id, chosen.tier, bit, level)
    page = links[offset:offset + limit]
    link_gaps = {g.engagement_id: list(analysis.gaps([g], level=level)) for g in page}
    with ctx.read() as db:
        rows = q.engagements_by_ids(db, [g.engagement_id for g in page])
        on_paths = q.path_entrustees(db, [r["path_key"] for r in rows.values()])
        chain_links = {link.id: link for link in to_links(db, list(rows.values()), on_paths)}
    return [LinkGapRow(chain_links[g.engagement_id], link_gaps[g.engagement_id],
                       {gap.required_by: on_paths[gap.required_by]["entrustee_name"]
                        for gap in link_gaps[g.engagement_id] if gap.required_by != g.engagement_id})
            for g in page], totals


def _filtered(ctx: Context, business_id: int | None, tier: int | None, bit: int | None,
              level: Level | None) -> tuple[list[LinkGaps], GapSummary]:
    """The links a filter keeps, must-level first, and their counts: once per change, not per rerun."""
    result = registry_gaps(ctx)
    clause_mask = -1 if bit is None else 1 << bit
    links = [g for g in result.analysis.links
             if (business_id is None or result.business_of.get(g.engagement_id) == business_id)
             and (tier is None or g.tier == tier) and g.mask(level) & clause_mask]
    links.sort(key=lambda g: not (g.must & clause_mask and level != Level.SHOULD))  # stable: severity order kept
    count = result.analysis.count
    return links, GapSummary(count(links, bit, Level.MUST) if level != Level.SHOULD else 0,
                             count(links, bit, Level.SHOULD) if level != Level.MUST else 0,
                             len(links), sum(1 for g in links if g.no_contract))


@dataclass(frozen=True)
class GapSummary:
    must: int
    should: int
    links_with_gaps: int
    links_without_contract: int


def summary(ctx: Context) -> GapSummary:
    analysis = registry_gaps(ctx).analysis
    return GapSummary(analysis.count(level=Level.MUST), analysis.count(level=Level.SHOULD), len(analysis.links),
                      sum(1 for g in analysis.links if g.no_contract))
