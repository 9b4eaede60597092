"""The entrusted-business form."""

from __future__ import annotations

import streamlit as st

from ..domain.permissions import Action
from ..services import businesses
from ..services.context import Context
from .forms import form_prefix, reset_new_form, field_errors, submit
from .session import tr


def render(ctx: Context, row: dict | None = None) -> None:
    prefix = form_prefix("bf", row)
    errors = f"{prefix}errors"
    for name in ("name", "owner_department", "description"):
        st.text_input(tr(f"business.{name}"), value=(row or {}).get(name) or "", key=prefix + name)
        field_errors(errors, name)
    field_errors(errors, None)

    def values() -> tuple[str, str, str]:
        return tuple(st.session_state[prefix + n] for n in ("name", "owner_department", "description"))

    if row:
        action = lambda: businesses.update_business(ctx, row["id"], row["version"], *values())  # noqa: E731
        label, success = tr("common.save"), tr("common.saved")
    else:
        action = lambda: businesses.create_business(ctx, *values())  # noqa: E731
        label, success = tr("common.create"), tr("common.created")
    st.button(label, type="primary", key=prefix + "submit", disabled=not ctx.can(Action.EDIT_REGISTRY),
              on_click=submit(errors, action, success, original=row, on_success=None if row else reset_new_form("bf")))
