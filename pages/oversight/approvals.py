"""Approvals: the queue of pending re-delegations; approve or reject with conditions."""

import streamlit as st

from tracker.domain.permissions import Action
from tracker.services import approvals, gaps, selection, setup
from tracker.services.catalogue import catalogue
from tracker.ui import labels, selection_summary
from tracker.ui.forms import field_errors, paged, pager, submit
from tracker.ui.session import context, lang, show_flash, tr, tr_md
from tracker.ui.text import md, md_short
from tracker.ui.navigation import screen

ctx = context()
organisation = setup.organisation_name(ctx, lang())
st.title(tr("nav.approvals"))
show_flash()
ERRORS = "approval_decision_errors"  # one slot: shown even when the item left the queue (decided by someone else)
field_errors(ERRORS, None)

rows, total = paged(lambda limit, offset: approvals.approval_queue(ctx, limit, offset), "approvals_page")
if not rows:
    st.success(tr("approval.queue_empty"))
    st.stop()

st.subheader(tr("approval.queue"))
links = {link.id: link for link in rows}
for link in links.values():
    st.markdown(f"{labels.approval(link.approval_status, link.tier)} **{md_short(link.entrustee_name)}** ({labels.tier(link.tier)}) — {md(link.work)} · "
                f"{md(link.business_name)}  \n{labels.path(link.path, organisation)}")
pager(total, "approvals_page")

st.subheader(tr("approval.decide"))
if not ctx.can(Action.DECIDE_REDELEGATION):
    st.info(tr("common.read_only"))
    st.stop()

chosen = st.selectbox(tr("engagement.title"), list(links), key="approval_pick",
                      format_func={i: f"{x.entrustee_name} — {x.work} ({labels.tier(x.tier)})"
                                   for i, x in links.items()}.__getitem__)
link = links[chosen]
my_number = link.only_we_may_approve
form, evidence = st.columns([3, 2], gap="large")
with evidence, st.container(border=True):  # what the decision rests on: its selection check and contract gaps
        st.markdown(f"**{tr('approval.evidence')}**")
        st.markdown(f"**{tr('nav.selection')}**")
        checks = selection.selection_checks_of(ctx, link.id)
        if checks:
            selection_summary.show(checks[0])
        else:
            st.warning(tr("selection.none"), icon=":material/warning:")
        st.page_link(screen("pages/oversight/selection.py"), label=tr("approval.open_selection"),
                     icon=":material/how_to_reg:", query_params={"engagement": link.id})
        st.markdown(f"**{tr('approval.clause_gaps')}**")
        missing = gaps.engagement_gaps(ctx, link.id)
        if missing:
            titles = {c.id: c.title(lang()) for c in catalogue()}
            st.markdown("\n".join(f"- {labels.level(g.level)} {md(titles[g.clause_id])} — {tr(f'gap.kind.{g.kind}')}"
                                   for g in missing))
        else:
            st.success(tr("approval.no_clause_gaps"))
        st.page_link(screen("pages/contracts/contracts.py"), label=tr("gap.open_contract"), icon=":material/description:",
                     query_params={"engagement": link.id})
with form:  # the decision, beside its evidence
    st.caption(tr("approval.my_number_rule") if my_number else tr("approval.appi_rule"))
    if link.subsidiary:
        st.caption(tr("approval.subsidiary_note"))
    st.markdown(f"**{tr('engagement.data_categories')}**: {labels.categories(link.data_categories)}")

    prefix = f"ad_{chosen}_"
    errors = ERRORS
    st.radio(tr("approval.decision"), ["approved", "rejected"], key=prefix + "decision", horizontal=True, index=None,
             format_func={"approved": tr("approval.approve"), "rejected": tr("approval.reject")}.__getitem__)
    field_errors(errors, "decision")
    approvers = {None: tr("approval.approver_us")}
    if not my_number:
        approvers[link.entruster_id] = tr_md("approval.approver_entruster", name=link.entruster_name)
    st.radio(tr("approval.approver"), list(approvers), key=prefix + "approver", format_func=approvers.__getitem__)
    field_errors(errors, "approver_party_id")
    st.date_input(tr("approval.decided_on"), value=ctx.today, max_value=ctx.today, key=prefix + "decided_on",
                  format="YYYY-MM-DD")
    field_errors(errors, "decided_on")
    st.text_area(tr("approval.conditions"), key=prefix + "conditions")
    st.text_area(tr("approval.note"), key=prefix + "note")


    def decide(chosen=chosen, version=link.approval_version, prefix=prefix):
        # the link and its version are the ones on screen when the button was drawn; the values are
        # read from the widgets now (a value typed and clicked in one go is not lost)
        s = st.session_state
        approvals.decide_redelegation(
            ctx, chosen, version, s.get(prefix + "decision"), s[prefix + "decided_on"],
            approver_party_id=s[prefix + "approver"], conditions=s[prefix + "conditions"], note=s[prefix + "note"],
        )


    st.button(tr("approval.decide"), type="primary", key=prefix + "submit",
              on_click=submit(errors, decide, tr("approval.recorded"), on_success=None))
