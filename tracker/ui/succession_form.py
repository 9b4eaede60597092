"""Handing a company's work over to its successor (party screen): the successor picked, the reason,
and each chain's hand-over as it goes (waiting for approval, taken over, refused)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..domain.permissions import Action
from ..services import successions
from ..services.context import Context
from . import labels
from .forms import field_errors, submit
from .pickers import party_picker
from .session import show_flash, tr
from .tables import literal_table
from .text import md


def render(ctx: Context, party: dict) -> None:
    # one container: the table that comes with the first hand-over must not shift the form below it
    # (Streamlit would redraw it closed, its message inside)
    box = st.container()
    handovers = successions.handovers_of(ctx, party["id"])
    if handovers:
        with box:
            _table(handovers)
    if not ctx.can(Action.EDIT_REGISTRY):
        return
    prefix, errors = f"handover_{party['id']}_", f"handover_{party['id']}_errors"
    with st.expander(tr("succession.new_handover"), icon=":material/swap_horiz:"):
        st.caption(tr("succession.help"))
        party_picker(ctx, tr("succession.successor"), prefix + "successor")
        field_errors(errors, "successor_id")
        st.text_input(tr("succession.reason"), key=prefix + "reason", placeholder=tr("succession.reason_example"))
        field_errors(errors, "reason")
        field_errors(errors, None)
        s = st.session_state
        st.button(tr("succession.propose"), type="primary", key=prefix + "go", on_click=submit(
            errors, lambda: successions.hand_over(ctx, party["id"], s.get(prefix + "successor"),
                                                  s.get(prefix + "reason") or ""), tr("succession.proposed"),
            flash_at=prefix + "saved"))
        show_flash(prefix + "saved")


def _table(handovers: list[successions.Handover]) -> None:
    st.markdown(f"**{md(tr('succession.title'))}**")
    literal_table(pd.DataFrame([{
        tr("succession.old"): h.old_ref, tr("succession.new"): h.new_ref,
        tr("engagement.business"): h.business_name, tr("engagement.tier"): labels.tier(h.tier),
        tr("succession.state"): _state(h),
    } for h in handovers]).set_index(tr("succession.old")))


def _state(h: successions.Handover) -> str:
    if h.termination_id is not None:
        return tr("succession.taken_over")
    if h.approval_status == "rejected":
        return tr("succession.refused")
    return tr("succession.waiting_approval") if h.tier >= 2 else tr("succession.waiting_selection")
