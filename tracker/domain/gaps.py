"""The gap engine (DOMAIN.md §4): required clauses minus covered ones, for every link of every chain.

A link's contract must carry what its own conditions require and, by flow-down, everything its
parent link requires (`001…` III-4 (3) ②; GDPR Art. 28(4) says the same). Coverage comes from the
link's contracts in force; no contract at all means every required clause is a gap.

Sets of clauses are bit masks over the catalogue's order (bit i = catalogue[i]). The registry is
walked as columns (numpy arrays, one row per link), a tier at a time: each step is one array
operation over every link of that tier, so 200,000 links cost a few array passes, not a Python loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from enum import StrEnum
from typing import NamedTuple

import numpy as np

from .clauses import Clause, Condition, Level, LinkTraits, Requirement, requirements
from .models import DataCategory


class Coverage(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    NOT_COVERED = "not_covered"


@dataclass(frozen=True)
class ContractTerms:
    signed_on: date | None
    valid_until: date | None
    auto_renewal: bool


def in_force(terms: ContractTerms, as_of: date) -> bool:
    """Signed on or before ``as_of`` and not expired (an auto-renewing contract does not expire).

    The store's contract query applies the same rule in SQL for speed; tests keep the two equal.
    """
    if terms.signed_on is None or terms.signed_on > as_of:
        return False
    return terms.auto_renewal or terms.valid_until is None or terms.valid_until >= as_of


def masks(catalogue: tuple[Clause, ...], coverage: dict[str, Coverage]) -> tuple[int, int]:
    """(covered, partial) masks of one contract's checklist."""
    covered = partial = 0
    for bit, clause in enumerate(catalogue):
        status = coverage.get(clause.id)
        if status == Coverage.COVERED:
            covered |= 1 << bit
        elif status == Coverage.PARTIAL:
            partial |= 1 << bit
    return covered, partial


def union(contract_masks: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """A link's coverage over its contracts in force: a clause covered by any one is covered."""
    covered = partial = 0
    for c, p in contract_masks:
        covered |= c
        partial |= p
    return covered, partial & ~covered


class GapKind(StrEnum):
    MISSING = "missing"  # required by the link's own data and place, not covered
    PARTIAL = "partial"  # covered only in part
    FLOW_DOWN = "flow_down"  # required because a link above requires it, not covered


class LinkFacts(NamedTuple):
    id: int
    parent_id: int | None
    tier: int
    traits: LinkTraits
    covered: int  # mask, union over contracts in force
    partial: int  # mask
    has_contract: bool  # at least one contract in force


class Gap(NamedTuple):  # a tuple: hundreds of thousands are made in one pass
    engagement_id: int
    clause_id: str
    level: Level
    kind: GapKind
    reasons: tuple[Condition, ...]
    required_by: int  # the link whose own conditions require the clause (itself unless flow-down)
    tier: int
    my_number: bool
    no_contract: bool


class Need(NamedTuple):
    """A clause a link's contract must carry, and the link whose own conditions require it."""

    requirement: Requirement
    origin: int


class LinkTable(NamedTuple):
    """Links as columns, row i one link: the engine's input at registry scale (the store's rows go
    straight into arrays; no object per link)."""

    ids: np.ndarray  # int64
    parents: np.ndarray  # int64; -1: a link under us (or whose parent is not in the table)
    tiers: np.ndarray  # int64
    traits: list[LinkTraits]  # the distinct traits
    traits_of: np.ndarray  # int64: each row's index into ``traits``
    covered: np.ndarray  # int64 masks, union over the link's contracts in force
    partial: np.ndarray  # int64 masks
    has_contract: np.ndarray  # bool

    @classmethod
    def of(cls, links: Iterable[LinkFacts]) -> LinkTable:
        """A few links (one path, a test) as a table."""
        links = list(links)
        traits: dict[int, int] = {}
        kept: list[LinkTraits] = []
        for link in links:
            if id(link.traits) not in traits:
                traits[id(link.traits)] = len(kept)
                kept.append(link.traits)

        def column(values, dtype=np.int64) -> np.ndarray:
            return np.array(list(values), dtype=dtype)

        return cls(column(link.id for link in links),
                   column(-1 if link.parent_id is None else link.parent_id for link in links),
                   column(link.tier for link in links), kept, column(traits[id(link.traits)] for link in links),
                   column(link.covered for link in links), column(link.partial for link in links),
                   column((link.has_contract for link in links), bool))


class _Own(NamedTuple):
    must: int
    should: int
    by_bit: dict[int, Requirement]


class RequirementWalk:
    """Every link's effective requirements (own and inherited), parents before children, a tier at
    a time over the whole table. It reads the links only, never their coverage: one walk serves every
    analysis of the same links (a contract saved changes the coverage alone)."""

    def __init__(self, catalogue: tuple[Clause, ...], table: LinkTable):
        if len(catalogue) > 62:  # masks are int64
            raise ValueError("the gap engine takes at most 62 clauses")
        position = {clause.id: bit for bit, clause in enumerate(catalogue)}
        self.own = []
        for traits in table.traits:
            by_bit = {position[cid]: r for cid, r in requirements(catalogue, traits).items()}
            self.own.append(_Own(sum(1 << b for b, r in by_bit.items() if r.level == Level.MUST),
                                 sum(1 << b for b, r in by_bit.items() if r.level == Level.SHOULD), by_bit))
        self.table = table
        n = len(table.ids)
        own_must = np.array([o.must for o in self.own], dtype=np.int64)[table.traits_of] if n else _EMPTY
        own_should = np.array([o.should for o in self.own], dtype=np.int64)[table.traits_of] if n else _EMPTY
        # each row's parent row (-1: none among these links)
        order = np.argsort(table.ids, kind="stable")
        self._sorted_ids, self._order = table.ids[order], order
        self.parent_row = self.rows_of(table.parents)
        self.must = np.zeros(n, np.int64)
        self.should = np.zeros(n, np.int64)
        self.origin = np.zeros(n, np.int64)  # required by the link's own conditions at the effective level
        for tier in np.unique(table.tiers):  # ascending: a parent's tier is below its children's
            rows = np.flatnonzero(table.tiers == tier)
            parent = self.parent_row[rows]
            has_parent = parent >= 0
            above = np.where(has_parent, parent, 0)
            parent_must = np.where(has_parent, self.must[above], 0)
            parent_should = np.where(has_parent, self.should[above], 0)
            must = own_must[rows] | parent_must
            self.must[rows] = must
            self.should[rows] = (own_should[rows] | parent_should) & ~must
            # the own requirement is the origin unless the parent requires the clause more strictly
            self.origin[rows] = own_must[rows] | (own_should[rows] & ~parent_must)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """The row of each id (-1 where it is not in the table)."""
        if not len(self._sorted_ids):
            return np.full(len(ids), -1, np.int64)
        at = np.searchsorted(self._sorted_ids, ids).clip(max=len(self._sorted_ids) - 1)
        return np.where(self._sorted_ids[at] == ids, self._order[at], -1)

    def row(self, link_id: int) -> int:
        return int(self.rows_of(np.array([link_id], np.int64))[0])

    def need(self, row: int, bit: int) -> Need:
        """The requirement behind a clause of a link: its own, or the nearest link above's."""
        while not int(self.origin[row]) >> bit & 1:
            row = int(self.parent_row[row])
        return Need(self.own[self.table.traits_of[row]].by_bit[bit], int(self.table.ids[row]))


_EMPTY = np.zeros(0, np.int64)


def bits(mask: int) -> Iterator[int]:
    """The positions of a mask's set bits, lowest first (a clause's index in the catalogue)."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class LinkGaps(NamedTuple):
    """The gaps of one link as masks: cheap to compute and count for 200,000 links."""

    engagement_id: int
    tier: int
    my_number: bool
    no_contract: bool
    must: int  # missing clauses required at must level
    should: int  # missing clauses required at should level only
    partial: int  # of those, the ones covered in part
    flow_down: int  # of those (not partial), the ones only a link above requires

    def mask(self, level: Level | None = None) -> int:
        return self.must if level == Level.MUST else self.should if level == Level.SHOULD else self.must | self.should


class GapAnalysis:
    """Gaps of many links, kept as columns in severity order (row i: the i-th link with a gap).
    LinkGaps and Gap objects are made only when asked for: a page at a time, or all for a report."""

    def __init__(self, catalogue: tuple[Clause, ...], links: Iterable[LinkFacts] | LinkTable,
                 walk: RequirementWalk | None = None):
        """``walk``: the requirements already walked for the same links (their coverage aside)."""
        self.catalogue = catalogue
        table = links if isinstance(links, LinkTable) else LinkTable.of(links)
        self.table = table
        self._walk = walk = walk or RequirementWalk(catalogue, table)
        missing = (walk.must | walk.should) & ~table.covered
        rows = np.flatnonzero(missing)
        my_number_traits = np.array([DataCategory.MY_NUMBER in t.categories for t in table.traits] or [False])
        my_number = my_number_traits[table.traits_of[rows]]
        # severity order within a level: My Number chains first, deeper links first, then by id
        rank = ((~my_number).astype(np.int64) << 62) | ((255 - np.minimum(table.tiers[rows], 255)) << 54) | table.ids[rows]
        ordered = np.argsort(rank, kind="stable")
        self.rows = rows = rows[ordered]  # each gap row's row in the table
        gap = missing[rows]
        self.ids, self.tiers = table.ids[rows], table.tiers[rows]
        self.my_number, self.no_contract = my_number[ordered], ~table.has_contract[rows]
        self.must, self.should = walk.must[rows] & gap, walk.should[rows] & gap
        self.partial = gap & table.partial[rows]
        self.flow_down = gap & ~walk.origin[rows] & ~self.partial
        order = np.argsort(self.ids, kind="stable")
        self._sorted_ids, self._order = self.ids[order], order

    def __len__(self) -> int:
        return len(self.ids)

    def link(self, i: int) -> LinkGaps:
        """The i-th link with a gap, in severity order."""
        return LinkGaps(int(self.ids[i]), int(self.tiers[i]), bool(self.my_number[i]), bool(self.no_contract[i]),
                        int(self.must[i]), int(self.should[i]), int(self.partial[i]), int(self.flow_down[i]))

    @cached_property
    def links(self) -> list[LinkGaps]:
        """Every link with a gap, in severity order (made on first use: a report, not a page)."""
        return list(map(LinkGaps._make, zip(
            self.ids.tolist(), self.tiers.tolist(), self.my_number.tolist(), self.no_contract.tolist(),
            self.must.tolist(), self.should.tolist(), self.partial.tolist(), self.flow_down.tolist(), strict=True)))

    @cached_property
    def by_id(self) -> dict[int, LinkGaps]:
        return {g.engagement_id: g for g in self.links}

    def position(self, engagement_id: int) -> int | None:
        """The link's position in severity order, or None when it has no gap."""
        if not len(self.ids):
            return None
        at = int(np.searchsorted(self._sorted_ids, engagement_id))
        if at < len(self._sorted_ids) and self._sorted_ids[at] == engagement_id:
            return int(self._order[at])
        return None

    def find(self, engagement_id: int) -> LinkGaps | None:
        at = self.position(engagement_id)
        return None if at is None else self.link(at)

    def masks(self, level: Level | None = None) -> np.ndarray:
        return self.must if level == Level.MUST else self.should if level == Level.SHOULD else self.must | self.should

    def expand(self, link: LinkGaps, level: Level | None = None, clause_bit: int | None = None) -> Iterator[Gap]:
        mask = link.mask(level) if clause_bit is None else link.mask(level) & (1 << clause_bit)
        for bit in bits(mask):
            if link.partial >> bit & 1:
                kind = GapKind.PARTIAL
            else:
                kind = GapKind.FLOW_DOWN if link.flow_down >> bit & 1 else GapKind.MISSING
            requirement, origin = self._walk.need(self._walk.row(link.engagement_id), bit)
            yield Gap(link.engagement_id, self.catalogue[bit].id, Level.MUST if link.must >> bit & 1 else Level.SHOULD,
                      kind, requirement.reasons, origin, link.tier, link.my_number, link.no_contract)

    def gaps(self, links: Iterable[LinkGaps] | None = None, clause_bit: int | None = None,
             level: Level | None = None) -> Iterator[Gap]:
        """Gaps by severity: every must-level gap first, then should; within a level, the links' order."""
        chosen = self.links if links is None else list(links)
        for each_level in (Level.MUST, Level.SHOULD):
            if level is None or level == each_level:
                for link in chosen:
                    yield from self.expand(link, each_level, clause_bit)

    def count(self, links: Iterable[LinkGaps] | None = None, clause_bit: int | None = None,
              level: Level | None = None) -> int:
        clause_mask = -1 if clause_bit is None else 1 << clause_bit
        if links is None:  # the whole registry: counted over the columns
            return int(np.bitwise_count(self.masks(level) & clause_mask).sum())
        return sum((g.mask(level) & clause_mask).bit_count() for g in links)

    def of_link(self, engagement_id: int) -> list[Gap]:
        link = self.find(engagement_id)
        return list(self.gaps([link])) if link else []


def compute_gaps(catalogue: tuple[Clause, ...], links: Iterable[LinkFacts]) -> list[Gap]:
    """Every gap of the links given (in any order; a link's ancestors must be among them)."""
    return list(GapAnalysis(catalogue, links).gaps())


def needs_of(catalogue: tuple[Clause, ...], path: Iterable[LinkFacts] | LinkTable, link_id: int) -> dict[str, Need]:
    """Everything one link's contract must carry, from the links of its path (for its checklist)."""
    walk = RequirementWalk(catalogue, path if isinstance(path, LinkTable) else LinkTable.of(path))
    row = walk.row(link_id)
    if row < 0:
        return {}
    # the origin's requirement is at the effective level: own wins only when as strict
    return {catalogue[bit].id: walk.need(row, bit) for bit in bits(int(walk.must[row] | walk.should[row]))}


class ClauseState(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_REQUIRED = "not_required"


STATE_CODES = (ClauseState.NOT_REQUIRED, ClauseState.COVERED, ClauseState.PARTIAL, ClauseState.MISSING)


def clause_state_codes(catalogue: tuple[Clause, ...], table: LinkTable) -> np.ndarray:
    """Each row's state for every clause of the catalogue, as indices into STATE_CODES (a links ×
    clauses array of bytes: the report's clause matrix for 200,000 links in a few MB)."""
    walk = RequirementWalk(catalogue, table)
    required = walk.must | walk.should
    codes = np.zeros((len(table.ids), len(catalogue)), np.int8)
    for bit in range(len(catalogue)):
        on = (required >> bit) & 1 == 1
        covered = (table.covered >> bit) & 1 == 1
        partial = (table.partial >> bit) & 1 == 1
        codes[:, bit] = np.where(~on, 0, np.where(covered, 1, np.where(partial, 2, 3)))
    return codes
