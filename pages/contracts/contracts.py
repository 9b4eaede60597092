"""Contracts of an engagement: its documents and, for each, which required clauses it contains."""

import pandas as pd
import streamlit as st

from tracker.domain.permissions import Action
from tracker.services import chains, contracts, engagements, gaps, setup
from tracker.ui import attachment_view, contract_form, coverage_checklist, labels
from tracker.ui.forms import field_errors, submit
from tracker.ui.links import query_record
from tracker.ui.pickers import link_picker
from tracker.ui.session import context, lang, show_flash, tr
from tracker.ui.text import md

ctx = context()
organisation = setup.organisation_name(ctx, lang())
st.title(tr("nav.contracts"))
show_flash()

current = query_record("engagement", lambda i: engagements.get_engagement(ctx, i))
engagement_id = link_picker(ctx, tr("contract.engagement"), "contracts_link", current)
if engagement_id is None:
    st.stop()
st.query_params["engagement"] = str(engagement_id)

link = chains.link(ctx, engagement_id)
open_gaps = gaps.engagement_gaps(ctx, engagement_id)
st.markdown(f"**{md(link.entrustee_name)}** · {labels.tier(link.tier)} · {md(link.business_name)} · "
            f"{labels.status(link.status)} {labels.gap_count(len(open_gaps))}  \n"
            f"{labels.path(link.path, organisation)}  \n{labels.categories(link.data_categories)}")

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
