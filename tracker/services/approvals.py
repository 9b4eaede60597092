"""Re-delegation approvals (再委託の事前承認・許諾): the queue and the decisions."""

from __future__ import annotations

from datetime import date

from ..domain.approvals import check_decision
from ..domain.models import ApprovalStatus, parse_categories
from ..domain.permissions import Action
from ..domain.webhooks import Event
from ..domain.problems import Problem, raise_if_any
from ..store import records
from ..store import registry_queries as q
from .chains import ChainLink, to_links
from . import successions, webhooks
from .context import Context


def decide_redelegation(
    ctx: Context,
    engagement_id: int,
    expected_version: int,
    decision: str,
    decided_on: date,
    approver_party_id: int | None = None,
    conditions: str = "",
    note: str = "",
) -> None:
    """Record an approval or rejection of a re-delegation.

    ``approver_party_id`` None means we, the original entruster, decided; otherwise the link's
    entruster did (not allowed for My Number data). Refused with StaleRecord when the approval
    changed since ``expected_version`` was read.
    """
    with ctx.write(Action.DECIDE_REDELEGATION) as db:
        link = q.awaiting_approval(db, engagement_id)
        try:
            status = ApprovalStatus(decision)
        except ValueError:
            status = ApprovalStatus.PENDING
        problems = check_decision(
            status,
            parse_categories(link["data_categories"]),
            link["entruster_party_id"],
            approver_party_id,
        )
        if decided_on is None:
            problems.append(Problem("decided_on", "error.required"))
        elif decided_on > ctx.today:
            problems.append(Problem("decided_on", "error.date_in_future"))
        raise_if_any(problems)
        records.update(
            db,
            "approvals",
            link["approval_id"],
            expected_version,
            {
                "status": status.value,
                "approver_party_id": approver_party_id,
                "decided_by": ctx.actor.display_name,
                "decided_on": decided_on.isoformat(),
                "conditions": conditions.strip() or None,
                "note": note.strip() or None,
            },
            ctx.actor.username,
        )
        webhooks.emit(db, Event.APPROVAL_DECIDED, {
            "engagement": link["ref"], "decision": status.value, "decided_on": decided_on.isoformat(),
            "decided_by": ctx.actor.display_name, "approved_by_party": approver_party_id,
            "conditions": conditions.strip()})
        if status == ApprovalStatus.APPROVED:  # a successor approved: the company it replaces ends here
            successions.take_over(ctx.inside(db), engagement_id, decided_on)


def approval_queue(ctx: Context, limit: int = 50, offset: int = 0) -> tuple[list[ChainLink], int]:
    """Pending re-delegations, oldest first, with their paths from us."""
    with ctx.read() as db:
        rows, total = q.pending_approvals_page(db, limit=limit, offset=offset)
        return to_links(db, rows), total
