"""Selecting a suitable entrustee (適切な委託先の選定, 通則編 3-4-4 (1)) and the activation guard:
no link becomes active before an approved selection check, unless an override says why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .models import EngagementStatus
from .problems import Problem

# The safety-measure areas of guideline section 10 (10-1 … 10-7); inspections check the same areas.
AREAS = ("policy", "rules", "organisational", "human", "physical", "technical", "foreign")


class AreaResult(StrEnum):
    OK = "ok"
    ISSUE = "issue"
    NOT_APPLICABLE = "na"


class CheckMethod(StrEnum):
    HEARING = "hearing"
    REPORT = "report"  # a report the candidate submitted
    RULES_REVIEW = "rules_review"  # review of the candidate's own handling rules
    CERTIFICATION = "certification"  # ISMS, Pマーク …
    ON_SITE = "on_site"


class SelectionResult(StrEnum):
    APPROVED = "approved"
    CONDITIONAL = "conditional"  # approved with conditions
    REJECTED = "rejected"


PASSING = (SelectionResult.APPROVED, SelectionResult.CONDITIONAL)


@dataclass(frozen=True)
class SelectionDraft:
    checked_on: date | None
    result: str | None
    decided_by: str
    areas: dict[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ()
    conditions: str = ""
    from_ledger: bool = False  # imported from an old ledger: areas and methods were never kept


def check_areas(areas: dict[str, str | None], field_name: str = "areas") -> list[Problem]:
    """Every area answered with a known result; the problem names the areas left without one
    (nothing is preselected, so an area nobody looked at is never recorded as fine)."""
    missing = [a for a in AREAS if areas.get(a) not in AreaResult._value2member_map_]
    if missing or set(areas) - set(AREAS):
        return [Problem(field_name, "error.selection.areas_incomplete", {"areas": tuple(missing)})]
    return []


def check_selection(draft: SelectionDraft, today: date) -> list[Problem]:
    problems = []
    if draft.checked_on is None:
        problems.append(Problem("checked_on", "error.required"))
    elif draft.checked_on > today:
        problems.append(Problem("checked_on", "error.date_in_future"))
    if not draft.result:
        problems.append(Problem("result", "error.selection.result_required"))
    elif draft.result not in SelectionResult._value2member_map_:
        problems.append(Problem("result", "error.invalid_choice"))
    if not draft.decided_by.strip():
        problems.append(Problem("decided_by", "error.required"))
    if not draft.methods and not draft.from_ledger:
        problems.append(Problem("methods", "error.selection.method_required"))
    elif any(m not in CheckMethod._value2member_map_ for m in draft.methods):
        problems.append(Problem("methods", "error.invalid_choice"))
    if not (draft.from_ledger and not draft.areas):
        problems += check_areas(draft.areas)
    if draft.result == SelectionResult.CONDITIONAL and not draft.conditions.strip():
        problems.append(Problem("conditions", "error.selection.conditions_required"))
    return problems


def activation_problems(new_status: str, old_status: str | None, selected: bool, override_reason: str) -> list[Problem]:
    """A link turning active needs an approved selection check (``selected``) or an override reason."""
    becomes_active = new_status == EngagementStatus.ACTIVE and old_status != EngagementStatus.ACTIVE
    if becomes_active and not selected and not override_reason.strip():
        return [Problem("status", "error.selection.required_for_active")]
    return []

