"""Rules for a link of a delegation chain (委託) as a form, an import or a vendor's declaration
describes it: its own fields, its place under its parent, and what an edit may not change. The
service reads what the rules need (the parent, whether the ids named exist) and writes what passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import chain, countries
from .models import DataCategory, EngagementStatus, parse_categories
from .problems import Problem
from .refs import ledger_ref_problems
from .schedule import DEFAULT_INTERVAL_MONTHS, MAX_INTERVAL_MONTHS
from .selection import activation_problems

UNSET = object()  # an entruster not given: the parent's entrustee (or us at tier 1)


@dataclass
class EngagementInput:
    """A link as a form or an import describes it.

    ``entruster_party_id`` may be left out: it is then the parent's entrustee (or us at tier 1).
    When given, it is checked against that rule. ``business_id`` likewise follows the parent.
    """

    entrustee_party_id: int | None
    work: str
    data_categories: list[str]
    business_id: int | None = None
    parent_engagement_id: int | None = None
    entruster_party_id: object = UNSET
    purpose: str = ""
    individuals_count: int | None = None
    processing_countries: list[str] = field(default_factory=lambda: ["JP"])
    storage_countries: list[str] = field(default_factory=lambda: ["JP"])
    start_date: date | None = None
    end_date: date | None = None
    status: str = EngagementStatus.PROPOSED.value
    inspection_interval_months: int = DEFAULT_INTERVAL_MONTHS
    owner_user_id: int | None = None  # who the link's reviews are assigned to
    selection_override_reason: str = ""  # why it may be active without an approved selection check
    # from an existing ledger: an active link is taken as the ledger states it, the override reason
    # saying so (its missing selection check stays a finding) without a privacy officer's decision
    imported: bool = False
    ref: str = ""  # the ledger number (台帳番号) it is known by; empty: E<id>, given once


@dataclass(frozen=True)
class Found:
    """Whether the ids a draft names exist (read by the service)."""

    entrustee: bool
    owner: bool


@dataclass(frozen=True)
class Placement:
    """Where a new link goes, as the rules settle it from the input and its parent."""

    business_id: int | None
    entruster_id: int | None
    parent: chain.ParentLink | None


def categories_of(data: EngagementInput) -> tuple[frozenset[DataCategory], list[Problem]]:
    """The data categories named, or a problem when one is not a known category."""
    try:
        return parse_categories(data.data_categories), []
    except ValueError:
        return frozenset(), [Problem("data_categories", "error.chain.unknown_category")]


def status_of(value: str) -> EngagementStatus:
    """The status for rule checks; an invalid one is reported by ``check_fields``."""
    try:
        return EngagementStatus(value)
    except ValueError:
        return EngagementStatus.PROPOSED


def check_fields(data: EngagementInput, found: Found) -> list[Problem]:
    """The link's own fields: work, count, status, interval, countries, and that the ids exist."""
    problems = categories_of(data)[1]
    if not data.work.strip():
        problems.append(Problem("work", "error.required"))
    if data.individuals_count is not None and data.individuals_count < 0:
        problems.append(Problem("individuals_count", "error.not_negative"))
    if data.status not in {s.value for s in EngagementStatus}:
        problems.append(Problem("status", "error.invalid_choice"))
    if data.entrustee_party_id is not None and not found.entrustee:
        problems.append(Problem("entrustee_party_id", "error.not_found"))
    if not 1 <= data.inspection_interval_months <= MAX_INTERVAL_MONTHS:
        problems.append(Problem("inspection_interval_months", "error.interval_range", {"max": MAX_INTERVAL_MONTHS}))
    if data.owner_user_id is not None and not found.owner:
        problems.append(Problem("owner_user_id", "error.not_found"))
    problems += ledger_ref_problems(data.ref.strip())
    for field_name in ("processing_countries", "storage_countries"):
        unknown = [c for c in getattr(data, field_name) if not countries.is_known(c)]
        if unknown:
            problems.append(Problem(field_name, "error.country.unknown", {"country": ", ".join(unknown)}))
    return problems


def place(data: EngagementInput, parent: chain.ParentLink | None, business_found: bool
          ) -> tuple[Placement, list[Problem]]:
    """A new link's business and entruster (following its parent unless given) and the chain rules
    of that place. ``parent`` None with a parent id given: the parent does not exist."""
    problems = []
    if data.parent_engagement_id is not None and parent is None:
        problems.append(Problem("parent_engagement_id", "error.not_found"))
    business_id = parent.business_id if parent else data.business_id
    if business_id is None:
        problems.append(Problem("business_id", "error.required"))
    elif parent and data.business_id not in (None, parent.business_id):
        problems.append(Problem("business_id", "error.chain.business_differs_from_parent"))
    elif not business_found:
        problems.append(Problem("business_id", "error.not_found"))
    entruster = (parent.entrustee_id if parent else None) if data.entruster_party_id is UNSET \
        else data.entruster_party_id
    if data.parent_engagement_id is None or parent is not None:
        problems += chain.check_link(_link_draft(data, data.entrustee_party_id, entruster), parent)
    return Placement(business_id, entruster, parent), problems


def check_edit(data: EngagementInput, current: dict, parent: chain.ParentLink | None,
               child_categories: list[frozenset[DataCategory]]) -> list[Problem]:
    """An edited link: its place (entrustee, entruster) is fixed, the chain rules still hold, the
    links below keep no more data than it has, and it ends only by a termination."""
    problems = []
    if data.entrustee_party_id != current["entrustee_party_id"]:
        problems.append(Problem("entrustee_party_id", "error.chain.entrustee_fixed"))
    problems += chain.check_link(_link_draft(data, current["entrustee_party_id"], current["entruster_party_id"]),
                                 parent)
    problems += chain.check_children_keep_categories(categories_of(data)[0], child_categories)
    if data.status == EngagementStatus.ENDED and current["status"] != EngagementStatus.ENDED:
        # ending takes the sub-tree with it and asks for deletion certificates: a termination
        problems.append(Problem("status", "error.engagement.end_by_termination"))
    return problems


def check_activation(data: EngagementInput, old_status: str | None, selected: bool) -> tuple[list[Problem], bool]:
    """The selection guard, and whether saving takes a privacy decision: a link turned active
    without an approved selection check (``selected``), on an override reason, not from a ledger."""
    problems = activation_problems(data.status, old_status, selected, data.selection_override_reason)
    decision = (not problems and not selected and data.status != old_status
                and data.status == EngagementStatus.ACTIVE and not data.imported)
    return problems, decision


def _link_draft(data: EngagementInput, entrustee_id: int | None, entruster_id: int | None) -> chain.LinkDraft:
    return chain.LinkDraft(entrustee_id=entrustee_id, entruster_id=entruster_id,
                           data_categories=categories_of(data)[0], status=status_of(data.status),
                           start_date=data.start_date, end_date=data.end_date)


def row_values(data: EngagementInput) -> dict:
    """The columns a link's input sets (its place in the chain aside)."""
    return {
        "work": data.work.strip(),
        "purpose": data.purpose.strip() or None,
        "data_categories": sorted(c.value for c in categories_of(data)[0]),
        "individuals_count": data.individuals_count,
        "processing_countries": sorted(set(data.processing_countries)),
        "storage_countries": sorted(set(data.storage_countries)),
        "start_date": data.start_date.isoformat() if data.start_date else None,
        "end_date": data.end_date.isoformat() if data.end_date else None,
        "status": data.status,
        "inspection_interval_months": data.inspection_interval_months,
        "owner_user_id": data.owner_user_id,
        "selection_override_reason": data.selection_override_reason.strip() or None,
    }
