"""One request to a company that counts for several of its engagements (a checksheet about the company
as a whole): the company, the engagements it covers (all of its open ones to start with), the set."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..domain.requests import COMPANY_SETS
from ..services import concentration, requests
from ..services.context import Context
from . import labels
from .forms import field_errors, form_errors_elsewhere, submit
from .pickers import party_picker
from .session import tr

KEY = "rq_co_"
ERRORS = KEY + "errors"


def render(ctx: Context, sets: dict[str, str], remember: Callable[[object], None]) -> None:
    st.caption(tr("request.company_help"))
    party_id = party_picker(ctx, tr("request.company"), KEY + "party")
    field_errors(ERRORS, "party_id")
    links = concentration.links_of(ctx, party_id) if party_id is not None else []
    names = {x.id: f"{x.ref} · {x.business_name} · {labels.tier(x.tier)}" for x in links}
    chosen_key = f"{KEY}links_{party_id}"  # per company: another company's links are never kept chosen
    if links and chosen_key not in st.session_state:
        st.session_state[chosen_key] = list(names)
    st.multiselect(tr("request.company_links"), list(names), format_func=names.__getitem__, key=chosen_key,
                   placeholder=tr("common.choose"), disabled=party_id is None)
    field_errors(ERRORS, "engagement_ids")
    company_sets = {k: v for k, v in sets.items() if k in COMPANY_SETS}
    left, right = st.columns(2)
    left.selectbox(tr("request.set"), list(company_sets), index=None, format_func=company_sets.__getitem__,
                   placeholder=tr("common.choose"), key=KEY + "set", help=tr("request.company_sets_only"))
    with left:
        field_errors(ERRORS, "set_id")
    right.date_input(tr("request.due_on"), value=None, min_value=ctx.today, format="YYYY-MM-DD", key=KEY + "due")
    with right:
        field_errors(ERRORS, "due_on")
    left.text_input(tr("request.contact_name"), key=KEY + "contact", help=tr("request.contact_help"))
    right.text_input(tr("request.contact_email"), key=KEY + "email")
    field_errors(ERRORS, "contact_email")
    form_errors_elsewhere(ERRORS, {"party_id", "engagement_ids", "set_id", "due_on", "contact_email"})
    field_errors(ERRORS, None)

    def create(send: bool):
        s = st.session_state
        chosen = s.get(KEY + "party")
        covered = s.get(f"{KEY}links_{chosen}")
        if covered is None and chosen is not None:  # picked and sent at once: all of them, as the screen shows
            covered = [x.id for x in concentration.links_of(ctx, chosen)]
        return requests.create_for_company(ctx, chosen, covered or [], s.get(KEY + "set") or "", s.get(KEY + "due"),
                                           s.get(KEY + "contact") or "", s.get(KEY + "email") or "", send=send)

    left, right = st.columns(2)
    left.button(tr("request.send"), type="primary", key=KEY + "send",
                on_click=submit(ERRORS, lambda: create(True), tr("request.sent"), on_success=remember))
    right.button(tr("request.save_draft"), key=KEY + "draft",
                 on_click=submit(ERRORS, lambda: create(False), tr("request.drafted")))
