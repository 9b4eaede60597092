"""Home: what needs attention today."""

import streamlit as st

from tracker.domain.schedule import DueStatus
from tracker.services import approvals, attention, gaps, incidents, schedule, selection, setup, terminations
from tracker.ui import labels
from tracker.ui.session import context, lang, show_flash, tr
from tracker.ui.text import md, md_short

ctx = context()
state = attention.attention(ctx)
organisation = setup.organisation_name(ctx, lang())

st.title(tr("home.title"))
show_flash()

clause_gaps = gaps.summary(ctx)
cols = st.columns(6)
cols[0].metric(tr("home.pending"), state.pending_approvals)
cols[1].metric(tr("home.findings"), state.findings)
cols[2].metric(tr("home.breaches"), state.breaches)
cols[3].metric(tr("gap.must"), clause_gaps.must)
cols[4].metric(tr("gap.links_without_contract"), clause_gaps.links_without_contract)
cols[5].metric(tr("home.open_links"), state.counts["open_engagements"])
due = schedule.due_counts(ctx)
mine = schedule.due_counts(ctx, mine=True)
unselected, unselected_total = selection.unselected_active(ctx, limit=10)
cols = st.columns(6)
cols[0].metric(tr("schedule.status.overdue"), due[DueStatus.OVERDUE])
cols[1].metric(tr("schedule.status.due_soon"), due[DueStatus.DUE_SOON])
cols[2].metric(tr("home.mine_overdue"), mine[DueStatus.OVERDUE])
cols[3].metric(tr("home.mine_due_soon"), mine[DueStatus.DUE_SOON])
cols[4].metric(tr("home.unselected"), unselected_total)
open_incidents, first_incident = incidents.open_summary(ctx)
cols[5].metric(tr("home.open_incidents"), open_incidents)
if first_incident and first_incident.next_deadline:
    st.page_link("pages/oversight/incidents.py", icon=":material/report:", query_params={
        "incident": first_incident.row["id"]}, label=tr("home.next_incident_deadline", day=first_incident.next_deadline.isoformat(), title=first_incident.row["title"]))
owed = terminations.owed_count(ctx)
if owed:
    st.page_link("pages/oversight/terminations.py", icon=":material/cancel:",
                 label=tr("home.certificates_owed", count=owed))
if due[DueStatus.OVERDUE] or due[DueStatus.DUE_SOON]:
    st.page_link("pages/oversight/schedule.py", icon=":material/event:", label=(
        f"{tr('nav.schedule')}: {tr('schedule.status.overdue')} {due[DueStatus.OVERDUE]} · "
        f"{tr('schedule.status.due_soon')} {due[DueStatus.DUE_SOON]}"))
if clause_gaps.must or clause_gaps.should:
    st.page_link("pages/contracts/gaps.py", icon=":material/rule:", label=(
        f"{tr('nav.gaps')}: {tr('gap.must')} {clause_gaps.must} · {tr('gap.should')} {clause_gaps.should} · "
        f"{tr('gap.links')} {clause_gaps.links_with_gaps}"))

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
        st.page_link("pages/oversight/chain.py", label=tr("nav.chain"), icon=":material/account_tree:",
                     query_params={"business": link.business_id, "party": link.entrustee_id})

if unselected:
    st.subheader(tr("home.unselected_title"))
    for row in unselected:
        reason = row["selection_override_reason"] or tr("home.no_selection_record")
        st.markdown(f":orange-badge[:material/warning: {tr('finding.no_selection')}] **{md_short(row['entrustee_name'])}** "
                    f"· {labels.tier(row['tier'])} · {md(row['business_name'])} — {md(reason)}")
        st.page_link("pages/oversight/selection.py", label=tr("nav.selection"), icon=":material/how_to_reg:",
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
    st.page_link("pages/oversight/approvals.py", label=f"{tr('home.go_approvals')} ({state.pending_approvals})",
                 icon=":material/task_alt:")
