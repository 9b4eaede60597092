"""An incident at a company, recorded once for the chains it touched: the facts, which of its links
(all, some businesses, or links picked), and the number of individuals in each business."""

from __future__ import annotations

import streamlit as st

from ..domain.permissions import Action
from ..services import concentration, incidents, party_incidents, setup
from ..services.context import Context
from ..domain import shared_party
from ..domain.shared_party import HeldLink
from . import labels
from .forms import field_errors, form_errors_elsewhere, form_prefix, reset_new_form, submit
from .incident_form import entered, kinds_and_report, what_happened
from .session import NextStep, lang, show_flash, tr
from .navigation import screen
from .text import md, md_short

SCOPES = ("all", "business", "picked")
COUNTS_SHOWN = 20  # more businesses than this: each chain's count is entered on its incident
_SHOWN = {"title", "learned_on", "occurred_on", "we_learned_on", "links", "counts"}


def recorded(ctx: Context, party_id: int) -> None:
    """The incidents recorded at this company, each opening its chains on the Incidents screen. In one
    container: a line that comes with a new incident must not shift the form below it (Streamlit would
    redraw it closed, its message of success and next step inside)."""
    box = st.container()
    for item in party_incidents.of_party(ctx, party_id):
        state = tr("incident.party.open_of", open=item["open_chains"], chains=item["chains"])
        box.page_link(screen("pages/oversight/incidents.py"), query_params={"incident": item["first_incident_id"]},
                      icon=":material/crisis_alert:", label=f"{item['learned_on']} {md_short(item['title'], 60)} · {state}")


def render(ctx: Context, party_id: int) -> None:
    recorded(ctx, party_id)
    if not ctx.can(Action.HANDLE_INCIDENTS):
        return
    links = concentration.links_of(ctx, party_id)
    if not links:
        return
    name = f"party_incident_{party_id}"
    prefix = form_prefix(name, None)
    errors = prefix + "errors"
    with st.expander(tr("incident.party.new"), icon=":material/crisis_alert:"):
        st.caption(tr("incident.party.help"))
        what_happened(ctx, prefix, errors, None)
        kinds_and_report(prefix, errors, None, shared_party.preset_for(links), "")
        st.markdown(f"**{md(tr('incident.party.which_links'))}**")
        st.radio(tr("incident.party.scope"), SCOPES, format_func=lambda s: tr(f"incident.party.scope_{s}"),
                 key=prefix + "scope", horizontal=True, label_visibility="collapsed")
        businesses = {x.business_id: x.business_name for x in links}
        scope = st.session_state[prefix + "scope"]
        if scope == "business":
            st.multiselect(tr("incident.party.businesses"), list(businesses), format_func=businesses.__getitem__,
                           key=prefix + "businesses", placeholder=tr("common.choose"))
        elif scope == "picked":
            organisation = setup.organisation_name(ctx, lang())
            by_id = {x.id: f"{x.ref} · {x.business_name} · {labels.tier(x.tier)} · {x.entruster_name or organisation}"
                     for x in links}
            st.multiselect(tr("incident.party.links"), list(by_id), format_func=by_id.__getitem__,
                           key=prefix + "links", placeholder=tr("common.choose"))
        field_errors(errors, "links")
        chains = shared_party.per_chain(_chosen(links, prefix))
        if 0 < len(chains) <= COUNTS_SHOWN:
            st.caption(tr("incident.party.counts_help"))
            columns = st.columns(2)
            for n, link in enumerate(chains):
                columns[n % 2].number_input(
                    tr("incident.party.count", business=md(link.business_name)), min_value=0, step=1, value=None,
                    key=f"{prefix}count_{link.business_id}",
                    help=tr("incident.party.count_unknown", count=f"{link.individuals_count:,}"
                            if link.individuals_count is not None else "—"))
        elif chains:
            st.caption(tr("incident.party.counts_later", chains=len(chains)))
        field_errors(errors, "counts")
        form_errors_elsewhere(errors, _SHOWN | set(incidents.REPORT_TEXTS))
        field_errors(errors, None)

        def record() -> int:
            s = st.session_state
            chosen = _chosen(links, prefix)
            counts = {b: s.get(f"{prefix}count_{b}") for b in {x.business_id for x in chosen}}
            group = party_incidents.record(ctx, party_id, entered(prefix, ""), [x.id for x in chosen],
                                           {b: n for b, n in counts.items() if n is not None})
            st.session_state["incident_pick"] = party_incidents.party_incident(ctx, group).chains[0].row["id"]
            return group

        st.button(tr("incident.party.record", chains=len(chains)), type="primary", key=prefix + "submit",
                  on_click=submit(errors, record, tr("incident.party.recorded"), on_success=reset_new_form(name),
                                  flash_at=name + "_saved", next_steps=lambda group: [NextStep(
                                      "pages/oversight/incidents.py", tr("incident.party.open"),
                                      ":material/crisis_alert:", {"incident": st.session_state["incident_pick"]})]))
        show_flash(name + "_saved")


def _chosen(links: list[HeldLink], prefix: str) -> list[HeldLink]:
    """The links the scope chosen covers, as the widgets hold it now."""
    s = st.session_state
    scope = s.get(prefix + "scope", "all")
    if scope == "business":
        wanted = set(s.get(prefix + "businesses") or ())
        return [x for x in links if x.business_id in wanted]
    if scope == "picked":
        wanted = set(s.get(prefix + "links") or ())
        return [x for x in links if x.id in wanted]
    return links

