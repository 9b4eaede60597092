"""Reviews of one link: record an inspection (or a report, foreign check, re-evaluation), see the
history, and follow the corrective actions to closure."""


import streamlit as st

from tracker.domain.permissions import Action
from tracker.domain.schedule import COMPLETABLE, Method, ReviewKind, Via
from tracker.domain.selection import AreaResult
from tracker.i18n import join
from tracker.services import reviews, schedule
from tracker.services.reviews import ReviewInput
from tracker.ui import area_checklist, labels
from tracker.ui.forms import field_errors, form_errors_elsewhere, reset_new_form, form_prefix, submit
from tracker.ui.link_header import choose_link
from tracker.ui.session import context, lang, show_flash, tr
from tracker.ui.text import md

ctx = context()
st.title(tr("nav.reviews"))
show_flash()

link = choose_link(ctx, "reviews_link")
engagement_id = link.id

due, _ = schedule.due_page(ctx, limit=None, engagement_id=engagement_id)
for row in due:
    st.markdown(f"{labels.due_status(row['status'])} **{row['due_on']}** · {labels.review_kind(row['kind'])}")
if not due:
    st.caption(tr("review.nothing_scheduled"))

may_record = ctx.can(Action.RECORD_REVIEWS)
st.subheader(tr("review.record"))
if not may_record:
    st.info(tr("common.read_only"))
else:
    prefix = form_prefix(f"rv{engagement_id}", None)
    errors = prefix + "errors"
    kinds = {k.value: labels.review_kind(k.value) for k in COMPLETABLE}
    asked = st.query_params.get("kind")
    kind = st.selectbox(tr("schedule.kind"), list(kinds), key=prefix + "kind", format_func=kinds.__getitem__,
                        index=list(kinds).index(asked) if asked in kinds else 0)
    left, right = st.columns(2)
    with left:
        st.date_input(tr("review.completed_on"), value=ctx.today, max_value=ctx.today, key=prefix + "on",
                      format="YYYY-MM-DD")
        field_errors(errors, "completed_on")
    with right:
        st.text_input(tr("review.inspector"), value=ctx.actor.display_name, key=prefix + "inspector")
        field_errors(errors, "inspector")
    if link.tier > 1:
        vias = {v.value: tr(f"review.via.{v.value}") for v in Via}
        st.radio(tr("review.performed_via"), list(vias), key=prefix + "via", horizontal=True,
                 format_func=vias.__getitem__)
        field_errors(errors, "performed_via")
    if kind == ReviewKind.INSPECTION:
        methods = {m.value: tr(f"review.method.{m.value}") for m in Method}
        method = st.radio(tr("review.method"), list(methods), key=prefix + "method", horizontal=True,
                          format_func=methods.__getitem__)
        field_errors(errors, "method")
        if method == Method.REMOTE:
            st.text_input(tr("review.remote_reason"), key=prefix + "remote_reason")
            field_errors(errors, "remote_reason")
        st.markdown(f"**{tr('review.checklist')}**")
        area_checklist.render(prefix)
        field_errors(errors, "checklist")
    st.text_area(tr("review.findings"), key=prefix + "findings")
    st.text_area(tr("review.note"), key=prefix + "note")
    form_errors_elsewhere(errors, {"completed_on", "inspector", "performed_via", "method", "remote_reason",
                                   "checklist"})
    field_errors(errors, None)

    def record() -> int:
        s = st.session_state
        kind = s[prefix + "kind"]  # as chosen now, not as when the button was drawn
        return reviews.complete_review(ctx, engagement_id, ReviewInput(
            kind=kind, completed_on=s[prefix + "on"], inspector=s[prefix + "inspector"],
            method=s.get(prefix + "method"), remote_reason=s.get(prefix + "remote_reason", ""),
            performed_via=s.get(prefix + "via", Via.US.value),
            checklist=area_checklist.values(prefix) if kind == ReviewKind.INSPECTION else {},
            findings=s[prefix + "findings"], note=s[prefix + "note"]))

    st.button(tr("review.save"), type="primary", key=prefix + "submit",
              on_click=submit(errors, record, tr("review.recorded"), on_success=reset_new_form(f"rv{engagement_id}")))

st.subheader(tr("review.history"))
history = reviews.reviews_of(ctx, engagement_id)
if not history:
    st.info(tr("review.none"))
for review in history:
    with st.container(border=True):
        method = f" · {tr('review.method.' + review['method'])}" if review["method"] else ""
        via = f" · {tr('review.via.' + review['performed_via'])}" if link.tier > 1 else ""
        st.markdown(f"**{review['completed_on']}** · {labels.review_kind(review['kind'])}{method}{via} · "
                    f"{md(review['inspector'])}")
        if review["remote_reason"]:
            st.caption(f"{tr('review.remote_reason')}: {md(review['remote_reason'])}")
        issues = [area for area, result in review["checklist"].items() if result == AreaResult.ISSUE]
        if issues:  # which of the guideline's areas the inspection found wanting
            st.markdown(f":orange-badge[{tr('selection.result_area.issue')}] " +
                        join((tr(f"selection.area.{a}") for a in issues), lang()))
        if review["findings"]:
            st.markdown(f"{tr('review.findings')}: {md(review['findings'])}")
        for action in review["actions"]:
            state = (f":green-badge[{tr('review.action_closed', day=action['closed_on'])}]" if action["closed_on"]
                     else labels.due_status(action["status"]))
            owner = f" · {md(action['owner'])}" if action["owner"] else ""
            text, button = st.columns([5, 1])
            text.markdown(f"{state} {md(action['description'])} · {tr('review.action_due', day=action['due_on'])}"
                          f"{owner}")
            if may_record and not action["closed_on"]:
                key = f"close_action_{action['id']}"
                button.button(tr("review.action_close"), key=key, on_click=submit(
                    key + "_errors", lambda a=action: reviews.close_corrective_action(ctx, a["id"], a["version"],
                                                                                       ctx.today),
                    tr("common.saved")))
                field_errors(key + "_errors", None)
        if may_record:
            with st.expander(tr("review.action_add")):
                action_prefix = form_prefix(f"ca{review['id']}", None)
                action_errors = action_prefix + "errors"
                st.text_input(tr("review.action_description"), key=action_prefix + "description")
                field_errors(action_errors, "description")
                left, right = st.columns(2)
                left.text_input(tr("review.action_owner"), key=action_prefix + "owner")
                with right:
                    st.date_input(tr("review.action_due_on"), value=None, key=action_prefix + "due",
                                  format="YYYY-MM-DD")
                    field_errors(action_errors, "due_on")
                st.button(tr("review.action_add"), key=action_prefix + "submit", on_click=submit(
                    action_errors, lambda p=action_prefix, r=review: reviews.add_corrective_action(
                        ctx, r["id"], st.session_state[p + "description"], st.session_state[p + "owner"],
                        st.session_state[p + "due"]),
                    tr("common.created"), on_success=reset_new_form(f"ca{review['id']}")))
