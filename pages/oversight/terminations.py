"""Terminations: end an engagement (and everything below it), then collect the deletion
certificate every party of that sub-tree owes; close when all are in."""

import streamlit as st

from tracker.domain.permissions import Action
from tracker.domain.terminations import DeletionMethod
from tracker.services import terminations
from tracker.services.terminations import CertificateInput
from tracker.ui import attachment_view, labels
from tracker.ui.forms import field_errors, form_errors_elsewhere, paged, pager, submit
from tracker.ui.pickers import link_picker
from tracker.ui.session import context, show_flash, tr, tr_md
from tracker.ui.text import md, md_short

ctx = context()
st.title(tr("nav.terminations"))
show_flash()
editor = ctx.can(Action.EDIT_REGISTRY)

if editor:
    with st.expander(tr("termination.new"), icon=":material/cancel:"):
        link_id = link_picker(ctx, tr("termination.which"), "termination_link")
        st.caption(tr("termination.subtree_note"))
        left, right = st.columns([1, 2])
        left.date_input(tr("termination.ended_on"), value=ctx.today, max_value=ctx.today, format="YYYY-MM-DD",
                        key="termination_on")
        right.text_input(tr("termination.reason"), key="termination_reason")
        field_errors("termination_errors", "ended_on")
        field_errors("termination_errors", "engagement_id")
        field_errors("termination_errors", None)
        st.button(tr("termination.end"), type="primary", key="termination_submit", disabled=link_id is None,
                  on_click=submit("termination_errors",
                                  lambda: terminations.end_engagement(
                                      ctx, st.session_state["termination_link"], st.session_state["termination_on"],
                                      st.session_state["termination_reason"]),
                                  tr("termination.ended")))

st.metric(tr("termination.owed"), terminations.owed_count(ctx))
rows, total = paged(lambda limit, offset: terminations.terminations(ctx, limit=limit, offset=offset),
                    "terminations_page", page_size=20)
if not rows:
    st.success(tr("termination.none_open"))
methods = {m.value: tr(f"termination.method.{m.value}") for m in DeletionMethod}


def certificate_form(certificate: dict) -> None:
    prefix = f"certificate_{certificate['id']}_"
    errors = prefix + "errors"
    left, right = st.columns(2)
    with left:
        st.text_input(tr("termination.items"), key=prefix + "items")
        field_errors(errors, "items")
        st.text_input(tr("termination.media"), key=prefix + "media")
        st.text_input(tr("termination.quantity"), key=prefix + "quantity")
        st.selectbox(tr("termination.method"), list(methods), format_func=methods.__getitem__, key=prefix + "method")
    with right:
        st.text_input(tr("termination.responsible"), key=prefix + "responsible")
        field_errors(errors, "responsible_person")
        st.date_input(tr("termination.done_on"), value=ctx.today, max_value=ctx.today, format="YYYY-MM-DD",
                      key=prefix + "done")
        field_errors(errors, "done_on")
        st.text_input(tr("termination.witness"), key=prefix + "witness")
    left, right = st.columns(2)
    left.file_uploader(tr("termination.certificate_file"), type=["pdf", "png", "jpg", "jpeg"], key=prefix + "file")
    right.file_uploader(tr("termination.photo"), type=["png", "jpg", "jpeg", "pdf"], key=prefix + "photo")
    form_errors_elsewhere(errors, {"items", "responsible_person", "done_on"})
    field_errors(errors, "file")
    field_errors(errors, None)

    def record() -> None:
        s = st.session_state
        upload, photo = s[prefix + "file"], s[prefix + "photo"]
        terminations.record_certificate(ctx, certificate["id"], certificate["version"], CertificateInput(
            items=s[prefix + "items"], method=s[prefix + "method"], responsible_person=s[prefix + "responsible"],
            done_on=s[prefix + "done"], media=s[prefix + "media"], quantity=s[prefix + "quantity"],
            witness=s[prefix + "witness"], certificate=(upload.name, upload.getvalue()) if upload else None,
            photo=(photo.name, photo.getvalue()) if photo else None))

    st.button(tr("termination.record_certificate"), type="primary", key=prefix + "submit",
              on_click=submit(errors, record, tr("termination.certificate_recorded"), original=certificate))


for termination in rows:
    owed = [c for c in termination["certificates"] if not c["received_on"]]
    with st.container(border=True, key=f"open_termination_{termination['id']}"):
        st.markdown(f"**{md_short(termination['entrustee_name'])}** — {md(termination['work'])} · "
                    f"{md(termination['business_name'])} · {labels.tier(termination['tier'])}  \n"
                    f"{tr('termination.ended_on')}: {termination['ended_on']}"
                    + (f" · {md(termination['reason'])}" if termination["reason"] else "")
                    + f"  \n{tr('termination.progress', received=len(termination['certificates']) - len(owed), total=len(termination['certificates']))}")
        for certificate in termination["certificates"]:
            if certificate["received_on"]:
                state = f":green-badge[:material/check_circle: {tr('termination.received', day=certificate['received_on'])}]"
                detail = (f" · {tr('termination.method.' + certificate['method'])} · {md(certificate['items'])} · "
                          f"{md(certificate['responsible_person'])} · {certificate['done_on']}")
            else:
                state, detail = f":orange-badge[:material/schedule: {tr('termination.owed_badge')}]", ""
            st.markdown(f"{state} {labels.tier(certificate['tier'])} **{md_short(certificate['party_name'])}** — "
                        f"{md(certificate['work'])}{detail}")
            if certificate["certificate_attachment_id"]:
                attachment_view.show(ctx, certificate["certificate_attachment_id"], key=f"cert_doc_{certificate['id']}")
            if editor and not certificate["received_on"]:
                with st.expander(tr_md("termination.record_for", name=certificate["party_name"])):
                    certificate_form(certificate)
        if not editor:
            continue
        errors = f"termination_close_{termination['id']}_errors"
        if owed:
            st.text_input(tr("termination.override_reason"), key=f"termination_override_{termination['id']}",
                          help=tr("termination.override_help"))
        field_errors(errors, "override_reason")
        field_errors(errors, None)
        st.button(tr("termination.close"), key=f"termination_close_{termination['id']}", on_click=submit(
            errors, lambda t=termination: terminations.close_termination(
                ctx, t["id"], t["version"], st.session_state.get(f"termination_override_{t['id']}", "")),
            tr("termination.closed")))
pager(total, "terminations_page", page_size=20)

overridden = terminations.closed_with_override(ctx)
if overridden:
    st.subheader(tr("termination.overridden_title"))
    for row in overridden:
        st.markdown(f":orange-badge[:material/warning: {tr('finding.closed_without_certificates')}] "
                    f"**{md_short(row['entrustee_name'])}** — {md(row['work'])} · {row['closed_on']} · "
                    f"{md(row['override_reason'])}")
