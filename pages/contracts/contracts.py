"""Contracts of an engagement: its documents and, for each, which required clauses it contains."""

import pandas as pd
import streamlit as st

from tracker.domain.permissions import Action
from tracker.services import contracts, gaps
from tracker.ui import attachment_view, contract_form, coverage_checklist, labels
from tracker.ui.forms import field_errors, submit
from tracker.ui.link_header import choose_link
from tracker.ui.session import context, show_flash, tr
from tracker.ui.navigation import screen

ctx = context()
st.title(tr("nav.contracts"))
show_flash()

engagement_id = choose_link(ctx, "contracts_link",
                            badge_of=lambda i: labels.gap_count(len(gaps.engagement_gaps(ctx, i)))).id

st.page_link(screen("pages/contracts/addenda.py"), label=tr("addendum.make"), icon=":material/post_add:",
             query_params={"engagement": engagement_id})
documents = contracts.contracts_of(ctx, engagement_id)
st.subheader(tr("contract.title"))
if documents:
    st.dataframe(pd.DataFrame([{
        tr("contract.name"): d["title"], tr("contract.kind"): tr(f"contract.kind.{d['kind']}"),
        tr("contract.signed_on"): d["signed_on"] or "", tr("contract.valid_until"): d["valid_until"] or "",
        tr("contract.auto_renewal"): tr("common.yes") if d["auto_renewal"] else tr("common.no"),
        tr("contract.in_force"): tr("contract.in_force") if contracts.is_in_force(ctx, d) else tr("contract.not_in_force"),
        tr("contract.entries"): d["entries"],
    } for d in documents]), hide_index=True, width="stretch")
else:
    st.info(tr("contract.none"))

editor = ctx.can(Action.EDIT_REGISTRY)  # others see contracts and checklists, not their forms
if editor:
    with st.expander(tr("contract.new")):
        contract_form.render(ctx, engagement_id)

if documents:
    names = {d["id"]: f"{d['title']}（{d['signed_on'] or '—'}）" for d in documents}
    chosen = st.selectbox(tr("contract.pick"), list(names), key=f"contract_pick_{engagement_id}",
                          format_func=names.__getitem__)
    contract = contracts.get_contract(ctx, chosen)
    if contract["attachment_id"]:
        attachment_view.show(ctx, contract["attachment_id"], key=f"contract_file_{contract['id']}")
    if editor:
        upload = st.file_uploader(tr("attachment.upload"), type=["pdf", "png", "jpg", "jpeg", "docx", "xlsx"],
                                  key=f"contract_upload_{contract['id']}_{contract['version']}")
        if upload is not None:
            errors = f"contract_upload_{contract['id']}_errors"
            st.button(tr("attachment.attach"), key=f"contract_attach_{contract['id']}", on_click=submit(
                errors, lambda: contracts.attach_document(ctx, contract["id"], contract["version"], upload.name,
                                                          upload.getvalue()), tr("common.saved"), original=contract))
            field_errors(errors, "file")
            field_errors(errors, None)
    st.subheader(tr("contract.checklist"))
    if editor:
        with st.expander(tr("contract.edit")):
            contract_form.render(ctx, engagement_id, contract)
        coverage_checklist.render(ctx, contract, gaps.needs_of(ctx, engagement_id))
    else:
        coverage_checklist.render_read_only(ctx, contract, gaps.needs_of(ctx, engagement_id))
