"""Selection check (適切な委託先の選定) of a link before it becomes active: the guideline's areas,
how they were confirmed, past incidents, and the decision."""

import streamlit as st

from tracker.domain.models import EngagementStatus
from tracker.domain.permissions import Action
from tracker.domain.selection import CheckMethod, SelectionResult
from tracker.domain.problems import Problem, RuleViolation
from tracker.services import certifications, engagements, risk, selection
from tracker.services.selection import SelectionInput
from tracker.ui import area_checklist, labels, request_list, selection_summary
from tracker.ui.forms import field_errors, form_errors_elsewhere, form_prefix, reset_new_form, submit
from tracker.ui.link_header import choose_link
from tracker.i18n import join
from tracker.ui.session import context, lang, show_flash, tr, tr_md
from tracker.ui.text import md

ctx = context()
st.title(tr("nav.selection"))
show_flash()

link = choose_link(ctx, "selection_link")
engagement_id = link.id
row = engagements.get_engagement(ctx, engagement_id)
if row["selection_override_reason"]:
    st.warning(tr_md("selection.overridden", reason=row["selection_override_reason"]), icon=":material/warning:")

risk_view = risk.link_risk(ctx, engagement_id)
reasons = join((tr(f"risk.reason.{r}") for r in risk_view.derived.reasons), lang()) or tr("risk.reason.none")
st.markdown(tr("risk.line", tier=labels.risk_tier(risk_view.tier), reasons=reasons))
if risk_view.override:
    st.caption(tr("risk.overridden", derived=tr(f"risk.tier.{risk_view.derived.tier}"), reason=md(risk_view.reason)))
if ctx.can(Action.DECIDE_REDELEGATION):
    with st.expander(tr("risk.change"), icon=":material/tune:"):
        tiers = {t: tr(f"risk.tier.{t}") for t in ("high", "medium", "low")} | {"rule": tr("risk.back_to_rule")}
        st.radio(tr("risk.tier_label"), list(tiers), index=None, horizontal=True, format_func=tiers.__getitem__,
                 key=f"risk_{engagement_id}_tier")
        field_errors(f"risk_{engagement_id}_errors", "risk_tier")
        st.text_input(tr("risk.reason_label"), key=f"risk_{engagement_id}_reason")
        field_errors(f"risk_{engagement_id}_errors", "risk_reason")
        field_errors(f"risk_{engagement_id}_errors", None)

        def override() -> None:
            chosen = st.session_state.get(f"risk_{engagement_id}_tier")
            if chosen is None:
                raise RuleViolation([Problem("risk_tier", "error.risk.choose")])
            risk.set_override(ctx, engagement_id, risk_view.version, None if chosen == "rule" else chosen,
                              st.session_state.get(f"risk_{engagement_id}_reason", ""))

        st.button(tr("risk.save"), key=f"risk_{engagement_id}_save",
                  on_click=submit(f"risk_{engagement_id}_errors", override, tr("risk.saved")))

held = certifications.certifications_of(ctx, link.entrustee_id)
if held:
    st.caption(tr("selection.certifications_held") + ": " + join((
        f"{tr('certification.scheme.' + c['scheme'])} {md(c['number'])}（〜{c['valid_until']}）" for c in held), lang()))

request_list.show(ctx, engagement_ids=[engagement_id])

st.subheader(tr("selection.history"))
checks = selection.selection_checks_of(ctx, engagement_id)
if not checks:
    st.info(tr("selection.none"))
for check in checks:
    selection_summary.show(check)

st.subheader(tr("selection.record"))
if not ctx.can(Action.EDIT_REGISTRY):
    st.info(tr("common.read_only"))
    st.stop()
prefix = form_prefix(f"sc{engagement_id}", None)
errors = prefix + "errors"
left, right = st.columns(2)
with left:
    st.date_input(tr("selection.checked_on"), value=ctx.today, max_value=ctx.today, key=prefix + "on",
                  format="YYYY-MM-DD")
    field_errors(errors, "checked_on")
with right:
    st.text_input(tr("selection.decided_by"), value=ctx.actor.display_name, key=prefix + "by")
    field_errors(errors, "decided_by")
st.markdown(f"**{tr('selection.areas')}**")
area_checklist.render(prefix)
field_errors(errors, "areas")
methods = {m.value: tr(f"selection.method.{m.value}") for m in CheckMethod}
st.multiselect(tr("selection.methods"), list(methods), placeholder=tr("common.choose"), key=prefix + "methods", format_func=methods.__getitem__)
field_errors(errors, "methods")
st.text_area(tr("selection.past_incidents"), key=prefix + "incidents")
outcomes = {r.value: tr(f"selection.result.{r.value}") for r in SelectionResult}
st.radio(tr("selection.result"), list(outcomes), key=prefix + "result", horizontal=True, index=None,
         format_func=outcomes.__getitem__)
field_errors(errors, "result")
st.text_area(tr("selection.conditions"), key=prefix + "conditions")
field_errors(errors, "conditions")
st.text_area(tr("selection.note"), key=prefix + "note")
if link.status == EngagementStatus.PROPOSED:
    st.checkbox(tr("selection.activate"), key=prefix + "activate")
    field_errors(errors, "activate")
form_errors_elsewhere(errors, {"checked_on", "decided_by", "areas", "methods", "result", "conditions", "activate"})
field_errors(errors, None)


def record() -> int:
    s = st.session_state
    return selection.record_selection_check(ctx, engagement_id, SelectionInput(
        checked_on=s[prefix + "on"], result=s.get(prefix + "result"), decided_by=s[prefix + "by"],
        areas=area_checklist.values(prefix), methods=s[prefix + "methods"],
        past_incidents=s[prefix + "incidents"], conditions=s[prefix + "conditions"], note=s[prefix + "note"]),
        activate=s.get(prefix + "activate", False))


st.button(tr("selection.save"), type="primary", key=prefix + "submit",
          on_click=submit(errors, record, tr("selection.recorded"), on_success=reset_new_form(f"sc{engagement_id}")))
