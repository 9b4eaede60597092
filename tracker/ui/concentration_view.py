"""Where we depend on one company: its links by entrusted business (party screen), and the
sub-processors most chains depend on (Home)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..domain.permissions import Action
from ..services import concentration, terminations
from ..services.context import Context
from . import labels
from .forms import field_errors, submit
from .navigation import screen
from .session import show_flash, tr
from .tables import literal_table
from .text import md, md_short


def party_exposure(ctx: Context, party_id: int) -> None:
    seen = concentration.of_party(ctx, party_id)
    st.subheader(tr("concentration.title"))
    if not seen.businesses:
        st.info(tr("party.chains_empty"))
        return
    st.caption(tr("concentration.summary", businesses=len(seen.businesses), links=seen.links,
                  individuals=f"{seen.individuals:,}" if any(b.individuals for b in seen.businesses) else "—",
                  countries=", ".join(labels.country(c) for c in seen.countries),
                  unapproved=seen.unapproved))
    yes, no = tr("common.yes"), ""
    literal_table(pd.DataFrame([{
        tr("engagement.business"): b.business_name,
        tr("engagement.tier"): f"{b.tiers[0]}" if b.tiers[0] == b.tiers[1] else f"{b.tiers[0]}–{b.tiers[1]}",
        tr("concentration.links"): b.links,
        tr("category.my_number"): yes if b.my_number else no,
        tr("category.sensitive"): yes if b.sensitive else no,
        tr("engagement.individuals_count"): f"{b.individuals:,}" if b.individuals is not None else "—",
        tr("concentration.countries"): ", ".join(labels.country(c) for c in b.countries),
        tr("concentration.approved"): f"{b.approved} / {b.needing_approval}" if b.needing_approval else "—",
        tr("concentration.covered"): f"{b.links - b.with_gaps} / {b.links}",
    } for b in seen.businesses]).set_index(tr("engagement.business")))


def most_depended_on(ctx: Context) -> None:
    rows = concentration.most_depended_on(ctx, 10)
    if not rows:
        return
    st.subheader(tr("concentration.home_title"))
    st.caption(tr("concentration.home_help"))
    for row in rows:
        st.page_link(screen("pages/registry/party.py"), query_params={"party": row["party_id"]},
                     label=tr("concentration.home_item", name=md_short(row["name"]), businesses=row["businesses"],
                              links=row["links"]), icon=":material/hub:")


def end_everything(ctx: Context, party: dict) -> None:
    """Ending every link the company holds, in every chain (a company that stops the work, or that we
    stop working with): a reason, and its name typed again."""
    if not ctx.can(Action.EDIT_REGISTRY):
        return
    prefix, errors = f"endall_{party['id']}_", f"endall_{party['id']}_errors"
    with st.expander(tr("concentration.end_all"), icon=":material/block:"):
        st.caption(tr("concentration.end_all_help"))
        st.date_input(tr("termination.ended_on"), value=ctx.today, max_value=ctx.today, key=prefix + "on",
                      format="YYYY-MM-DD")
        field_errors(errors, "ended_on")
        st.text_input(tr("termination.reason"), key=prefix + "reason")
        field_errors(errors, "reason")
        st.text_input(tr("concentration.confirm_name", name=md(party["name"])), key=prefix + "name")
        field_errors(errors, "confirmed_name")
        field_errors(errors, None)
        s = st.session_state
        st.button(tr("concentration.end_all_button"), type="primary", key=prefix + "go", on_click=submit(
            errors, lambda: terminations.end_party(ctx, party["id"], s[prefix + "on"], s[prefix + "reason"] or "",
                                                   s[prefix + "name"] or ""), tr("concentration.ended_all"),
            flash_at=prefix + "saved"))
        show_flash(prefix + "saved")  # next to the button: the party screen has no message at its top
