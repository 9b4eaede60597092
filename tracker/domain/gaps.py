"""The gap engine (DOMAIN.md §4): required clauses minus covered ones, for every link of every chain.

A link's contract must carry what its own conditions require and, by flow-down, everything its
parent link requires (`001…` III-4 (3) ②; GDPR Art. 28(4) says the same). Coverage comes from the
link's contracts in force; no contract at all means every required clause is a gap.

Sets of clauses are bit masks over the catalogue's order (bit i = catalogue[i]): the whole registry,
200,000 links, is a few integer operations per link.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

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


class _Own(NamedTuple):
    must: int
    should: int
    by_bit: dict[int, Requirement]


class _Effective(NamedTuple):
    must: int  # required at must level, own or inherited
    should: int  # required at should level only
    own_origin: int  # required by the link's own conditions at the effective level


_TIER = itemgetter(2)  # LinkFacts.tier


class _Engine:
    """Requirements of links, parents before children; own requirements computed once per traits."""

    def __init__(self, catalogue: tuple[Clause, ...]):
        self.catalogue = catalogue
        self._bit = {clause.id: bit for bit, clause in enumerate(catalogue)}
        self._own: dict[int, _Own] = {}
        self.effective: dict[int, _Effective] = {}
        self.parent: dict[int, int | None] = {}
        self.own_of: dict[int, _Own] = {}

    def own(self, traits: LinkTraits) -> _Own:
        # Keyed by identity: callers pass one traits object per distinct set of traits, alive for the
        # whole walk, so this is exact and spares hashing a tuple of sets 200,000 times.
        found = self._own.get(id(traits))
        if found is None:
            by_bit = {self._bit[cid]: r for cid, r in requirements(self.catalogue, traits).items()}
            must = sum(1 << b for b, r in by_bit.items() if r.level == Level.MUST)
            should = sum(1 << b for b, r in by_bit.items() if r.level == Level.SHOULD)
            found = self._own[id(traits)] = _Own(must, should, by_bit)
        return found

    def walk(self, links: Iterable[LinkFacts]) -> Iterator[tuple[LinkFacts, _Effective]]:
        # The hot loop of a 200,000-link registry: locals, not attribute lookups or method calls.
        own_by_traits, effective_of, parent_of, own_of = self._own, self.effective, self.parent, self.own_of
        make_effective = _Effective._make
        for link in sorted(links, key=_TIER):  # parents first; a C-level key
            own = own_by_traits.get(id(link.traits)) or self.own(link.traits)
            link_id, parent_id = link.id, link.parent_id
            own_of[link_id] = own
            parent = effective_of.get(parent_id) if parent_id is not None else None
            if parent is None:
                must, should, origin = own.must, own.should & ~own.must, own.must | own.should
            else:
                must = own.must | parent.must
                should = (own.should | parent.should) & ~must
                # own requirement is the origin unless the parent requires the clause more strictly
                origin = own.must | (own.should & ~parent.must)
            effective = effective_of[link_id] = make_effective((must, should, origin))
            parent_of[link_id] = parent_id
            yield link, effective

    def need(self, link_id: int, bit: int) -> Need:
        """The requirement behind a clause of a link: its own, or the nearest link above's."""
        while not self.effective[link_id].own_origin >> bit & 1:
            link_id = self.parent[link_id]
        return Need(self.own_of[link_id].by_bit[bit], link_id)


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


_RANK = itemgetter(0)


class GapAnalysis:
    """Gaps of many links. Gap objects are made only when asked for, a page at a time."""

    def __init__(self, catalogue: tuple[Clause, ...], links: Iterable[LinkFacts]):
        self.catalogue = catalogue
        self._engine = _Engine(catalogue)
        ranked: list[tuple[int, LinkGaps]] = []
        for link, effective in self._engine.walk(links):
            missing = (effective.must | effective.should) & ~link.covered
            if missing:
                partial = missing & link.partial
                my_number = DataCategory.MY_NUMBER in link.traits.categories
                # severity order within a level: My Number chains first, deeper links first; one integer
                # per link, so that sorting 200,000 of them compares ints, not tuples
                rank = ((not my_number) << 62) | ((255 - min(link.tier, 255)) << 54) | link.id
                ranked.append((rank, LinkGaps(link.id, link.tier, my_number, not link.has_contract,
                                              effective.must & missing, effective.should & missing, partial,
                                              missing & ~effective.own_origin & ~partial)))
        ranked.sort(key=_RANK)
        self.links: list[LinkGaps] = [g for _, g in ranked]
        self.by_id = {g.engagement_id: g for g in self.links}

    def expand(self, link: LinkGaps, level: Level | None = None, clause_bit: int | None = None) -> Iterator[Gap]:
        mask = link.mask(level) if clause_bit is None else link.mask(level) & (1 << clause_bit)
        for bit in bits(mask):
            if link.partial >> bit & 1:
                kind = GapKind.PARTIAL
            else:
                kind = GapKind.FLOW_DOWN if link.flow_down >> bit & 1 else GapKind.MISSING
            requirement, origin = self._engine.need(link.engagement_id, bit)
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
        return sum((g.mask(level) & clause_mask).bit_count() for g in (self.links if links is None else links))

    def of_link(self, engagement_id: int) -> list[Gap]:
        link = self.by_id.get(engagement_id)
        return list(self.gaps([link])) if link else []


def compute_gaps(catalogue: tuple[Clause, ...], links: Iterable[LinkFacts]) -> list[Gap]:
    """Every gap of the links given (in any order; a link's ancestors must be among them)."""
    return list(GapAnalysis(catalogue, links).gaps())


def needs_of(catalogue: tuple[Clause, ...], path: Iterable[LinkFacts], link_id: int) -> dict[str, Need]:
    """Everything one link's contract must carry, from the links of its path (for its checklist)."""
    engine = _Engine(catalogue)
    for link, effective in engine.walk(path):
        if link.id == link_id:
            # the origin's requirement is at the effective level: own wins only when as strict
            return {catalogue[bit].id: engine.need(link_id, bit) for bit in bits(effective.must | effective.should)}
    return {}


class ClauseState(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_REQUIRED = "not_required"


def clause_states(catalogue: tuple[Clause, ...], links: Iterable[LinkFacts]) -> Iterator[tuple[int, list[ClauseState]]]:
    """Each link's state for every clause of the catalogue (the report's clause matrix)."""
    engine = _Engine(catalogue)
    for link, effective in engine.walk(links):
        required = effective.must | effective.should
        states = []
        for bit in range(len(catalogue)):
            if not required >> bit & 1:
                states.append(ClauseState.NOT_REQUIRED)
            elif link.covered >> bit & 1:
                states.append(ClauseState.COVERED)
            elif link.partial >> bit & 1:
                states.append(ClauseState.PARTIAL)
            else:
                states.append(ClauseState.MISSING)
        yield link.id, states
