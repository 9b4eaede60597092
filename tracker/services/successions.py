"""Replacing a company that serves many chains with its successor: in every chain a new link to the
successor is proposed under the same parent, waiting for its approval; the old link ends (its
deletion certificates owed as for any termination) once the new one is approved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..domain.engagement_rules import EngagementInput
from ..domain.models import EngagementStatus
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.terminations import topmost
from ..store import records
from ..store import registry_queries as q
from ..store import succession_queries as sq
from . import engagements, terminations
from .context import Context


@dataclass(frozen=True)
class Handover:
    """One link being handed over: the old one, the new one and where the new one stands."""

    old_id: int
    old_ref: str
    new_id: int
    new_ref: str
    business_name: str
    tier: int
    approval_status: str | None  # the new link's re-delegation approval; None at tier 1
    termination_id: int | None  # set once the old link has ended


def hand_over(ctx: Context, party_id: int, successor_id: int | None, reason: str) -> list[int]:
    """Propose the successor in place of the company at the top of each chain it is in; returns the
    new links' ids. Raises NotFound, RuleViolation, PermissionDenied."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        q.party(db, party_id)
        problems = [] if reason.strip() else [Problem("reason", "error.required")]
        if successor_id is None:
            problems.append(Problem("successor_id", "error.required"))
        elif successor_id == party_id:
            problems.append(Problem("successor_id", "error.succession.same_party"))
        else:
            q.party(db, successor_id)
        tops = topmost(q.open_links_of_party(db, party_id))
        waiting = sq.being_handed_over(db, tops)
        tops = [i for i in tops if i not in waiting]
        if not tops:
            problems.append(Problem(None, "error.succession.nothing_to_hand_over"))
        raise_if_any(problems)
        inside = ctx.inside(db)
        created = []
        for old in q.engagements_by_ids(db, tops).values():
            new_id = engagements.create_engagement(inside, _successor_link(old, successor_id))
            records.insert(db, "successions", {"old_engagement_id": old["id"], "new_engagement_id": new_id,
                                               "reason": reason.strip()}, ctx.actor.username)
            created.append(new_id)
        return created


def _successor_link(old: dict, successor_id: int) -> EngagementInput:
    """The old link's work and data, entrusted to the successor by the same entruster: a new link,
    proposed, with its own ledger number and dates."""
    return replace(engagements.to_input(old), entrustee_party_id=successor_id, status=EngagementStatus.PROPOSED.value,
                   start_date=None, end_date=None, selection_override_reason="", ref="")


def take_over(ctx: Context, new_link_id: int, on: date) -> int | None:
    """The new link of a hand-over was approved (or, at tier 1, activated): the old one ends on
    ``on``. Joins its caller's transaction. Returns the termination id, or None when the link
    replaces nothing (or the old one has ended already)."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        handover = sq.of_new_link(db, new_link_id)
        if handover is None or handover["termination_id"] is not None:
            return None
        old = q.engagement(db, handover["old_engagement_id"])
        if old["status"] == EngagementStatus.ENDED:
            return None
        successor = q.engagement(db, new_link_id)["entrustee_name"]
        termination_id = terminations.end_engagement(ctx.inside(db), old["id"], max(on, _start(old)),
                                                     f"{handover['reason']} → {successor}")
        records.update(db, "successions", handover["id"], handover["version"], {"termination_id": termination_id},
                       ctx.actor.username)
        return termination_id


def _start(link: dict) -> date:
    return date.fromisoformat(link["start_date"]) if link["start_date"] else date.min


def handovers_of(ctx: Context, party_id: int) -> list[Handover]:
    """The company's links being (or already) handed over to a successor, in chain order."""
    with ctx.read() as db:
        return [Handover(r["old_id"], r["old_ref"], r["new_id"], r["new_ref"], r["business_name"], r["tier"],
                         r["approval_status"], r["termination_id"]) for r in sq.of_party(db, party_id)]

