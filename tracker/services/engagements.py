"""Engagements (委託): one link of a delegation chain, from us or a party down to an entrustee."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain import chain, countries
from ..domain.approvals import needs_approval
from ..domain.models import ApprovalStatus, DataCategory, EngagementStatus, parse_categories
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.schedule import DEFAULT_INTERVAL_MONTHS, MAX_INTERVAL_MONTHS
from ..domain.selection import activation_problems
from ..store import due_items, records
from ..store import registry_queries as q
from ..store import supervision_queries as sq
from . import revision_cache
from .context import Context

_UNSET = object()


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
    entruster_party_id: object = _UNSET
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


def _categories(values: list[str]) -> tuple[frozenset[DataCategory], list[Problem]]:
    try:
        return parse_categories(values), []
    except ValueError:
        return frozenset(), [Problem("data_categories", "error.chain.unknown_category")]


def _status(value: str) -> EngagementStatus:
    """The status for rule checks; an invalid one is reported by _common_problems."""
    try:
        return EngagementStatus(value)
    except ValueError:
        return EngagementStatus.PROPOSED


def _country_problems(data: EngagementInput) -> list[Problem]:
    problems = []
    for field_name in ("processing_countries", "storage_countries"):
        unknown = [c for c in getattr(data, field_name) if not countries.is_known(c)]
        if unknown:
            problems.append(Problem(field_name, "error.country.unknown", {"country": ", ".join(unknown)}))
    return problems


def _parent_link(db, parent_id: int) -> chain.ParentLink | None:
    row = q.link_place(db, parent_id)
    if row is None:
        return None
    link_id, business_id, entrustee_id, tier, path_key, categories, status = row
    on_path = q.path_entrustees(db, [path_key])
    return chain.ParentLink(
        id=link_id,
        business_id=business_id,
        entrustee_id=entrustee_id,
        tier=tier,
        path_key=path_key,
        data_categories=parse_categories(categories),
        status=EngagementStatus(status),
        path_party_ids=tuple(on_path[i]["entrustee_party_id"] for i in chain.ids_in_path(path_key)),
    )


def _common_problems(db, data: EngagementInput) -> list[Problem]:
    problems = []
    if not data.work.strip():
        problems.append(Problem("work", "error.required"))
    if data.individuals_count is not None and data.individuals_count < 0:
        problems.append(Problem("individuals_count", "error.not_negative"))
    try:
        EngagementStatus(data.status)
    except ValueError:
        problems.append(Problem("status", "error.invalid_choice"))
    if data.entrustee_party_id is not None and not q.party_exists(db, data.entrustee_party_id):
        problems.append(Problem("entrustee_party_id", "error.not_found"))
    if not 1 <= data.inspection_interval_months <= MAX_INTERVAL_MONTHS:
        problems.append(Problem("inspection_interval_months", "error.interval_range", {"max": MAX_INTERVAL_MONTHS}))
    if data.owner_user_id is not None and not sq.user_exists(db, data.owner_user_id):
        problems.append(Problem("owner_user_id", "error.not_found"))
    return problems + _country_problems(data)


def _activation_problems(ctx: Context, db, data: EngagementInput, engagement_id: int | None,
                         old_status: str | None) -> list[Problem]:
    """The selection guard; an override is a privacy decision, so only a role that may take one may."""
    selected = engagement_id is not None and sq.has_passing_selection(db, engagement_id)
    problems = activation_problems(data.status, old_status, selected, data.selection_override_reason)
    if (not problems and not selected and data.status != old_status and data.status == EngagementStatus.ACTIVE
            and not data.imported):
        ctx.require(Action.DECIDE_REDELEGATION)
    return problems


def _values(data: EngagementInput, categories: frozenset[DataCategory]) -> dict:
    return {
        "work": data.work.strip(),
        "purpose": data.purpose.strip() or None,
        "data_categories": sorted(c.value for c in categories),
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


def create_engagement(ctx: Context, data: EngagementInput) -> int:
    """Create a link (and, below tier 1, its pending re-delegation approval) in one transaction."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        categories, problems = _categories(data.data_categories)
        problems += _common_problems(db, data)
        parent = None
        if data.parent_engagement_id is not None:
            parent = _parent_link(db, data.parent_engagement_id)
            if parent is None:
                problems.append(Problem("parent_engagement_id", "error.not_found"))
        business_id = parent.business_id if parent else data.business_id
        if business_id is None:
            problems.append(Problem("business_id", "error.required"))
        elif parent and data.business_id not in (None, parent.business_id):
            problems.append(Problem("business_id", "error.chain.business_differs_from_parent"))
        elif q.business(db, business_id) is None:
            problems.append(Problem("business_id", "error.not_found"))
        if data.entruster_party_id is _UNSET:
            entruster = parent.entrustee_id if parent else None
        else:
            entruster = data.entruster_party_id
        if data.parent_engagement_id is None or parent is not None:
            draft = chain.LinkDraft(
                entrustee_id=data.entrustee_party_id,
                entruster_id=entruster,
                data_categories=categories,
                status=_status(data.status),
                start_date=data.start_date,
                end_date=data.end_date,
            )
            problems += chain.check_link(draft, parent)
        problems += _activation_problems(ctx, db, data, None, None)
        raise_if_any(_dedupe(problems))

        # the id is taken up front (the write lock is held) so the row is written whole, path included
        engagement_id = q.next_engagement_id(db)
        values = _values(data, categories) | {
            "id": engagement_id,
            "business_id": business_id,
            "parent_engagement_id": parent.id if parent else None,
            "entruster_party_id": entruster,
            "entrustee_party_id": data.entrustee_party_id,
            "tier": chain.tier_below(parent),
            "path_key": chain.path_key_for(engagement_id, parent),
        }
        records.insert(db, "engagements", values, ctx.actor.username)
        if needs_approval(values["tier"]):
            records.insert(
                db, "approvals", {"engagement_id": engagement_id, "status": ApprovalStatus.PENDING.value},
                ctx.actor.username,
            )
        due_items.refresh_links(db, [engagement_id])
        return engagement_id


def update_engagement(ctx: Context, engagement_id: int, expected_version: int, data: EngagementInput) -> None:
    """Save an edited link. Its place in the chain (business, parent, entruster, entrustee) is fixed."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        current = q.engagement(db, engagement_id)
        categories, problems = _categories(data.data_categories)
        problems += _common_problems(db, data)
        if data.entrustee_party_id != current["entrustee_party_id"]:
            problems.append(Problem("entrustee_party_id", "error.chain.entrustee_fixed"))
        parent = _parent_link(db, current["parent_engagement_id"]) if current["parent_engagement_id"] else None
        draft = chain.LinkDraft(
            entrustee_id=current["entrustee_party_id"],
            entruster_id=current["entruster_party_id"],
            data_categories=categories,
            status=_status(data.status),
            start_date=data.start_date,
            end_date=data.end_date,
        )
        problems += chain.check_link(draft, parent)
        children = [parse_categories(c) for c in q.child_categories(db, engagement_id)]
        problems += chain.check_children_keep_categories(categories, children)
        problems += _activation_problems(ctx, db, data, engagement_id, current["status"])
        if data.status == EngagementStatus.ENDED and current["status"] != EngagementStatus.ENDED:
            # ending takes the sub-tree with it and asks for deletion certificates: a termination
            problems.append(Problem("status", "error.engagement.end_by_termination"))
        raise_if_any(_dedupe(problems))
        records.update(db, "engagements", engagement_id, expected_version, _values(data, categories), ctx.actor.username)
        due_items.refresh_links(db, [engagement_id])


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, unique = set(), []
    for p in problems:
        if (p.field, p.code) not in seen:
            seen.add((p.field, p.code))
            unique.append(p)
    return unique


def get_engagement(ctx: Context, engagement_id: int) -> dict:
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
    return row


def search_engagements(ctx: Context, **filters) -> tuple[list[dict], int]:
    """One page of links; filters: text, business_id, tier, status, category, party_id, limit, offset."""
    with ctx.read() as db:
        return q.engagements_page(db, **filters)


def deepest_tier(ctx: Context) -> int:
    """The deepest tier of any link (the tier filter's range): a scan of every link, so once per
    change of the links."""
    def read() -> int:
        with ctx.read() as db:
            return q.deepest_tier(db)
    return revision_cache.per_revision(ctx, "deepest_tier", read, tables=("engagements",))


def to_input(row: dict) -> EngagementInput:
    """The input a form starts from when editing an existing link."""
    return EngagementInput(
        entrustee_party_id=row["entrustee_party_id"],
        work=row["work"],
        data_categories=list(row["data_categories"]),
        business_id=row["business_id"],
        parent_engagement_id=row["parent_engagement_id"],
        purpose=row["purpose"] or "",
        individuals_count=row["individuals_count"],
        processing_countries=list(row["processing_countries"]),
        storage_countries=list(row["storage_countries"]),
        start_date=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
        end_date=date.fromisoformat(row["end_date"]) if row["end_date"] else None,
        status=row["status"],
        inspection_interval_months=row["inspection_interval_months"],
        owner_user_id=row["owner_user_id"],
        selection_override_reason=row["selection_override_reason"] or "",
    )
