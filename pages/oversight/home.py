"""Home: what needs attention today."""

from datetime import date

import streamlit as st

from tracker.domain.schedule import DueStatus
from tracker.services import approvals, attention, gaps, incidents, requests, schedule, selection, setup, terminations
from tracker.ui import concentration_view, figures, labels
from tracker.ui.figures import PROBLEM, WAITING, Figure
from tracker.ui.session import context, lang, show_flash, tr, tr_md
from tracker.ui.text import md, md_short
from tracker.ui.navigation import screen

ctx = context()
state = attention.attention(ctx)
organisation = setup.organisation_name(ctx, lang())

st.title(tr("home.title"))
show_flash()

clause_gaps = gaps.summary(ctx)
due = schedule.due_counts(ctx)
mine = schedule.due_counts(ctx, mine=True)
unselected, unselected_total = selection.unselected_active(ctx, limit=10)
open_incidents, first_incident = incidents.open_summary(ctx)
owed = terminations.owed_count(ctx)
answered = requests.state_counts(ctx).get("answered", 0)
SCHEDULE, GAPS, REQUESTS = "pages/oversight/schedule.py", "pages/contracts/gaps.py", "pages/oversight/requests.py"
figures.show([
    Figure(tr("home.findings"), state.findings, PROBLEM, "pages/oversight/approvals.py"),
    Figure(tr("home.breaches"), state.breaches, PROBLEM, "pages/oversight/approvals.py"),
    Figure(tr("gap.must"), clause_gaps.must, PROBLEM, GAPS, {"level": "must"}),
    Figure(tr("gap.links_without_contract"), clause_gaps.links_without_contract, PROBLEM, GAPS),
    Figure(tr("schedule.status.overdue"), due[DueStatus.OVERDUE], PROBLEM, SCHEDULE, {"status": "overdue"}),
    Figure(tr("home.mine_overdue"), mine[DueStatus.OVERDUE], PROBLEM, SCHEDULE, {"status": "overdue", "scope": "mine"}),
    Figure(tr("home.open_incidents"), open_incidents, PROBLEM, "pages/oversight/incidents.py"),
    Figure(tr("home.certificates_owed_figure"), owed, PROBLEM, "pages/oversight/terminations.py"),
    Figure(tr("home.requests_overdue"), requests.overdue_count(ctx), PROBLEM, REQUESTS, {"status": "overdue"}),
    Figure(tr("home.pending"), state.pending_approvals, WAITING, "pages/oversight/approvals.py"),
    Figure(tr("schedule.status.due_soon"), due[DueStatus.DUE_SOON], WAITING, SCHEDULE, {"status": "due_soon"}),
    Figure(tr("home.mine_due_soon"), mine[DueStatus.DUE_SOON], WAITING, SCHEDULE,
           {"status": "due_soon", "scope": "mine"}),
    Figure(tr("home.unselected"), unselected_total, WAITING, "pages/oversight/selection.py"),
    Figure(tr("home.requests_to_review"), answered, WAITING, REQUESTS, {"state": "answered"}),
])
st.caption(tr("home.open_links_caption", count=state.counts["open_engagements"]))

st.subheader(tr("home.deadlines_title"))
if first_incident and first_incident.next_deadline:
    st.page_link(screen("pages/oversight/incidents.py"), icon=":material/report:", query_params={
        "incident": first_incident.row["id"]}, label=tr_md(
            "home.next_incident_deadline", what=tr(f"home.deadline.{first_incident.next_deadline_kind}"),
            day=first_incident.next_deadline.isoformat(), left=labels.days_left(first_incident.next_deadline, ctx.today),
            title=first_incident.row["title"]))
coming = schedule.first_due(ctx, 5, statuses=[DueStatus.OVERDUE, DueStatus.DUE_SOON])
for row in coming:
    day = date.fromisoformat(row["due_on"])
    st.markdown(f"{labels.due_status(row['status'])} **{row['due_on']}** "
                f"({labels.days_left(day, ctx.today)}) · {labels.review_kind(row['kind'])} — "
                f"{md_short(row['party_name'])}")
if not coming and not (first_incident and first_incident.next_deadline):
    st.success(tr("schedule.nothing_due"))
elif coming:
    st.page_link(screen(SCHEDULE), icon=":material/event:", label=tr("home.all_deadlines"))

st.subheader(tr("home.findings_title"))
if not state.approval_findings:
    st.success(tr("home.findings_empty"))
for link in state.approval_findings:
    finding = link.findings[0]
    with st.container(border=True):
        st.markdown(
            f"{labels.finding(finding)} {labels.tier(link.tier)} · {md(link.business_name)}"
        )
        st.caption(labels.path(link.path, organisation))
        st.page_link(screen("pages/oversight/chain.py"), label=tr("nav.chain"), icon=":material/account_tree:",
                     query_params={"business": link.business_id, "party": link.entrustee_id})
if state.findings > len(state.approval_findings):
    st.caption(tr("common.more", count=state.findings - len(state.approval_findings)))

if unselected:
    st.subheader(tr("home.unselected_title"))
    for row in unselected:
        reason = row["selection_override_reason"] or tr("home.no_selection_record")
        st.markdown(f":orange-badge[:material/warning: {tr('finding.no_selection')}] **{md_short(row['entrustee_name'])}** "
                    f"· {labels.tier(row['tier'])} · {md(row['business_name'])} — {md(reason)}")
        st.page_link(screen("pages/oversight/selection.py"), label=tr("nav.selection"), icon=":material/how_to_reg:",
                     query_params={"engagement": row["id"]})
    if unselected_total > len(unselected):
        st.caption(tr("common.more", count=unselected_total - len(unselected)))

st.subheader(tr("home.pending_title"))
waiting, _ = approvals.approval_queue(ctx, limit=5)
if not waiting:
    st.info(tr("approval.queue_empty"))
for link in waiting:
    st.markdown(f"{labels.approval(link.approval_status, link.tier)} {labels.tier(link.tier)} · "
                f"{md(link.business_name)} — {labels.path(link.path, organisation)}")
if waiting:
    st.page_link(screen("pages/oversight/approvals.py"), label=f"{tr('home.go_approvals')} ({state.pending_approvals})",
                 icon=":material/task_alt:")

concentration_view.most_depended_on(ctx)
