"""Incidents: breaches anywhere in a chain — whether to report them, by when, who must tell whom up
the chain, and the response as it goes."""

from datetime import date

import streamlit as st

from tracker.domain.incidents import Step
from tracker.domain.permissions import Action
from tracker.services import incidents, setup
from tracker.services.incidents import ResponseInput
from tracker.ui import breach_report_panel, incident_form, labels, party_incident_chains
from tracker.ui.forms import field_errors, form_errors_elsewhere, submit
from tracker.ui.links import query_id
from tracker.ui.pickers import link_picker
from tracker.i18n import join
from tracker.ui.session import context, lang, show_flash, tr
from tracker.ui.text import md, md_short

ctx = context()
organisation = setup.organisation_name(ctx, lang())
st.title(tr("nav.incidents"))
show_flash()
handler = ctx.can(Action.HANDLE_INCIDENTS)


def classification_badge(view) -> str:
    c = view.classification
    if c.reportable:
        reasons = join((tr(f"incident.reason.{r}") for r in c.reasons), lang())
        return f":red-badge[:material/report: {tr('incident.reportable')}] {reasons}"
    if c.exempt_by_encryption:
        return f":green-badge[{tr('incident.exempt_encrypted')}]"
    return f":gray-badge[{tr('incident.not_reportable')}]"


def why(view) -> str:
    """The classification in words: which rule applies, or which threshold was not reached."""
    return "  \n".join(f"- {md(tr(key, **params))}" for key, params in view.why)


def window(w) -> str:
    return tr("incident.window", opens=w.opens.isoformat(), closes=w.closes.isoformat()) if w else "—"


if handler:
    with st.expander(tr("incident.new"), icon=":material/add_alert:"):
        link_id = link_picker(ctx, tr("incident.where"), "incident_new_link")
        if link_id:
            incident_form.render(ctx, link_id)

include_closed = st.toggle(tr("incident.include_closed"), key="incidents_closed")
views, total = incidents.incidents_list(ctx, include_closed=include_closed, limit=200)
if not views:
    st.success(tr("incident.none"))
    st.stop()
names = {v.row["id"]: f"#{v.row['id']} {v.row['title']} — {v.link.entrustee_name} ({labels.tier(v.link.tier)}) · "
                     f"{v.link.business_name}" for v in views}
asked = query_id("incident")
if asked in names and "incident_pick" not in st.session_state:
    st.session_state["incident_pick"] = asked
if st.session_state.get("incident_pick") not in names:
    st.session_state.pop("incident_pick", None)
chosen = st.selectbox(tr("incident.pick"), list(names), key="incident_pick", format_func=names.__getitem__)
view = incidents.incident(ctx, chosen)
row = view.row

st.header(f"#{row['id']} {md_short(row['title'], 80)}")
st.markdown(f"{classification_badge(view)}  \n{why(view)}")
st.markdown(f"**{md_short(view.link.entrustee_name)}** · {labels.tier(view.link.tier)} · "
            f"{md(view.link.business_name)}  \n{labels.path(view.link.path, organisation)}")
facts = [(tr("incident.description"), row["description"]), (tr("incident.data_items"), row["data_items"]),
         (tr("incident.individuals_count"), row["individuals_count"]),
         (tr("incident.individuals_at_most"), row["individuals_at_most"])]
st.markdown("  \n".join(f"**{k}**: {md(str(v))}" for k, v in facts if v not in (None, "")))
if handler:
    with st.expander(tr("incident.edit_facts"), icon=":material/edit:"):
        incident_form.render(ctx, row["engagement_id"], row)
if row["party_incident_id"]:
    party_incident_chains.side_by_side(ctx, row)

st.subheader(tr("incident.deadlines"))
due = view.deadlines
cols = st.columns(4)
cols[0].metric(tr("incident.we_learned"), due.knowledge.isoformat() if due.knowledge else "—")
cols[1].metric(tr("incident.preliminary"), due.preliminary.closes.isoformat() if due.preliminary else "—")
if due.preliminary:
    cols[1].caption(window(due.preliminary))
cols[2].metric(tr("incident.final"), due.final.isoformat() if due.final else "—")
cols[3].metric(tr("incident.next_deadline"), view.next_deadline.isoformat() if view.next_deadline else "—")
if view.next_deadline:  # which deadline it is, and how far
    cols[3].caption(f"{tr(f'home.deadline.{view.next_deadline_kind}')} · {labels.days_left(view.next_deadline, ctx.today)}")
if view.classification.reportable and due.knowledge is None:
    st.warning(tr("incident.waiting_for_notice"), icon=":material/hourglass_top:")

if view.classification.reportable:
    st.subheader(tr("breach.section"))
    breach_report_panel.render(ctx, view)

st.subheader(tr("incident.chain"))
for item in view.notices:
    notice = item.notice
    receiver = md(item.to_name) if item.to_name else md(organisation)
    shown = notice.state(ctx.today)
    if shown == "notified":
        state = f":green-badge[{tr('incident.notified', day=notice.notified_on.isoformat())}]"
    elif shown == "waiting":
        state = f":gray-badge[{tr('incident.not_yet_told')}]"
    else:
        state = labels.due_status("overdue" if shown == "overdue" else "due_soon")
    with st.container(border=True, key=f"chain_notice_{notice.link_id}"):
        st.markdown(f"{labels.tier(notice.tier)} **{md_short(item.from_name)}** → **{receiver}** {state}  \n"
                    f"{tr('incident.learned')}: {notice.learned_on or '—'} · {tr('incident.notice_due')}: "
                    f"{window(notice.window)}")
if handler and not row["closed_on"]:
    steps = {n.notice.link_id: f"{n.from_name} → {n.to_name or organisation}" for n in view.notices}
    left, middle, right = st.columns([3, 2, 1], vertical_alignment="bottom")
    left.selectbox(tr("incident.notice_step"), list(steps), format_func=steps.__getitem__, key=f"notice_step_{chosen}")
    middle.date_input(tr("incident.notified_on"), value=ctx.today, max_value=ctx.today, format="YYYY-MM-DD",
                      key=f"notice_on_{chosen}")
    right.button(tr("incident.record_notice"), key=f"notice_submit_{chosen}", on_click=submit(
        f"notice_{chosen}_errors", lambda i=chosen: incidents.record_notice(
            ctx, i, st.session_state[f"notice_step_{i}"], st.session_state[f"notice_on_{i}"]), tr("common.saved")))
    field_errors(f"notice_{chosen}_errors", "notified_on")
    field_errors(f"notice_{chosen}_errors", None)

st.subheader(tr("incident.response"))


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


response = f"response_{chosen}_{row['version']}_"
response_errors = f"response_{chosen}_errors"
left, right = st.columns(2)
for i, step_name in enumerate(Step):
    (left if i % 2 == 0 else right).date_input(tr(f"incident.step.{step_name}"), value=day(row[f"step_{step_name}_on"]),
                                               key=response + step_name, format="YYYY-MM-DD", disabled=not handler)
left, middle, right = st.columns(3)
left.date_input(tr("incident.preliminary_filed_on"), value=day(row["preliminary_filed_on"]), key=response + "prelim",
                format="YYYY-MM-DD", disabled=not handler)
middle.date_input(tr("incident.final_filed_on"), value=day(row["final_filed_on"]), key=response + "final",
                  format="YYYY-MM-DD", disabled=not handler)
right.date_input(tr("incident.individuals_notified_on"), value=day(row["individuals_notified_on"]),
                 key=response + "notified", format="YYYY-MM-DD", disabled=not handler)
st.text_input(tr("incident.individuals_notice_method"), value=row["individuals_notice_method"] or "",
              key=response + "method", disabled=not handler)
st.date_input(tr("incident.closed_on"), value=day(row["closed_on"]), key=response + "closed", format="YYYY-MM-DD",
              disabled=not handler)
form_errors_elsewhere(response_errors, set())
field_errors(response_errors, None)
if handler:
    def save() -> None:
        s = st.session_state
        incidents.update_response(ctx, chosen, row["version"], ResponseInput(
            steps={step_name.value: s[response + step_name] for step_name in Step},
            preliminary_filed_on=s[response + "prelim"], final_filed_on=s[response + "final"],
            individuals_notified_on=s[response + "notified"], individuals_notice_method=s[response + "method"],
            closed_on=s[response + "closed"]))

    st.button(tr("common.save"), type="primary", key=response + "save",
              on_click=submit(response_errors, save, tr("common.saved"), original=row))

st.subheader(tr("incident.timeline"))
for when, key, params in view.timeline:
    st.markdown(f"**{when.isoformat()}** · {md(tr(key, **params))}")
