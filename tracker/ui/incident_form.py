"""The facts of an incident: where, what, how many, and the flags that decide reporting. A new one
or a correction (the classification and every deadline follow the facts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from ..domain.permissions import Action
from ..services import incidents
from ..services.context import Context
from ..services.incidents import IncidentInput
from .forms import field_errors, form_errors_elsewhere, form_prefix, save_button
from .session import tr
from .text import md

_SHOWN = {"title", "learned_on", "occurred_on", "we_learned_on", "individuals_count", "individuals_at_most"}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def render(ctx: Context, link_id: int, row: dict | None = None) -> None:
    prefix = form_prefix("incident", row)
    errors = prefix + "errors"
    value = (lambda key, default=None: row[key] if row else default)  # noqa: E731
    if row and row["party_incident_id"]:
        st.info(tr("incident.shared_facts_note"), icon=":material/hub:")
    what_happened(ctx, prefix, errors, row)
    left, right = st.columns(2)
    left.number_input(tr("incident.individuals_count"), min_value=0, step=1, value=value("individuals_count"),
                      key=prefix + "count")
    right.number_input(tr("incident.individuals_at_most"), min_value=0, step=1, value=value("individuals_at_most"),
                       key=prefix + "at_most", help=tr("incident.at_most_help"))
    # what leaked: a new incident starts from the link's data (keyed by the link, so it follows it)
    kinds = f"_{link_id}"
    kinds_and_report(prefix, errors, row, incidents.preset_for(ctx, link_id), kinds)
    form_errors_elsewhere(errors, _SHOWN | set(incidents.REPORT_TEXTS))
    field_errors(errors, None)

    def data() -> IncidentInput:
        s = st.session_state
        return replace(entered(prefix, kinds), individuals_count=s[prefix + "count"],
                       individuals_at_most=s[prefix + "at_most"])

    def create() -> int:
        new_id = incidents.record_incident(ctx, link_id, data())
        st.session_state["incident_pick"] = new_id  # the screen opens the incident just recorded
        return new_id

    save_button("incident", row, create=create,
                update=lambda version: incidents.update_incident(ctx, row["id"], version, data()),
                allowed=ctx.can(Action.HANDLE_INCIDENTS))


def what_happened(ctx: Context, prefix: str, errors: str, row: dict | None) -> None:
    """Title, description, what data, and the days it happened and was learned of."""
    value = (lambda key, default=None: row[key] if row else default)  # noqa: E731
    st.text_input(tr("incident.title"), value=value("title", ""), key=prefix + "title")
    field_errors(errors, "title")
    st.text_area(tr("incident.description"), value=value("description") or "", key=prefix + "description")
    st.text_input(tr("incident.data_items"), value=value("data_items") or "", key=prefix + "items")
    left, middle, right = st.columns(3)
    with left:
        st.date_input(tr("incident.occurred_on"), value=_day(value("occurred_on")), max_value=ctx.today,
                      key=prefix + "occurred", format="YYYY-MM-DD")
        field_errors(errors, "occurred_on")
    with middle:
        st.date_input(tr("incident.learned_on"), value=_day(value("learned_on")) or ctx.today, max_value=ctx.today,
                      key=prefix + "learned", format="YYYY-MM-DD")
        field_errors(errors, "learned_on")
    with right:
        st.date_input(tr("incident.we_learned_on"), value=_day(value("we_learned_on")), max_value=ctx.today,
                      key=prefix + "we", format="YYYY-MM-DD", help=tr("incident.we_learned_help"))
        field_errors(errors, "we_learned_on")


def kinds_and_report(prefix: str, errors: str, row: dict | None, preset: IncidentInput, kinds: str) -> None:
    """The kinds of data that leaked (starting from ``preset``; ``kinds`` keys them to what the preset
    came from), the circumstances that decide reporting, and the texts of the report."""
    value = (lambda key, default=None: row[key] if row else default)  # noqa: E731
    st.markdown(f"**{tr('incident.kinds_leaked')}**")
    st.caption(tr("incident.kinds_leaked_help"))
    st.checkbox(tr("incident.kind.sensitive"), key=f"{prefix}sensitive{kinds}",
                value=bool(value("sensitive", preset.sensitive)))
    st.checkbox(tr("incident.kind.financial"), key=f"{prefix}financial{kinds}",
                value=bool(value("financial_risk", preset.financial_risk)))
    st.checkbox(tr("incident.kind.my_number"), key=f"{prefix}my_number{kinds}",
                value=bool(value("my_number", preset.my_number)))
    st.markdown(f"**{tr('incident.circumstances')}**")
    st.checkbox(tr("incident.reason.wrongful"), value=bool(value("wrongful_purpose", False)), key=prefix + "wrongful")
    st.checkbox(tr("incident.reason.my_number_public"), value=bool(value("public_exposure", False)),
                key=prefix + "public", help=tr("incident.public_help"))
    st.checkbox(tr("incident.encrypted"), value=bool(value("encrypted", False)), key=prefix + "encrypted")
    st.markdown(f"**{md(tr('incident.report_texts'))}**")
    st.caption(tr("incident.report_texts_help"))
    for name in incidents.REPORT_TEXTS:  # what the report to the PPC says (施行規則第8条第1項)
        st.text_area(tr(f"incident.{name}"), value=value(name) or "", key=prefix + name, height=80)
        field_errors(errors, name)


def entered(prefix: str, kinds: str) -> IncidentInput:
    """The facts as the widgets of ``what_happened`` and ``kinds_and_report`` hold them now."""
    s = st.session_state
    return IncidentInput(
        title=s[prefix + "title"], learned_on=s[prefix + "learned"], description=s[prefix + "description"],
        data_items=s[prefix + "items"], occurred_on=s[prefix + "occurred"], we_learned_on=s[prefix + "we"],
        sensitive=s[f"{prefix}sensitive{kinds}"], financial_risk=s[f"{prefix}financial{kinds}"],
        wrongful_purpose=s[prefix + "wrongful"], public_exposure=s[prefix + "public"],
        encrypted=s[prefix + "encrypted"], my_number=s[f"{prefix}my_number{kinds}"],
        **{name: s.get(prefix + name) or "" for name in incidents.REPORT_TEXTS})
