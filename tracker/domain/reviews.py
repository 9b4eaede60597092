"""Recording a review (inspection, report, foreign check, re-evaluation) and corrective actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .problems import Problem
from .schedule import COMPLETABLE, Method, ReviewKind, Via
from .selection import check_areas


@dataclass(frozen=True)
class ReviewDraft:
    kind: str
    completed_on: date | None
    tier: int
    inspector: str = ""
    method: str | None = None
    remote_reason: str = ""
    performed_via: str = Via.US
    checklist: dict[str, str] = field(default_factory=dict)
    from_ledger: bool = False  # imported from an old ledger: no checklist was kept


def check_review(draft: ReviewDraft, today: date) -> list[Problem]:
    problems = []
    if draft.kind not in {k.value for k in COMPLETABLE}:
        problems.append(Problem("kind", "error.invalid_choice"))
    if draft.completed_on is None:
        problems.append(Problem("completed_on", "error.required"))
    elif draft.completed_on > today:
        problems.append(Problem("completed_on", "error.date_in_future"))
    if not draft.inspector.strip():
        problems.append(Problem("inspector", "error.required"))
    if draft.performed_via not in Via._value2member_map_:
        problems.append(Problem("performed_via", "error.invalid_choice"))
    elif draft.tier == 1 and draft.performed_via != Via.US:
        problems.append(Problem("performed_via", "error.review.via_entrustee_tier1"))
    if draft.kind == ReviewKind.INSPECTION:
        if draft.method not in Method._value2member_map_:
            problems.append(Problem("method", "error.required"))
        elif draft.method == Method.REMOTE and not draft.remote_reason.strip():
            problems.append(Problem("remote_reason", "error.review.remote_reason_required"))
        if not (draft.from_ledger and not draft.checklist):
            problems += check_areas(draft.checklist, "checklist")
    return problems


def check_corrective_action(description: str, due_on: date | None) -> list[Problem]:
    problems = []
    if not description.strip():
        problems.append(Problem("description", "error.required"))
    if due_on is None:
        problems.append(Problem("due_on", "error.required"))
    return problems
