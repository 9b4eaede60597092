"""Requests to vendors (checksheets, reports, sub-processor declarations, deletion certificates,
incident notices): send them, one or many; follow them by state; review an answer beside last
time's and accept it (it then does what it means) or return it with comments."""

import streamlit as st

from tracker.domain.permissions import Action
from tracker.domain.requests import OPEN_TO_VENDOR, RequestState
from tracker.domain.selection import SelectionResult
from tracker.i18n import describe, join
from tracker import settings
from tracker.domain.local_times import shown
from tracker.services import businesses, catalogue, request_mail, requests, risk, setup, terminations
from tracker.services.requests import Acceptance, RequestDraft
from tracker.ui import company_request, figures, labels, question_form
from tracker.ui.forms import field_errors, form_errors_elsewhere, paged, pager, submit
from tracker.ui.links import query_record
from tracker.ui.navigation import screen
from tracker.ui.pickers import choose, link_picker
from tracker.ui.session import context, flash, lang, show_flash, tr
from tracker.ui.text import md, short

ctx = context()
st.title(tr("nav.requests"))
show_flash()
sender = ctx.can(Action.SEND_REQUESTS)
sets = {set_id: s.title(lang()) for set_id, s in catalogue.question_sets().items()}
business_names = {b["id"]: b["name"] for b in businesses.list_businesses(ctx)}
states = {s.value: tr(f"request.state.{s.value}") for s in RequestState}

counts = requests.state_counts(ctx)
columns = st.columns(4)
columns[0].metric(tr("request.awaiting_review"), counts.get("answered", 0))
columns[1].metric(tr("request.with_vendor"), sum(counts.get(s, 0) for s in OPEN_TO_VENDOR))
columns[2].metric(tr("request.overdue"), requests.overdue_count(ctx))
columns[3].metric(tr("request.state.draft"), counts.get("draft", 0))

issued_links = st.session_state.pop("_issued_links", None)
if issued_links:
    with st.container(border=True):
        st.markdown(tr("request.links_once"))
        st.code("\n".join(f"R{i.request_id}  {i.link}" for i in issued_links if i.link), language=None)


mail_notice = st.session_state.pop("_request_mail_notice", None)
if mail_notice:
    (st.success if mail_notice[0] else st.warning)(mail_notice[1])


def remember(issued) -> None:
    """Show the new links once; e-mail them too when the user asked for it."""
    issued = issued if isinstance(issued, list) else [issued]
    st.session_state["_issued_links"] = issued
    if st.session_state.get("rq_mail"):
        try:  # the requests stand whatever happens; the links are on screen to pass on
            delivery = request_mail.send_invitations(ctx, issued, settings.load().smtp)
        except ValueError as error:
            delivery = request_mail.Delivery(failed=[str(error)])
        if delivery.failed:
            st.session_state["_request_mail_notice"] = (False, tr("request.mail_failed", error=md("; ".join(
                delivery.failed[:5]))))
        else:
            st.session_state["_request_mail_notice"] = (True, tr("request.mailed", count=delivery.sent))


if sender:
    with st.expander(tr("request.new"), icon=":material/forward_to_inbox:"):
        if requests.links_point_here():  # a vendor could not open them
            st.warning(tr("request.public_url_unset", url=md(settings.load().requests.public_url)),
                       icon=":material/link_off:")
        st.checkbox(tr("request.mail"), key="rq_mail")
        one, company, many, ended = st.tabs([tr("request.new_one"), tr("request.new_company"), tr("request.new_many"),
                                             tr("request.new_termination")])
        with one:
            link_id = link_picker(ctx, tr("request.link"), "rq_new_link")
            field_errors("rq_new_errors", "engagement_id")
            left, right = st.columns(2)
            left.selectbox(tr("request.set"), list(sets), index=None, format_func=sets.__getitem__,
                           placeholder=tr("common.choose"), key="rq_new_set")
            field_errors("rq_new_errors", "set_id")
            if link_id is not None and st.session_state.get("rq_new_set"):
                for already in requests.open_of(ctx, link_id, st.session_state["rq_new_set"]):
                    st.warning(tr("request.already_open", number=f"R{already['id']}",
                                  state=states[already["state"]], due=already["due_on"]), icon=":material/content_copy:")
            right.date_input(tr("request.due_on"), value=None, min_value=ctx.today, format="YYYY-MM-DD",
                             key="rq_new_due")
            with right:
                field_errors("rq_new_errors", "due_on")
            left.text_input(tr("request.contact_name"), key="rq_new_contact", help=tr("request.contact_help"))
            right.text_input(tr("request.contact_email"), key="rq_new_email")
            field_errors("rq_new_errors", "contact_email")
            field_errors("rq_new_errors", None)

            def create_one(send: bool):
                s = st.session_state
                return requests.create_request(ctx, RequestDraft(
                    s["rq_new_link"] or 0, s["rq_new_set"] or "", s["rq_new_due"], s["rq_new_contact"],
                    s["rq_new_email"]), send=send)

            left, right = st.columns(2)
            left.button(tr("request.send"), type="primary", key="rq_new_send", disabled=link_id is None,
                        on_click=submit("rq_new_errors", lambda: create_one(True), tr("request.sent"),
                                        on_success=remember))
            right.button(tr("request.save_draft"), key="rq_new_draft", disabled=link_id is None,
                         on_click=submit("rq_new_errors", lambda: create_one(False), tr("request.drafted")))
        with company:
            company_request.render(ctx, sets, remember)
        with many:
            business_id = choose(tr("request.business"), "rq_bulk_business", dict(business_names))  # options are plain text
            tiers = {1: tr("request.tier1_only"), 0: tr("request.every_tier")}
            st.radio(tr("request.which_links"), list(tiers), format_func=tiers.__getitem__, horizontal=True,
                     key="rq_bulk_tiers")
            left, right = st.columns(2)
            left.selectbox(tr("request.set"), list(sets), index=None, format_func=sets.__getitem__,
                           placeholder=tr("common.choose"), key="rq_bulk_set")
            right.date_input(tr("request.due_on"), value=None, min_value=ctx.today, format="YYYY-MM-DD",
                             key="rq_bulk_due")
            for name in ("set_id", "due_on", "engagement_ids", None):
                field_errors("rq_bulk_errors", name)
            form_errors_elsewhere("rq_bulk_errors", {"set_id", "due_on", "engagement_ids"})

            def create_bulk():
                s = st.session_state
                ids = requests.active_links(ctx, s["rq_bulk_business"], tier=s["rq_bulk_tiers"] or None)
                return requests.create_many(ctx, ids, s["rq_bulk_set"] or "", s["rq_bulk_due"])

            st.button(tr("request.send_many"), type="primary", key="rq_bulk_send", disabled=business_id is None,
                      on_click=submit("rq_bulk_errors", create_bulk, tr("request.sent"), on_success=remember))
        with ended:
            open_terminations, _ = terminations.terminations(ctx, limit=100)
            names = {t["id"]: f"{short(t['entrustee_name'])} · {short(t['business_name'])} ({t['ended_on']})"
                     for t in open_terminations}
            termination_id = choose(tr("request.termination"), "rq_term", names)
            st.date_input(tr("request.due_on"), value=None, min_value=ctx.today, format="YYYY-MM-DD", key="rq_term_due")
            field_errors("rq_term_errors", "due_on")
            field_errors("rq_term_errors", None)
            st.button(tr("request.send_certificates"), type="primary", key="rq_term_send",
                      disabled=termination_id is None,
                      on_click=submit("rq_term_errors", lambda: requests.request_certificates(
                          ctx, st.session_state["rq_term"], st.session_state["rq_term_due"]),
                          tr("request.sent"), on_success=remember))

figures.preset("rq_f_state", "state", lambda value: [value] if value in states else [])
figures.preset("rq_f_overdue", "status", lambda value: value == "overdue")
left, middle, right = st.columns(3)
chosen_states = left.multiselect(tr("request.filter_state"), list(states), format_func=states.__getitem__,
                                 placeholder=tr("common.all"), key="rq_f_state")
chosen_set = middle.selectbox(tr("request.set"), list(sets), index=None, format_func=sets.__getitem__,
                              placeholder=tr("common.all"), key="rq_f_set")
chosen_business = right.selectbox(tr("request.business"), list(business_names), index=None,
                                  format_func=lambda i: md(business_names[i]), placeholder=tr("common.all"),
                                  key="rq_f_business")
overdue_only = st.toggle(tr("request.overdue_only"), key="rq_f_overdue")
rows, total = paged(lambda limit, offset: requests.requests_page(
    ctx, states=chosen_states or None, set_id=chosen_set, business_id=chosen_business,
    overdue_on=ctx.today if overdue_only else None, limit=limit, offset=offset), "rq_page", page_size=50)
if not rows:
    st.info(tr("request.none"))
    st.stop()
st.dataframe([{
    tr("request.number"): f"R{r['id']}", tr("request.state_label"): states[r["state"]], tr("request.set"): sets[r["set_id"]],
    tr("request.entrustee"): r["entrustee_name"],
    tr("request.business"): r["business_name"] + (f" {tr('request.and_more', count=r['also_for'])}" if r["also_for"] else ""),
    tr("request.tier"): r["tier"], tr("request.due_on"): r["due_on"],
    tr("request.answered_at"): (r["answered_at"] or "")[:10]} for r in rows], hide_index=True, width="stretch")
pager(total, "rq_page")

current = query_record("request", lambda i: requests.request_view(ctx, i).row)
names = {r["id"]: f"R{r['id']} · {states[r['state']]} · {short(r['entrustee_name'])} · {sets[r['set_id']]}"
         for r in rows}
if current and current["id"] not in names:
    names = {current["id"]: f"R{current['id']}"} | names
request_id = choose(tr("request.open"), "rq_open", names, current["id"] if current else None)
if request_id is None:
    st.stop()
st.query_params["request"] = str(request_id)
view = requests.request_view(ctx, request_id)
row = view.row
st.subheader(f"R{row['id']} · {md(view.question_set.title(lang()))}")
st.markdown(tr("request.summary", state=states[row["state"]], due=row["due_on"],
               contact=md(row["contact_name"] or "—"), email=md(row["contact_email"] or "—"),
               expires=row["link_expires_on"] or "—", tier=labels.tier(view.link["tier"]),
               work=md(view.link["work"])))
link_risk = risk.link_risk(ctx, row["engagement_id"])
st.caption(tr("risk.line", tier=labels.risk_tier(link_risk.tier), reasons=join(
    (tr(f"risk.reason.{r}") for r in link_risk.derived.reasons), lang()) or tr("risk.reason.none")))
if row["forwarded_from_id"]:
    st.caption(tr("request.forwarded_from", number=row["forwarded_from_id"]))
if view.also_for:
    st.caption(tr("request.also_for", links=labels.link_items([x.id for x in view.also_for], view.links,
                                                              setup.organisation_name(ctx, lang()))))
if row["starts_from_id"]:
    st.caption(tr("request.starts_from", number=row["starts_from_id"]))
if row["comment"]:
    st.caption(tr("request.comment_was", comment=md(row["comment"])))
if row["answered_at"]:
    st.markdown(tr("request.answered_line", by=md(row["answered_by"] or "—"),
                   at=shown(row["answered_at"], settings.load().timezone)))

if sender and row["state"] in (*OPEN_TO_VENDOR, RequestState.DRAFT, RequestState.EXPIRED):
    left, middle, right = st.columns(3)
    left.button(tr("request.send_again") if row["state"] != RequestState.DRAFT else tr("request.send"),
                key=f"rq_resend_{request_id}", help=tr("request.send_again_help"),
                on_click=submit("rq_act_errors", lambda: requests.send_request(ctx, request_id, row["version"]),
                                tr("request.sent"), on_success=remember))
    middle.button(tr("request.withdraw"), key=f"rq_withdraw_{request_id}",
                  on_click=submit("rq_act_errors", lambda: requests.withdraw(ctx, request_id, row["version"]),
                                  tr("request.withdrawn")))
    right.download_button(tr("request.workbook"), lambda: requests.workbook_of(ctx, request_id)[1], on_click="ignore",
                          file_name=requests.workbook_name(view.question_set, view.link["entrustee_name"], request_id),
                          icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with st.expander(tr("request.workbook_answer"), icon=":material/upload_file:"):
        upload = st.file_uploader(tr("request.workbook_file"), type=["xlsx"], key=f"rq_wb_{request_id}")
        if upload is not None and st.button(tr("request.workbook_record"), key=f"rq_wb_go_{request_id}"):
            try:
                requests.answer_from_workbook(ctx, request_id, upload.getvalue())
            except requests.WorkbookRefused as refused:
                for issue in refused.issues:
                    st.error(f"{md(labels.cell_place(issue))}: {describe(issue.problem, lang(), quote=md)}")
            else:
                flash(tr("request.recorded"))
                st.rerun()
    field_errors("rq_act_errors", None)
    form_errors_elsewhere("rq_act_errors", set())

organisation = setup.organisation_name(ctx, lang())
if view.contradictions or view.changed:  # before the decision, not after it
    with st.container(border=True):
        st.markdown(f"**:orange[:material/warning:] {md(tr('request.contradictions'))}**")
        for found in view.contradictions:
            question = view.question_set.question(found.question_id).text(lang()) if found.question_id else ""
            st.markdown("- " + tr(f"request.contradiction.{found.kind}", question=md(question), day=found.day or "",
                                  links=labels.link_items(found.links, view.links, organisation)))
        if view.changed:
            st.markdown("- " + tr("request.changed_list", questions=join(
                (md(view.question_set.question(q).text(lang())) for q in view.changed), lang())))
        chains_named = {view.links[i].business_id: view.links[i] for c in view.contradictions for i in c.links
                        if i in view.links}
        for link in chains_named.values():
            st.page_link(screen("pages/oversight/chain.py"), label=tr("request.open_chain", ref=md(link.ref)),
                         query_params={"business": link.business_id}, icon=":material/account_tree:")
if view.findings:
    st.markdown(f"**{md(tr('request.findings'))}**")
    for finding in view.findings:
        st.markdown(f"- {labels.level(finding.level)} {md(view.question_set.question(finding.question_id).text(lang()))}")
if view.answers:
    question_form.show_answers(view.question_set, view.answers, view.attachment_names,
                               view.previous if view.previous else None, view.changed,
                               open_file=lambda i: requests.attachment_file(ctx, i))
if view.forwarded:
    st.markdown(f"**{md(tr('request.forwarded'))}**")
    for child in view.forwarded:
        st.markdown(f"- R{child['id']} {md(child['entrustee_name'])}: {states[child['state']]}")
if view.effect:
    st.info(labels.request_effect(view.effect, view.links, organisation), icon=":material/task_alt:")
    if view.effect.get("proposed_engagement_ids"):
        st.page_link(screen("pages/oversight/approvals.py"), label=tr("nav.approvals"), icon=":material/task_alt:")
    if view.effect.get("incident_id"):
        st.page_link(screen("pages/oversight/incidents.py"), label=tr("nav.incidents"), icon=":material/report:",
                     query_params={"incident": view.effect["incident_id"]})

if sender and row["state"] == RequestState.ANSWERED:
    st.subheader(tr("request.decide"))
    prefix = f"rq_dec_{request_id}_{row['version']}_"
    errors = prefix + "errors"
    if row["set_id"] == "selection":
        outcomes = {r.value: tr(f"selection.result.{r.value}") for r in SelectionResult}
        st.radio(tr("selection.result"), list(outcomes), index=None, horizontal=True,
                 format_func=outcomes.__getitem__, key=prefix + "result")
        field_errors(errors, "result")
        st.text_input(tr("selection.decided_by"), value=ctx.actor.display_name, key=prefix + "by")
        field_errors(errors, "decided_by")
        st.text_area(tr("selection.conditions"), key=prefix + "conditions")
        field_errors(errors, "conditions")
        if view.link["status"] == "proposed":
            st.checkbox(tr("selection.activate"), key=prefix + "activate")
    if view.findings and row["set_id"] == "annual_report":
        left, right = st.columns(2)
        left.text_input(tr("request.action_owner"), key=prefix + "owner")
        right.date_input(tr("request.action_due"), value=None, min_value=ctx.today, format="YYYY-MM-DD",
                         key=prefix + "due", help=tr("request.action_due_help"))
    st.text_area(tr("request.comment"), key=prefix + "comment", help=tr("request.comment_help"))
    field_errors(errors, "comment")
    field_errors(errors, None)
    form_errors_elsewhere(errors, {"result", "decided_by", "conditions", "comment"})

    def decision() -> Acceptance:
        s = st.session_state
        return Acceptance(result=s.get(prefix + "result"), decided_by=s.get(prefix + "by", ""),
                          conditions=s.get(prefix + "conditions", ""), activate=s.get(prefix + "activate", False),
                          action_owner=s.get(prefix + "owner") or "", action_due_on=s.get(prefix + "due"),
                          comment=s.get(prefix + "comment", ""))

    left, right = st.columns(2)
    left.button(tr("request.accept"), type="primary", key=prefix + "accept",
                on_click=submit(errors, lambda: requests.accept(ctx, request_id, row["version"], decision()),
                                tr("request.accepted")))
    right.button(tr("request.return"), key=prefix + "return",
                 on_click=submit(errors, lambda: requests.return_to_vendor(
                     ctx, request_id, row["version"], st.session_state.get(prefix + "comment", "")),
                     tr("request.returned")))
