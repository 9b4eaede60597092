"""Recording reviews (inspections, reports, foreign checks, re-evaluations) and their corrective
actions. Completing one moves the next due date to the interval after the completion date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.reviews import ReviewDraft, check_corrective_action, check_review
from ..domain.schedule import DUE_SOON_DAYS, ReviewKind, Via, status_of
from ..store import due_items, records
from ..store import registry_queries as q
from ..store import supervision_queries as sq
from .context import Context


@dataclass
class ReviewInput:
    kind: str
    completed_on: date | None
    inspector: str
    method: str | None = None
    remote_reason: str = ""
    performed_via: str = Via.US.value
    checklist: dict[str, str] = field(default_factory=dict)
    findings: str = ""
    note: str = ""


def complete_review(ctx: Context, engagement_id: int, data: ReviewInput, from_ledger: bool = False) -> int:
    """Record a completed review. ``from_ledger``: an inspection an old ledger records by its date
    and method only (its area checklist was never kept)."""
    with ctx.write(Action.RECORD_REVIEWS) as db:
        link = q.engagement(db, engagement_id)
        inspection = data.kind == ReviewKind.INSPECTION
        raise_if_any(check_review(ReviewDraft(
            data.kind, data.completed_on, link["tier"], data.inspector, data.method if inspection else None,
            data.remote_reason, data.performed_via, data.checklist, from_ledger), ctx.today))
        review_id = records.insert(db, "reviews", {
            "engagement_id": engagement_id, "kind": data.kind, "completed_on": data.completed_on.isoformat(),
            "method": data.method if inspection else None,
            "remote_reason": (data.remote_reason.strip() or None) if inspection else None,
            "performed_via": data.performed_via, "inspector": data.inspector.strip(),
            "checklist": data.checklist if inspection else None,
            "findings": data.findings.strip() or None, "note": data.note.strip() or None,
        }, ctx.actor.username)
        due_items.refresh_links(db, [engagement_id])
        return review_id


def reviews_of(ctx: Context, engagement_id: int) -> list[dict]:
    """The link's reviews, latest first, each with its corrective actions under "actions"; an open
    action has its "status" as of today (overdue / due soon / upcoming)."""
    with ctx.read() as db:
        reviews = sq.reviews_of(db, engagement_id)
        actions = sq.corrective_actions_of(db, [r["id"] for r in reviews])
    for action in actions:
        action["status"] = None if action["closed_on"] else status_of(date.fromisoformat(action["due_on"]),
                                                                      DUE_SOON_DAYS, ctx.today)
    for review in reviews:
        review["actions"] = [a for a in actions if a["review_id"] == review["id"]]
    return reviews


def add_corrective_action(ctx: Context, review_id: int, description: str, owner: str, due_on: date | None) -> int:
    """Add a corrective action to a review's findings; returns its id. Raises NotFound,
    RuleViolation, PermissionDenied."""
    with ctx.write(Action.RECORD_REVIEWS) as db:
        review = records.get(db, "reviews", review_id, "review")
        raise_if_any(check_corrective_action(description, due_on))
        action_id = records.insert(db, "corrective_actions", {
            "review_id": review_id, "description": description.strip(), "owner": owner.strip() or None,
            "due_on": due_on.isoformat()}, ctx.actor.username)
        due_items.refresh_links(db, [review["engagement_id"]])
        return action_id


def close_corrective_action(ctx: Context, action_id: int, expected_version: int, closed_on: date) -> None:
    """Record a corrective action done on ``closed_on``. Raises NotFound, RuleViolation, StaleRecord,
    PermissionDenied."""
    with ctx.write(Action.RECORD_REVIEWS) as db:
        action = sq.corrective_action(db, action_id)
        if closed_on > ctx.today:
            raise_if_any([Problem("closed_on", "error.date_in_future")])
        records.update(db, "corrective_actions", action_id, expected_version, {"closed_on": closed_on.isoformat()},
                       ctx.actor.username)
        due_items.refresh_links(db, [action["engagement_id"]])
