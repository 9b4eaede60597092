"""The vendor's page: one request, opened by its one-time link, without an account. Shows what is
asked and about which of our data; saves drafts, takes files, submits (or takes the filled-in
workbook), and lets the vendor pass a copy to its own sub-processors. Nothing else of the app."""

import streamlit as st

from tracker import config, settings
from tracker.domain.local_times import shown
from tracker.domain.problems import Problem, RuleViolation
from tracker.i18n import describe
from tracker.services import request_answers
from tracker.services.context import Busy
from tracker.services.request_answers import LinkRefused
from tracker.services.requests import WorkbookRefused, workbook_name
from tracker.domain.problems import StaleRecord
from tracker.ui import labels, question_form, request_client
from tracker.ui.forms import field_errors
from tracker.ui.session import flash, lang, show_flash, tr
from tracker.ui.text import md



def refused() -> None:
    st.title(tr("vendor.refused_title"))
    st.info(tr("vendor.refused"))
    st.stop()


try:  # the link resolved once for this run; every action below checks the request again as it writes
    link = request_answers.open_link(config.db_path(), st.query_params.get("answer", ""), request_client.of_browser(),
                                     config.today())
except LinkRefused:
    refused()
request = link.view()

question_set = request.question_set
st.title(md(question_set.title(lang())))
show_flash("_vendor_flash")
# answers come to us, whoever passed the request on; in English under our English name where we hold it
entruster = (request.organisation_en if lang() == "en" else "") or request.organisation or tr("vendor.us")
st.markdown(tr("vendor.about", entruster=md(entruster), entrustee=md(request.entrustee_name),
               business=md(request.business_name), work=md(request.work),
               categories=labels.categories(request.data_categories), due=request.due_on.isoformat(),
               number=request.id))



def show_forwarded() -> None:
    """What the vendor forwarded, and each one's state (on the form and on the receipt)."""
    if request.forwarded:
        st.markdown(f"**{md(tr('vendor.forwarded_list'))}**")
        for item in request.forwarded:
            st.markdown(f"- {md(item['name'])}: {md(tr('request.state.' + item['state']))}")


if not request.editable:
    st.success(tr("vendor.receipt", at=shown(request.answered_at, settings.load().timezone)), icon=":material/check:")
    question_form.show_answers(question_set, request.answers, request.attachment_names)
    show_forwarded()
    st.stop()

if request.comment:
    st.warning(tr("vendor.returned", comment=md(request.comment)), icon=":material/undo:")
if request.started_from_last:
    st.info(tr("vendor.started_from_last"), icon=":material/history:")
if request.also_for:
    st.caption(tr("vendor.also_for", count=request.also_for))
st.markdown(md(question_set.intro(lang(), my_number="my_number" in request.data_categories)))
st.caption(tr("vendor.required_mark"))
prefix = f"vr{request.id}_v{request.version}_"
errors = f"vr{request.id}_errors"
collect = question_form.render(question_set, request.answers, prefix, errors, request.attachment_names)
st.divider()
st.text_input(tr("vendor.answered_by"), key=prefix + "answered_by")
field_errors(errors, "answered_by")
field_errors(errors, None)


def run(action, success: str) -> None:
    """Run a vendor action with the form's current values; keep the problems by field, or reload."""
    try:
        action()
    except RuleViolation as violation:
        st.session_state[errors] = violation.problems
    except StaleRecord:
        st.session_state[errors] = [Problem(None, "error.request.changed")]
    except Busy:  # nothing was saved; the form keeps what was typed
        st.session_state[errors] = [Problem(None, "error.busy_now")]
    else:
        st.session_state.pop(errors, None)
        flash(success, where="_vendor_flash")
    st.rerun()


left, right = st.columns(2)
if left.button(tr("vendor.save_draft"), icon=":material/save:", key=prefix + "draft"):
    run(lambda: link.save_draft(request.version, collect(), question_form.uploads(question_set, prefix)),
        tr("vendor.draft_saved"))
if right.button(tr("vendor.submit"), type="primary", icon=":material/send:", key=prefix + "submit"):
    run(lambda: link.submit(request.version, collect(), st.session_state.get(prefix + "answered_by") or "",
                            question_form.uploads(question_set, prefix)), tr("vendor.submitted"))

with st.expander(tr("vendor.excel"), icon=":material/table_view:"):
    st.caption(tr("vendor.excel_help"))
    st.download_button(tr("vendor.excel_download"), lambda: link.workbook()[1],
                       file_name=workbook_name(question_set, request.entrustee_name, request.id), on_click="ignore",
                       icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upload = st.file_uploader(tr("vendor.excel_upload"), type=["xlsx"], key=prefix + "workbook")
    if upload is not None and st.button(tr("vendor.excel_submit"), key=prefix + "workbook_submit"):
        try:
            link.submit_workbook(request.version, upload.getvalue())
        except WorkbookRefused as refused_book:
            for issue in refused_book.issues:
                st.error(f"{md(labels.cell_place(issue))}: {describe(issue.problem, lang(), quote=md)}")
        except RuleViolation as violation:
            for problem in violation.problems:
                st.error(describe(problem, lang(), quote=md))
        except Busy:
            st.warning(tr("common.busy_page"))
        else:
            flash(tr("vendor.submitted"), where="_vendor_flash")
            st.rerun()

if request.sublinks:
    with st.expander(tr("vendor.forward"), icon=":material/forward_to_inbox:"):
        st.caption(tr("vendor.forward_help"))
        forward_errors = f"{prefix}fwd_errors"
        names = {s["id"]: s["name"] for s in request.sublinks}
        chosen = st.selectbox(tr("vendor.forward_to") + " ＊", list(names), index=None,
                              format_func=lambda i: names[i], placeholder=tr("common.choose"), key=prefix + "fwd_to")
        field_errors(forward_errors, "engagement_id")
        contact = next((s for s in request.sublinks if s["id"] == chosen), None)
        st.text_input(tr("vendor.forward_contact") + " ＊", value=(contact or {}).get("contact_person") or "",
                      key=f"{prefix}fwd_name_{chosen}")
        field_errors(forward_errors, "contact_name")
        st.text_input(tr("vendor.forward_email"), value=(contact or {}).get("email") or "",
                      key=f"{prefix}fwd_mail_{chosen}")
        field_errors(forward_errors, "contact_email")
        field_errors(forward_errors, None)
        if st.button(tr("vendor.forward_send"), key=prefix + "fwd_send"):
            try:
                issued = link.forward(chosen or 0, st.session_state.get(f"{prefix}fwd_name_{chosen}") or "",
                                      st.session_state.get(f"{prefix}fwd_mail_{chosen}") or "")
            except RuleViolation as violation:
                st.session_state[forward_errors] = violation.problems
                st.rerun()
            except Busy:
                st.warning(tr("common.busy_page"))
            else:
                st.session_state.pop(forward_errors, None)
                st.success(tr("vendor.forwarded"))
                st.code(issued.link, language=None)
show_forwarded()
