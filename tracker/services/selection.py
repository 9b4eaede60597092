"""Selection checks (適切な委託先の選定) of an engagement; an approved one may activate it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain.models import EngagementStatus
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.selection import PASSING, SelectionDraft, check_selection
from ..store import due_items, records
from ..store import registry_queries as q
from ..store import supervision_queries as sq
from . import revision_cache, successions
from .context import Context


@dataclass
class SelectionInput:
    checked_on: date | None
    result: str
    decided_by: str
    areas: dict[str, str] = field(default_factory=dict)
    methods: list[str] = field(default_factory=list)
    past_incidents: str = ""
    conditions: str = ""
    note: str = ""


def record_selection_check(ctx: Context, engagement_id: int, data: SelectionInput, activate: bool = False,
                           from_ledger: bool = False) -> int:
    """Record a check; with ``activate`` and a passing result, the proposed link becomes active in
    the same transaction. ``from_ledger``: a result an old ledger records by its date only."""
    draft = SelectionDraft(data.checked_on, data.result, data.decided_by, data.areas, tuple(data.methods),
                           data.conditions, from_ledger)
    with ctx.write(Action.EDIT_REGISTRY) as db:
        link = q.engagement(db, engagement_id)
        problems = check_selection(draft, ctx.today)
        if activate:
            problems += _activation_problems(db, link, data.result)
        raise_if_any(problems)
        check_id = records.insert(db, "selection_checks", {
            "engagement_id": engagement_id, "checked_on": data.checked_on.isoformat(),
            "areas": data.areas, "methods": sorted(data.methods),
            "past_incidents": data.past_incidents.strip() or None, "result": data.result,
            "conditions": data.conditions.strip() or None, "decided_by": data.decided_by.strip(),
            "note": data.note.strip() or None,
        }, ctx.actor.username)
        if activate and link["status"] != EngagementStatus.ACTIVE:
            records.update(db, "engagements", engagement_id, link["version"], {"status": EngagementStatus.ACTIVE.value},
                           ctx.actor.username)
            if link["tier"] == 1:  # a successor at tier 1 needs no approval: it takes over once active
                successions.take_over(ctx.inside(db), engagement_id, data.checked_on)
        due_items.refresh_links(db, [engagement_id])
        return check_id


def _activation_problems(db, link: dict, result: str) -> list[Problem]:
    if link["status"] == EngagementStatus.ENDED:
        return [Problem("activate", "error.selection.link_ended")]
    if result not in {r.value for r in PASSING}:
        return [Problem("activate", "error.selection.not_passing")]
    parent = q.engagement(db, link["parent_engagement_id"]) if link["parent_engagement_id"] else None
    if parent is not None and parent["status"] != EngagementStatus.ACTIVE:
        return [Problem("activate", "error.chain.parent_not_active")]
    return []


def selection_checks_of(ctx: Context, engagement_id: int) -> list[dict]:
    """A link's selection checks, latest first."""
    with ctx.read() as db:
        return sq.selection_checks_of(db, engagement_id)


def unselected_active(ctx: Context, limit: int = 50) -> tuple[list[dict], int]:
    """The finding: active links without an approved selection check, and why they were let through."""
    def find() -> tuple[list[dict], int]:
        with ctx.read() as db:
            return sq.unselected_active(db, limit)
    return revision_cache.per_revision(ctx, "unselected_active", find, limit,
                                       tables=("engagements", "selection_checks", "certifications", "parties",
                                               "businesses"))
