"""Small builders for service-level tests."""

from __future__ import annotations

import itertools

from tracker.domain.corporate_number import with_check_digit
from tracker.domain.party_rules import PartyDraft
from tracker.domain.selection import AREAS
from tracker.services import businesses, engagements, parties, selection
from tracker.services.context import Context
from tracker.services.engagements import EngagementInput
from tracker.services.selection import SelectionInput

_numbers = itertools.count(100000000000)


def corporate_number() -> str:
    return with_check_digit(f"{next(_numbers):012d}")


def party(ctx: Context, name: str, **fields) -> int:
    return parties.create_party(ctx, PartyDraft(name=name, **fields))


def business(ctx: Context, name: str = "給与計算", department: str = "人事部") -> int:
    return businesses.create_business(ctx, name, department)


def link(ctx: Context, entrustee: int, *, business_id: int | None = None, parent: int | None = None,
         categories: tuple[str, ...] = ("ordinary",), status: str = "active", **fields) -> int:
    """A link; an active one is registered as proposed and activated by an approved selection
    check, as the rules require."""
    link_id = engagements.create_engagement(ctx, EngagementInput(
        entrustee_party_id=entrustee, work=fields.pop("work", "データ入力"), data_categories=list(categories),
        business_id=business_id, parent_engagement_id=parent,
        status="proposed" if status == "active" else status, **fields,
    ))
    if status == "active":
        selection.record_selection_check(ctx, link_id, passing_selection(ctx.today), activate=True)
    return link_id


def passing_selection(on, result: str = "approved") -> SelectionInput:
    return SelectionInput(checked_on=on, result=result, decided_by="選定 担当", methods=["hearing"],
                          areas={area: "ok" for area in AREAS}, conditions="条件あり" if result == "conditional" else "")


def chain(ctx: Context, depth: int, categories: tuple[str, ...] = ("ordinary",), business_id: int | None = None):
    """A straight chain us → P1 → … → Pdepth; returns (business id, party ids, link ids)."""
    business_id = business_id or business(ctx, f"業務{next(_numbers)}")
    party_ids, link_ids, parent = [], [], None
    for tier in range(1, depth + 1):
        party_ids.append(party(ctx, f"委託先{tier}-{next(_numbers)}"))
        parent = link(ctx, party_ids[-1], business_id=business_id, parent=parent, categories=categories)
        link_ids.append(parent)
    return business_id, party_ids, link_ids
