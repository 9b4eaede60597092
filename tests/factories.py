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


def printing_house(ctx: Context):
    """One company in three chains (issue 30): a printing house at tier 1 of payroll (My Number,
    1,200 people), tier 2 of mailing (50,000, stored in Singapore), tier 3 of a campaign (要配慮, 300,
    proposed). Returns (printer, (payroll, mailing, campaign), its campaign link)."""
    printer = party(ctx, "株式会社共同印刷サービス")
    payroll, mailing, campaign = (business(ctx, name, "総務部") for name in ("給与明細の発送", "DM発送", "キャンペーン"))
    link(ctx, printer, business_id=payroll, categories=("ordinary", "my_number"), individuals_count=1200,
         processing_countries=["JP"])
    top = link(ctx, party(ctx, "発送代行株式会社"), business_id=mailing, individuals_count=50000)
    link(ctx, printer, parent=top, individuals_count=50000, storage_countries=["SG"])
    first = link(ctx, party(ctx, "販促企画株式会社"), business_id=campaign, categories=("ordinary", "sensitive"),
                 individuals_count=300)
    second = link(ctx, party(ctx, "制作会社株式会社"), parent=first, categories=("ordinary", "sensitive"),
                  individuals_count=300)
    third = link(ctx, printer, parent=second, categories=("ordinary", "sensitive"), individuals_count=300,
                 status="proposed")
    return printer, (payroll, mailing, campaign), third
