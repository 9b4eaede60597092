"""The party form, for a new party or an existing one."""

from __future__ import annotations

import streamlit as st

from ..domain.countries import COUNTRIES
from ..domain.party_rules import PartyDraft
from ..domain.permissions import Action
from ..services import parties
from ..services.context import Context
from . import labels
from .forms import field_errors, form_prefix, save_button
from .pickers import party_picker
from .session import NextStep, tr

_TEXT_FIELDS = ("name", "kana", "name_en", "corporate_number", "address", "representative_title", "representative_name",
                "contact_person", "email", "phone")


def render(ctx: Context, row: dict | None = None) -> None:
    """Fields with their errors under them; the user's input stays after a refused save."""
    prefix = form_prefix("pf", row)
    errors = f"{prefix}errors"
    for name in _TEXT_FIELDS:
        help_text = tr("party.corporate_number_help") if name == "corporate_number" else None
        st.text_input(tr(f"party.{name}"), value=(row or {}).get(name) or "",
                      persist_state="page", key=prefix + name, help=help_text)
        field_errors(errors, name)
    country_names = {c: f"{labels.country(c)} ({c})" for c in COUNTRIES}
    st.selectbox(tr("party.country"), list(country_names), persist_state="page", key=prefix + "country",
                 index=list(country_names).index((row or {}).get("country") or "JP"),
                 format_func=country_names.__getitem__)
    field_errors(errors, "country")
    parent = {"id": row["parent_party_id"], "name": row["parent_name"]} if row and row["parent_party_id"] else None
    party_picker(ctx, tr("party.parent"), prefix + "parent", current=parent, allow_none=True)
    field_errors(errors, "parent_party_id")
    field_errors(errors, None)

    def draft() -> PartyDraft:
        values = {name: st.session_state[prefix + name] for name in _TEXT_FIELDS}
        return PartyDraft(**values, country=st.session_state[prefix + "country"],
                          parent_party_id=st.session_state[prefix + "parent"])

    save_button("pf", row, create=lambda: parties.create_party(ctx, draft()),
                update=lambda version: parties.update_party(ctx, row["id"], version, draft()),
                allowed=ctx.can(Action.EDIT_REGISTRY), next_steps=next_steps)


def next_steps(party_id: int) -> list[NextStep]:
    """After a party is saved: its record, then entrusting something to it."""
    return [NextStep("pages/registry/party.py", tr("next.open_party"), ":material/business:", {"party": party_id}),
            NextStep("pages/registry/registry.py", tr("next.new_engagement"), ":material/add_link:",
                     {"entrustee": str(party_id)}, same_page=True)]
