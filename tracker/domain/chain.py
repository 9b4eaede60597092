"""Rules of the delegation chain (DOMAIN.md §1, §3).

A chain starts at us (the organisation) and has no depth limit. Each link (engagement) hands
personal data from an entruster to an entrustee; a re-delegation hangs under a parent link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import DataCategory, EngagementStatus
from .periods import check_period
from .problems import Problem

PATH_SEPARATOR = "/"


@dataclass(frozen=True)
class ParentLink:
    """What the rules need to know of the link a re-delegation hangs under."""

    id: int
    business_id: int
    entrustee_id: int
    tier: int
    path_key: str
    data_categories: frozenset[DataCategory]
    status: EngagementStatus
    # entrustee of every link from tier 1 down to this one, i.e. the parties already on the path
    path_party_ids: tuple[int, ...]


@dataclass(frozen=True)
class LinkDraft:
    """A link as the user describes it. ``entruster_id`` None means us."""

    entrustee_id: int | None
    entruster_id: int | None
    data_categories: frozenset[DataCategory]
    status: EngagementStatus = EngagementStatus.PROPOSED
    start_date: date | None = None
    end_date: date | None = None


def tier_below(parent: ParentLink | None) -> int:
    """Tier is computed from the position in the chain, never typed: 1 under us, parent + 1 below."""
    return 1 if parent is None else parent.tier + 1


def path_key_for(link_id: int, parent: ParentLink | None) -> str:
    """Materialised path of link ids (zero-padded so that text order is depth-first chain order)."""
    own = f"{link_id:010d}"
    return own if parent is None else f"{parent.path_key}{PATH_SEPARATOR}{own}"


def ids_in_path(path_key: str) -> list[int]:
    return [int(part) for part in path_key.split(PATH_SEPARATOR)]


def check_link(draft: LinkDraft, parent: ParentLink | None) -> list[Problem]:
    """Every chain rule a new or edited link must satisfy; an empty list means it may be saved."""
    problems: list[Problem] = []
    if draft.entrustee_id is None:
        problems.append(Problem("entrustee_id", "error.required"))
    if parent is None and draft.entruster_id is not None:
        problems.append(Problem("entruster_id", "error.chain.tier1_entruster_is_us"))
    if parent is not None and draft.entruster_id != parent.entrustee_id:
        problems.append(Problem("entruster_id", "error.chain.entruster_is_parent_entrustee"))
    if draft.entrustee_id is not None:
        if draft.entrustee_id == draft.entruster_id:
            problems.append(Problem("entrustee_id", "error.chain.self_delegation"))
        elif parent is not None and draft.entrustee_id in parent.path_party_ids:
            problems.append(Problem("entrustee_id", "error.chain.party_twice_on_path"))
    if not draft.data_categories:
        problems.append(Problem("data_categories", "error.chain.no_data_category"))
    if parent is not None:
        extra = draft.data_categories - parent.data_categories
        if extra:
            problems.append(
                Problem(
                    "data_categories",
                    "error.chain.category_not_in_parent",
                    {"categories": sorted(c.value for c in extra)},
                )
            )
        if draft.status == EngagementStatus.ACTIVE and parent.status != EngagementStatus.ACTIVE:
            problems.append(Problem("status", "error.chain.parent_not_active"))
    problems.extend(check_period(draft.start_date, draft.end_date))
    return problems


def check_children_keep_categories(
    new_categories: frozenset[DataCategory], child_categories: list[frozenset[DataCategory]]
) -> list[Problem]:
    """Narrowing a link's data must not leave a re-delegation below it carrying more than it has."""
    orphaned = set().union(*child_categories) - new_categories if child_categories else set()
    if orphaned:
        return [
            Problem(
                "data_categories",
                "error.chain.children_carry_category",
                {"categories": sorted(c.value for c in orphaned)},
            )
        ]
    return []
