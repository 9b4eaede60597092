"""The engagement form: a new link (tier 1 or a re-delegation) or an existing one."""

from __future__ import annotations

import streamlit as st

from ..domain.countries import COUNTRIES
from ..domain.models import DataCategory, EngagementStatus
from ..domain.permissions import Action
from ..domain.schedule import DEFAULT_INTERVAL_MONTHS, MAX_INTERVAL_MONTHS
from ..services import businesses, engagements, users
from ..services.context import Context
from ..services.engagements import EngagementInput
from . import labels
from .forms import field_errors, form_errors_elsewhere, form_prefix, save_button
from .pickers import engagement_picker, party_picker
from .session import NextStep, tr
from .text import md

_SHOWN = {"business_id", "parent_engagement_id", "entruster_id", "entrustee_party_id", "entrustee_id", "work", "purpose",
          "data_categories", "individuals_count", "processing_countries", "storage_countries", "start_date",
          "end_date", "status", "inspection_interval_months", "owner_user_id", "selection_override_reason", "ref"}


def render(ctx: Context, row: dict | None = None, preset_parent: dict | None = None,
           preset_entrustee: dict | None = None) -> None:
    prefix = form_prefix("ef", row)
    errors = f"{prefix}errors"
    start = engagements.to_input(row) if row else None

    if row:
        _placement_read_only(row)
        business_id, parent_id, entrustee_id = row["business_id"], row["parent_engagement_id"], row["entrustee_party_id"]
    else:
        business_id, parent_id = _placement(ctx, prefix, errors, preset_parent)
        entrustee_id = party_picker(ctx, tr("engagement.entrustee"), prefix + "entrustee", current=preset_entrustee)
        field_errors(errors, "entrustee_party_id")
        field_errors(errors, "entrustee_id")  # the chain rules' name of the same field

    st.text_input(tr("engagement.ref"), value=start.ref if start else "", persist_state="page", key=prefix + "ref",
                  help=tr("engagement.ref_help"))
    field_errors(errors, "ref")
    st.text_input(tr("engagement.work"), value=start.work if start else "", persist_state="page", key=prefix + "work")
    field_errors(errors, "work")
    st.text_input(tr("engagement.purpose"), value=start.purpose if start else "",
                  persist_state="page", key=prefix + "purpose")
    categories = {c.value: tr(f"category.{c.value}") for c in DataCategory}
    st.multiselect(tr("engagement.data_categories"), list(categories), default=start.data_categories if start
                   else [], placeholder=tr("common.choose"), persist_state="page", key=prefix + "categories",
                   format_func=categories.__getitem__)
    field_errors(errors, "data_categories")
    st.number_input(tr("engagement.individuals_count"), min_value=0, step=100, value=start.individuals_count
                    if start else None, persist_state="page", key=prefix + "individuals")
    field_errors(errors, "individuals_count")
    codes = list(COUNTRIES)
    country_names = {c: labels.country(c) for c in codes}.__getitem__
    left, right = st.columns(2)
    with left:
        st.multiselect(tr("engagement.processing_countries"), codes, default=start.processing_countries if start
                       else ["JP"], placeholder=tr("common.choose"), persist_state="page", key=prefix + "processing",
                       format_func=country_names)
        field_errors(errors, "processing_countries")
        st.date_input(tr("engagement.start_date"), value=start.start_date if start else None,
                      persist_state="page", key=prefix + "start", format="YYYY-MM-DD")
        field_errors(errors, "start_date")
    with right:
        st.multiselect(tr("engagement.storage_countries"), codes, default=start.storage_countries if start
                       else ["JP"], placeholder=tr("common.choose"), persist_state="page", key=prefix + "storage",
                       format_func=country_names)
        field_errors(errors, "storage_countries")
        st.date_input(tr("engagement.end_date"), value=start.end_date if start else None,
                      persist_state="page", key=prefix + "end", format="YYYY-MM-DD")
        field_errors(errors, "end_date")
    statuses = {s.value: labels.status(s.value) for s in EngagementStatus}
    st.selectbox(tr("engagement.status"), list(statuses), index=list(statuses).index(start.status) if start else 0,
                 persist_state="page", key=prefix + "status", format_func=statuses.__getitem__)
    field_errors(errors, "status")
    st.text_area(tr("engagement.selection_override_reason"), value=start.selection_override_reason if start else "",
                 persist_state="page", key=prefix + "override", help=tr("engagement.selection_override_help"))
    field_errors(errors, "selection_override_reason")
    left, right = st.columns(2)
    with left:
        st.number_input(tr("engagement.inspection_interval_months"), min_value=1, max_value=MAX_INTERVAL_MONTHS,
                        step=1, value=start.inspection_interval_months if start else DEFAULT_INTERVAL_MONTHS,
                        persist_state="page", key=prefix + "interval")
        field_errors(errors, "inspection_interval_months")
    with right:
        owners = {None: tr("common.none")} | users.owner_choices(ctx)
        current_owner = start.owner_user_id if start else None
        st.selectbox(tr("engagement.owner"), list(owners),
                     persist_state="page", key=prefix + "owner", format_func=owners.__getitem__,
                     index=list(owners).index(current_owner) if current_owner in owners else 0)
        field_errors(errors, "owner_user_id")
    form_errors_elsewhere(errors, _SHOWN)
    field_errors(errors, None)

    def data() -> EngagementInput:
        s = st.session_state
        if not row:  # a new link's place, as chosen now (not as when the button was drawn)
            placed = s[prefix + "business"], s[prefix + "parent"], s[prefix + "entrustee"]
        else:
            placed = business_id, parent_id, entrustee_id
        return EngagementInput(
            entrustee_party_id=placed[2], work=s[prefix + "work"], purpose=s[prefix + "purpose"],
            data_categories=s[prefix + "categories"], business_id=placed[0], parent_engagement_id=placed[1],
            individuals_count=None if s[prefix + "individuals"] is None else int(s[prefix + "individuals"]),
            processing_countries=s[prefix + "processing"], storage_countries=s[prefix + "storage"],
            start_date=s[prefix + "start"], end_date=s[prefix + "end"], status=s[prefix + "status"],
            inspection_interval_months=int(s[prefix + "interval"]), owner_user_id=s[prefix + "owner"],
            selection_override_reason=s[prefix + "override"], ref=s[prefix + "ref"] or "",
        )

    save_button("ef", row, create=lambda: engagements.create_engagement(ctx, data()),
                update=lambda version: engagements.update_engagement(ctx, row["id"], version, data()),
                allowed=ctx.can(Action.EDIT_REGISTRY), next_steps=next_steps)


def next_steps(engagement_id: int) -> list[NextStep]:
    """After a link is saved: its contract and clauses, its selection check, its place in the chain."""
    at = {"engagement": engagement_id}
    return [NextStep("pages/contracts/contracts.py", tr("next.contracts"), ":material/description:", at),
            NextStep("pages/oversight/selection.py", tr("next.selection"), ":material/how_to_reg:", at),
            NextStep("pages/registry/registry.py", tr("engagement.add_redelegation"), ":material/add:",
                     {"parent": str(engagement_id)}, same_page=True)]


def _placement(ctx: Context, prefix: str, errors: str, preset_parent: dict | None):
    """Business and parent link of a new engagement; the entruster follows from the parent."""
    all_businesses = businesses.list_businesses(ctx)
    by_id = {b["id"]: b["name"] for b in all_businesses}
    options = list(by_id)
    preset_business = preset_parent["business_id"] if preset_parent else None
    business_id = st.selectbox(
        tr("engagement.business"), options, persist_state="page", key=prefix + "business",
        format_func=lambda i: by_id[i],
        index=options.index(preset_business) if preset_business in options else (0 if options else None),
    )
    field_errors(errors, "business_id")
    parent_id = engagement_picker(ctx, tr("engagement.parent"), prefix + "parent", business_id,
                                  preset=preset_parent["id"] if preset_parent else None)
    field_errors(errors, "parent_engagement_id")
    entruster = tr("app.us")
    if parent_id:
        entruster = engagements.get_engagement(ctx, parent_id)["entrustee_name"]
    st.caption(f"{tr('engagement.entruster')}: {md(entruster)}")
    field_errors(errors, "entruster_id")
    return business_id, parent_id


def _placement_read_only(row: dict) -> None:
    entruster = row["entruster_name"] or tr("app.us")
    st.markdown(
        f"**{tr('engagement.business')}**: {md(row['business_name'])}  \n"
        f"**{tr('engagement.tier')}**: {labels.tier(row['tier'])}  \n"
        f"**{tr('engagement.entruster')}**: {md(entruster)} → **{tr('engagement.entrustee')}**: "
        f"{md(row['entrustee_name'])}"
    )
    st.caption(tr("engagement.fixed_place"))
