"""The gap engine (DOMAIN.md §4): required clauses minus covered ones, for every link of every chain.

A link's contract must carry what its own conditions require and, by flow-down, everything its
parent link requires (`001…` III-4 (3) ②; GDPR Art. 28(4) says the same). Coverage comes from the
link's contracts in force; no contract at all means every required clause is a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .clauses import LEVEL_RANK, Clause, Condition, Level, LinkTraits, Requirement, requirements
from .models import DataCategory


class Coverage(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    NOT_COVERED = "not_covered"


COVERAGE_RANK = {Coverage.COVERED: 0, Coverage.PARTIAL: 1, Coverage.NOT_COVERED: 2}


@dataclass(frozen=True)
class ContractTerms:
    signed_on: date | None
    valid_until: date | None
    auto_renewal: bool


def in_force(terms: ContractTerms, as_of: date) -> bool:
    """Signed on or before ``as_of`` and not expired (an auto-renewing contract does not expire).

    The store's coverage query applies the same rule in SQL for speed; tests keep the two equal.
    """
    if terms.signed_on is None or terms.signed_on > as_of:
        return False
    return terms.auto_renewal or terms.valid_until is None or terms.valid_until >= as_of


def union(coverages: Iterable[dict[str, Coverage]]) -> dict[str, Coverage]:
    """A link's coverage over its contracts in force: for each clause, the best status any gives."""
    best: dict[str, Coverage] = {}
    for coverage in coverages:
        for clause_id, status in coverage.items():
            if clause_id not in best or COVERAGE_RANK[status] < COVERAGE_RANK[best[clause_id]]:
                best[clause_id] = status
    return best


class GapKind(StrEnum):
    MISSING = "missing"  # required by the link's own data and place, not covered
    PARTIAL = "partial"  # covered only in part
    FLOW_DOWN = "flow_down"  # required because a link above requires it, not covered


@dataclass(frozen=True)
class LinkFacts:
    id: int
    parent_id: int | None
    tier: int
    traits: LinkTraits
    coverage: dict[str, Coverage]  # union over contracts in force
    has_contract: bool  # at least one contract in force


@dataclass(frozen=True)
class Gap:
    engagement_id: int
    clause_id: str
    level: Level
    kind: GapKind
    reasons: tuple[Condition, ...]
    required_by: int  # the link whose own conditions require the clause (itself unless flow-down)
    tier: int
    my_number: bool
    no_contract: bool


@dataclass(frozen=True)
class Need:
    """A clause a link's contract must carry, and the link whose own conditions require it."""

    requirement: Requirement
    origin: int


def needs_along(catalogue: tuple[Clause, ...], links: Iterable[LinkFacts]) -> Iterator[tuple[LinkFacts, dict[str, Need]]]:
    """Each link (parents before children) with everything its contract must carry: its own
    requirements and, by flow-down, its parent's. Own requirements are computed once per distinct
    set of traits and a parent's needs are looked up, never recomputed: one pass for 200,000 links."""
    own_cache: dict[LinkTraits, dict[str, Requirement]] = {}
    needs_of: dict[int, dict[str, Need]] = {}
    for link in sorted(links, key=lambda item: item.tier):
        own = own_cache.get(link.traits)
        if own is None:
            own = own_cache[link.traits] = requirements(catalogue, link.traits)
        inherited = needs_of.get(link.parent_id, {}) if link.parent_id is not None else {}
        needs = needs_of[link.id] = _merge(own, inherited, link.id)
        yield link, needs


def compute_gaps(catalogue: tuple[Clause, ...], links: Iterable[LinkFacts]) -> list[Gap]:
    """Gaps of every link given (in any order; a link's ancestors must be among them)."""
    gaps: list[Gap] = []
    for link, needs in needs_along(catalogue, links):
        my_number = DataCategory.MY_NUMBER in link.traits.categories
        for clause_id, need in needs.items():
            status = link.coverage.get(clause_id)
            if status == Coverage.COVERED:
                continue
            if status == Coverage.PARTIAL:
                kind = GapKind.PARTIAL
            else:
                kind = GapKind.MISSING if need.origin == link.id else GapKind.FLOW_DOWN
            requirement = need.requirement
            gaps.append(Gap(link.id, clause_id, requirement.level, kind, requirement.reasons, need.origin,
                            link.tier, my_number, not link.has_contract))
    return gaps


def _merge(own: dict[str, Requirement], inherited: dict[str, Need], link_id: int) -> dict[str, Need]:
    """Own requirements win unless the parent requires the same clause at a stricter level."""
    needs = dict(inherited)
    for clause_id, requirement in own.items():
        parent_need = inherited.get(clause_id)
        if parent_need is None or LEVEL_RANK[requirement.level] <= LEVEL_RANK[parent_need.requirement.level]:
            needs[clause_id] = Need(requirement, link_id)
    return needs


def by_severity(gaps: list[Gap], catalogue: tuple[Clause, ...]) -> list[Gap]:
    """Must before should; My Number chains first, deeper links first; then link and clause order."""
    order = {clause.id: clause.order for clause in catalogue}
    return sorted(gaps, key=lambda g: (LEVEL_RANK[g.level], not g.my_number, -g.tier, g.engagement_id,
                                       order.get(g.clause_id, 0)))
