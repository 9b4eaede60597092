"""Contract gaps of one link or the whole registry, with flow-down, and their display pages."""

from __future__ import annotations


import numpy as np
import pandas as pd
from dataclasses import dataclass
from datetime import date

from ..domain.chain import ids_in_path
from ..domain.clauses import Level, LinkTraits
from ..domain.gaps import (STATE_CODES, ClauseState, Gap, GapAnalysis, LinkTable, Need, RequirementWalk,
                           clause_state_codes)
from ..domain.gaps import needs_of as needs_for_link
from ..domain.models import HOME_COUNTRY, parse_categories
from ..store import coverage_masks, migrations
from ..store import contract_queries as cq
from ..store import registry_queries as q
from . import revision_cache
from .catalogue import catalogue
from .chains import ChainLink, to_links
from .context import Context



@dataclass(frozen=True)
class RegistryGaps:
    """Computed once per database revision and day, then read by every screen."""

    analysis: GapAnalysis
    businesses: np.ndarray  # the business of each link with a gap, in the analysis's order
    facts: LinkTable  # what the analysis was made from (the clause matrix walks them again)

    def count(self, engagement_id: int) -> int:
        """How many clauses a link lacks (0 for a link without gaps)."""
        link = self.analysis.find(engagement_id)
        return link.mask().bit_count() if link else 0


def _facts(db, as_of: date, engagement_ids: list[int] | None = None) -> LinkTable:
    """The gap engine's view of open links, as columns: a few queries turned into arrays, with one
    LinkTraits per distinct combination of data, places, tier and sub-links (a few hundred)."""
    shape = _shape(db, engagement_ids, cq.link_fact_columns(db, engagement_ids))
    return shape._replace(**_coverage(db, as_of, engagement_ids, shape.ids))


def _shape(db, engagement_ids: list[int] | None, links: cq.LinkColumns) -> LinkTable:
    """The links and their traits, without coverage (which changes with contracts, not with links)."""
    ids, tiers = links.ids, links.tiers
    abroad = cq.party_countries_abroad(db)  # few parties: the others are Japanese
    foreign = np.isin(links.entrustees, np.array(list(abroad), np.int64))
    country = np.full(len(ids), HOME_COUNTRY, dtype=object)
    country[foreign] = [abroad[e] for e in links.entrustees[foreign].tolist()]
    has_children = np.isin(ids, np.array(sorted(cq.links_with_open_children(db, engagement_ids)), np.int64))
    # one code per distinct (categories, processing, storage, country, sub-processor, has children)
    key = np.zeros(len(ids), np.int64)
    country_codes = pd.factorize(country)[0] if len(ids) else np.zeros(0, np.int64)
    for codes in (links.categories.codes, links.processing.codes, links.storage.codes, country_codes):
        key = key * (int(codes.max(initial=0)) + 1) + codes
    key = (key * 2 + (tiers >= 2)) * 2 + has_children
    _, first, traits_of = np.unique(key, return_index=True, return_inverse=True)
    traits = [LinkTraits(parse_categories(links.listed("categories", i)),
                         frozenset({*links.listed("processing", i), *links.listed("storage", i), country[i]}),
                         int(tiers[i]), bool(has_children[i])) for i in first.tolist()]
    none = np.zeros(len(ids), np.int64)
    return LinkTable(ids, links.parents, tiers, traits, traits_of.astype(np.int64).reshape(-1), none, none,
                     np.zeros(len(ids), bool))


def _coverage(db, as_of: date, engagement_ids: list[int] | None, ids: np.ndarray) -> dict[str, np.ndarray]:
    """covered, partial, has_contract of each link, over its contracts in force: a clause covered
    by any one is covered; one covered nowhere but in part somewhere is partial."""
    links, covers, parts = cq.contract_masks_in_force(db, as_of, engagement_ids)
    covered, partial = np.zeros(len(ids), np.int64), np.zeros(len(ids), np.int64)
    has_contract = np.zeros(len(ids), bool)
    if not len(links) or not len(ids):
        return {"covered": covered, "partial": partial, "has_contract": has_contract}
    to_catalogue = _bit_translator(coverage_masks.clause_bits(db))
    if to_catalogue:
        covers = np.array([to_catalogue(m) for m in covers.tolist()], np.int64)
        parts = np.array([to_catalogue(m) for m in parts.tolist()], np.int64)
    at = _rows_of(ids, links)
    known = at >= 0  # contracts of links not in the table are left out
    rows = at[known]
    np.bitwise_or.at(covered, rows, covers[known])
    np.bitwise_or.at(partial, rows, parts[known])
    has_contract[rows] = True
    return {"covered": covered, "partial": partial & ~covered, "has_contract": has_contract}


def _rows_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The row of each wanted id in ``ids``, -1 where it is not there. Through a table indexed by id
    (link ids are row ids: the table is as long as the engagements ever made): a binary search for
    each of 140,000 contracts' links, in the order they are read, took 24 ms; the table 1 ms."""
    top = int(ids.max())
    row_of = np.full(top + 1, -1, np.int64)
    row_of[ids] = np.arange(len(ids))
    return np.where((wanted >= 0) & (wanted <= top), row_of[wanted.clip(0, top)], -1)


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


# what the gaps are read from: a write to anything else (a review, an incident) leaves them valid;
# a contract saved re-reads the coverage only, a link or party saved the links only
LINK_TABLES = ("engagements", "parties")
COVERAGE_TABLES = ("contracts", "clause_coverage", "clause_bits")
GAP_TABLES = LINK_TABLES + COVERAGE_TABLES


def registry_gaps(ctx: Context, as_of: date | None = None) -> RegistryGaps:
    """The gaps of every open link. Computed once per change of the database (its revision) and
    day, then shared by every session: the whole registry is a handful of queries."""
    as_of = as_of or ctx.today
    return revision_cache.per_revision(ctx, "registry_gaps", lambda: _registry_gaps(ctx, as_of), as_of,
                                       tables=GAP_TABLES)


def _registry_gaps(ctx: Context, as_of: date) -> RegistryGaps:
    shape, businesses = revision_cache.per_revision(ctx, "registry_links", lambda: _registry_links(ctx),
                                                    tables=LINK_TABLES)
    # keyed by the shape it was computed for too: a link saved meanwhile gives a new shape (and rows)
    coverage = revision_cache.per_revision(ctx, "registry_coverage", lambda: _registry_coverage(ctx, shape.ids, as_of),
                                           as_of, id(shape), tables=GAP_TABLES,
                                           update=lambda older, was, now: _coverage_updated(ctx, shape.ids, as_of,
                                                                                            older, was, now))
    walk = revision_cache.per_revision(ctx, "registry_walk", lambda: RequirementWalk(catalogue(), shape), id(shape),
                                       tables=LINK_TABLES)  # the links' requirements: a contract saved leaves them
    facts = shape._replace(**coverage)
    analysis = GapAnalysis(catalogue(), facts, walk)
    return RegistryGaps(analysis, businesses[analysis.rows], facts)


def _registry_links(ctx: Context) -> tuple[LinkTable, np.ndarray]:
    with ctx.read() as db:
        links = cq.link_fact_columns(db)
        return _shape(db, None, links), links.businesses


def _registry_coverage(ctx: Context, ids: np.ndarray, as_of: date) -> dict[str, np.ndarray]:
    with ctx.read() as db:
        return _coverage(db, as_of, None, ids)


# more links changed than this (an import): every contract is read again, as fast as their contracts alone
_MOST_LINKS_UPDATED = 5_000


def _coverage_updated(ctx: Context, ids: np.ndarray, as_of: date, older: dict[str, np.ndarray],
                      was: tuple[int, ...], now: tuple[int, ...]) -> dict[str, np.ndarray] | None:
    """``older`` (the coverage of the same links at revision ``was``) brought up to date by reading the
    contracts of only the links whose contracts were written since: after one contract saved, ~1 ms
    instead of reading all 140,000 contracts in force again (~70 ms at 50,000 parties, in every
    process). None when it cannot be (the clause bits changed, too many links, or changes older than
    the ones kept): then everything is read again."""
    was, now = dict(zip(GAP_TABLES, was, strict=True)), dict(zip(GAP_TABLES, now, strict=True))
    if any(was[t] != now[t] for t in (*LINK_TABLES, "clause_bits")) or len(older["covered"]) != len(ids):
        return None  # other links (the key's shape may be another at the same address), or other bits
    if now["contracts"] - was["contracts"] >= migrations.CONTRACT_CHANGES_KEPT // 2:
        return None
    with ctx.read() as db:
        # every change after ``was``, also one committed after ``now`` was read: those links are read
        # as they are now, which is never older than ``now``
        changed = cq.links_with_contract_changes_after(db, was["contracts"])
        if len(changed) > _MOST_LINKS_UPDATED:
            return None
        fresh = _coverage(db, as_of, changed, ids) if changed else None
    updated = {name: column.copy() for name, column in older.items()}
    if fresh is not None:
        rows = _rows_of(ids, np.array(changed, np.int64))
        rows = rows[rows >= 0]  # a link not open (ended) is not in the table
        for name, column in updated.items():
            column[rows] = fresh[name][rows]
    return updated


@dataclass(frozen=True)
class ClauseMatrix:
    """Every open link's state (covered / partial / missing / not required) for each clause, as a
    links × clauses array of codes (a few MB for 200,000 links)."""

    codes: np.ndarray
    rows: dict[int, int]  # link → its row

    def states(self, link_id: int) -> list[ClauseState]:
        """The state of each catalogue clause for one link (empty for a link not in the matrix)."""
        row = self.rows.get(link_id)
        return [] if row is None else [STATE_CODES[code] for code in self.codes[row]]


def clause_matrix(ctx: Context, as_of: date | None = None) -> ClauseMatrix:
    """From the facts the (cached) registry gaps were computed from: read once per revision and day."""
    table = registry_gaps(ctx, as_of).facts
    return ClauseMatrix(clause_state_codes(catalogue(), table), dict(zip(table.ids.tolist(), range(len(table.ids)), strict=True)))


def engagement_gaps(ctx: Context, engagement_id: int, as_of: date | None = None) -> list[Gap]:
    """Gaps of one link, its ancestors read for flow-down: a handful of rows, not the registry."""
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
        facts = _facts(db, as_of or ctx.today, ids_in_path(row["path_key"]))
    return GapAnalysis(catalogue(), facts).of_link(engagement_id)


def needs_of(ctx: Context, engagement_id: int) -> dict[str, Need]:
    """What this link's contract must carry (own conditions and flow-down), for its checklist."""
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
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
    bit = next((i for i, c in enumerate(catalogue()) if c.id == chosen.clause_id), None) if chosen.clause_id else None
    level = Level(chosen.level) if chosen.level else None
    analysis, kept, totals = revision_cache.per_revision(
        ctx, "gaps_filtered", lambda: _filtered(ctx, chosen.business_id, chosen.tier, bit, level),
        chosen.business_id, chosen.tier, bit, level, tables=GAP_TABLES)
    page = [analysis.link(i) for i in kept[offset:offset + limit].tolist()]
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
              level: Level | None) -> tuple[GapAnalysis, np.ndarray, GapSummary]:
    """The positions (in the analysis's order; the analysis with them) of the links a filter keeps,
    must-level first, and their counts: over the columns, once per change, not per rerun."""
    result = registry_gaps(ctx)
    analysis = result.analysis
    clause_mask = -1 if bit is None else 1 << bit
    keep = analysis.masks(level) & clause_mask != 0
    if business_id is not None:
        keep &= result.businesses == business_id
    if tier is not None:
        keep &= analysis.tiers == tier
    kept = np.flatnonzero(keep)
    with_must = analysis.must[kept] & clause_mask != 0 if level != Level.SHOULD else np.zeros(len(kept), bool)
    kept = kept[np.argsort(~with_must, kind="stable")]  # stable: severity order kept within each part

    def counted(masks: np.ndarray) -> int:
        return int(np.bitwise_count(masks[kept] & clause_mask).sum())

    return analysis, kept, GapSummary(counted(analysis.must) if level != Level.SHOULD else 0,
                                      counted(analysis.should) if level != Level.MUST else 0,
                                      len(kept), int(analysis.no_contract[kept].sum()))


@dataclass(frozen=True)
class GapSummary:
    must: int
    should: int
    links_with_gaps: int
    links_without_contract: int


def summary(ctx: Context) -> GapSummary:
    """The registry's gaps in four figures: must and should gaps, links with gaps, links without
    a contract in force."""
    analysis = registry_gaps(ctx).analysis
    return GapSummary(analysis.count(level=Level.MUST), analysis.count(level=Level.SHOULD), len(analysis),
                      int(analysis.no_contract.sum()))
