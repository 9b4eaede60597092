"""The contract-document form: title, kind, dates, renewal."""

from __future__ import annotations

import streamlit as st

from ..domain.permissions import Action
from ..domain.schedule import MAX_INTERVAL_MONTHS
from ..services import contracts
from ..services.context import Context
from ..services.contracts import ContractInput, ContractKind
from .forms import field_errors, form_prefix, save_button
from .session import NextStep, tr


def render(ctx: Context, engagement_id: int, row: dict | None = None) -> None:
    prefix = form_prefix("cf", row)
    errors = prefix + "errors"
    start = contracts.to_input(row) if row else ContractInput("", ContractKind.MASTER.value)
    st.text_input(tr("contract.name"), value=start.title, key=prefix + "title")
    field_errors(errors, "title")
    kinds = {k.value: tr(f"contract.kind.{k.value}") for k in ContractKind}
    st.selectbox(tr("contract.kind"), list(kinds), index=list(kinds).index(start.kind), key=prefix + "kind",
                 format_func=kinds.__getitem__)
    left, right = st.columns(2)
    left.date_input(tr("contract.signed_on"), value=start.signed_on, key=prefix + "signed", format="YYYY-MM-DD")
    with right:
        st.date_input(tr("contract.valid_until"), value=start.valid_until, key=prefix + "until", format="YYYY-MM-DD")
        field_errors(errors, "valid_until")
    st.checkbox(tr("contract.auto_renewal"), value=start.auto_renewal, key=prefix + "auto")
    st.number_input(tr("contract.report_interval_months"), min_value=1, max_value=MAX_INTERVAL_MONTHS, step=1,
                    value=start.report_interval_months, key=prefix + "report", placeholder=tr("contract.no_reports"))
    field_errors(errors, "report_interval_months")
    st.text_input(tr("contract.note"), value=start.note, key=prefix + "note")
    field_errors(errors, None)

    def data() -> ContractInput:
        s = st.session_state
        return ContractInput(s[prefix + "title"], s[prefix + "kind"], s[prefix + "signed"], s[prefix + "until"],
                             s[prefix + "auto"], s[prefix + "note"], s[prefix + "report"])

    save_button("cf", row, create=lambda: contracts.create_contract(ctx, engagement_id, data()),
                update=lambda version: contracts.update_contract(ctx, row["id"], version, data()),
                allowed=ctx.can(Action.EDIT_REGISTRY), next_steps=lambda _contract_id: [
                    NextStep("pages/contracts/gaps.py", tr("next.gaps"), ":material/rule:"),
                    NextStep("pages/contracts/addenda.py", tr("addendum.make"), ":material/post_add:",
                             {"engagement": engagement_id})])
