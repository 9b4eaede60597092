"""Engagements (委託): one link of a delegation chain, from us or a party down to an entrustee."""

from __future__ import annotations

from datetime import date

from ..domain import chain, refs
from ..domain import engagement_rules as rules
from ..domain.approvals import needs_approval
from ..domain.engagement_rules import EngagementInput
from ..domain.models import ApprovalStatus, EngagementStatus, parse_categories
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any, unique
from ..domain.webhooks import Event
from ..store import due_items, records
from ..store import registry_queries as q
from ..store import supervision_queries as sq
from . import revision_cache, webhooks
from .context import Context

def _parent_link(db, parent_id: int | None) -> chain.ParentLink | None:
    row = q.link_place(db, parent_id) if parent_id is not None else None
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


def _found(db, data: EngagementInput) -> rules.Found:
    return rules.Found(
        entrustee=data.entrustee_party_id is None or q.party_exists(db, data.entrustee_party_id),
        owner=data.owner_user_id is None or sq.user_exists(db, data.owner_user_id))


def _event_data(db, engagement_id: int) -> dict:
    link = q.engagement(db, engagement_id)
    return {"engagement": link["ref"], "business": link["business_name"], "tier": link["tier"],
            "entruster": link["entruster_name"], "entrustee": link["entrustee_name"], "work": link["work"],
            "data_categories": link["data_categories"]}


def _ref_taken(db, ref: str, own_id: int | None) -> list[Problem]:
    holder = q.engagement_id_by_ref(db, ref) if ref.strip() else None
    return [] if holder in (None, own_id) else [Problem("ref", "error.engagement.ref_taken", {"ref": ref.strip()})]


def refs_of(ctx: Context, ids: list[int]) -> dict[int, str]:
    """Link id → its ledger number, for these ids (one read)."""
    with ctx.read() as db:
        return q.refs_of(db, sorted(set(ids)))


def id_of_ref(ctx: Context, text: str) -> int | None:
    """The link ``text`` names as printed: its ledger number (any case), else its internal number
    (E12 or 12) when no ledger number is that text; None when it names none."""
    with ctx.read() as db:
        found = q.engagement_id_by_ref(db, text)
        if found is None and (number := refs.parse_ref(text, refs.ENGAGEMENT)) is not None:
            found = number if q.find_engagement(db, number) is not None else None
    return found


def _activation(ctx: Context, db, data: EngagementInput, engagement_id: int | None,
                old_status: str | None) -> list[Problem]:
    """The selection guard; an override is a privacy decision, so only a role that may take one may."""
    selected = engagement_id is not None and sq.has_passing_selection(db, engagement_id)
    problems, decision = rules.check_activation(data, old_status, selected)
    if decision:
        ctx.require(Action.DECIDE_REDELEGATION)
    return problems


def create_engagement(ctx: Context, data: EngagementInput) -> int:
    """Create a link (and, below tier 1, its pending re-delegation approval) in one transaction;
    returns its id. Raises RuleViolation, PermissionDenied."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        parent = _parent_link(db, data.parent_engagement_id)
        business_id = parent.business_id if parent else data.business_id
        placed, problems = rules.place(data, parent, business_id is not None and q.business(db, business_id) is not None)
        problems = (rules.check_fields(data, _found(db, data)) + problems + _ref_taken(db, data.ref, None)
                    + _activation(ctx, db, data, None, None))
        raise_if_any(unique(problems))
        # the id is taken up front (the write lock is held) so the row is written whole, path included
        engagement_id = q.next_engagement_id(db)
        ref = data.ref.strip() or refs.given_ref(engagement_id, lambda text: q.engagement_id_by_ref(db, text) is not None)
        values = rules.row_values(data) | {"ref": ref,
            "id": engagement_id, "business_id": placed.business_id, "parent_engagement_id": parent.id if parent else None,
            "entruster_party_id": placed.entruster_id, "entrustee_party_id": data.entrustee_party_id,
            "tier": chain.tier_below(parent), "path_key": chain.path_key_for(engagement_id, parent)}
        records.insert(db, "engagements", values, ctx.actor.username)
        if needs_approval(values["tier"]):
            records.insert(db, "approvals", {"engagement_id": engagement_id, "status": ApprovalStatus.PENDING.value},
                           ctx.actor.username)
            webhooks.emit(db, Event.APPROVAL_REQUESTED, _event_data(db, engagement_id))
        if data.status == EngagementStatus.ACTIVE:
            webhooks.emit(db, Event.ENGAGEMENT_ACTIVATED, _event_data(db, engagement_id))
        due_items.refresh_links(db, [engagement_id])
        return engagement_id


def update_engagement(ctx: Context, engagement_id: int, expected_version: int, data: EngagementInput) -> None:
    """Save an edited link. Its place in the chain (business, parent, entruster, entrustee) is fixed.
    Raises NotFound, RuleViolation, StaleRecord, PermissionDenied."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        current = q.engagement(db, engagement_id)
        children = [parse_categories(c) for c in q.child_categories(db, engagement_id)]
        problems = (rules.check_fields(data, _found(db, data))
                    + rules.check_edit(data, current, _parent_link(db, current["parent_engagement_id"]), children)
                    + _ref_taken(db, data.ref, engagement_id) + _activation(ctx, db, data, engagement_id, current["status"]))
        raise_if_any(unique(problems))
        values = rules.row_values(data) | ({"ref": data.ref.strip()} if data.ref.strip() else {})
        records.update(db, "engagements", engagement_id, expected_version, values, ctx.actor.username)
        if data.status == EngagementStatus.ACTIVE and current["status"] != EngagementStatus.ACTIVE:
            webhooks.emit(db, Event.ENGAGEMENT_ACTIVATED, _event_data(db, engagement_id))
        due_items.refresh_links(db, [engagement_id])


def get_engagement(ctx: Context, engagement_id: int) -> dict:
    """A link with its business, parties and approval. Raises NotFound."""
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
        ref=row["ref"] or "",
    )
