"""The entrusted-business form."""

from __future__ import annotations

import streamlit as st

from ..domain.permissions import Action
from ..services import businesses
from ..services.context import Context
from .forms import field_errors, form_prefix, save_button
from .session import NextStep, tr


FIELDS = ("name", "owner_department", "description", "name_en")  # in the services' order


def render(ctx: Context, row: dict | None = None) -> None:
    prefix = form_prefix("bf", row)
    errors = f"{prefix}errors"
    for name in FIELDS:
        st.text_input(tr(f"business.{name}"), value=(row or {}).get(name) or "", persist_state="page", key=prefix + name)
        field_errors(errors, name)
    field_errors(errors, None)

    def values() -> tuple[str, ...]:
        return tuple(st.session_state[prefix + n] for n in FIELDS)

    save_button("bf", row, create=lambda: businesses.create_business(ctx, *values()),
                update=lambda version: businesses.update_business(ctx, row["id"], version, *values()),
                allowed=ctx.can(Action.EDIT_REGISTRY), next_steps=lambda business_id: [
                    NextStep("pages/oversight/chain.py", tr("nav.chain"), ":material/account_tree:",
                             {"business": business_id})])
