"""API tokens: a user's own, for the company's systems (稟議 workflow, e-contract) to call the API
as that user. A new token is shown once; a token can be revoked at once."""

import pandas as pd
import streamlit as st

from tracker.domain.api_tokens import DEFAULT_DAYS, MAX_DAYS
from tracker.services import api_tokens
from tracker.ui.forms import choose_and_act, field_errors, form_prefix, reset_new_form, submit
from tracker.ui.session import context, show_flash, tr
from tracker.ui.tables import literal_table
from tracker.ui.text import md

ctx = context()
st.title(tr("tokens.title"))
st.caption(tr("tokens.help"))
show_flash()

issued = st.session_state.pop("_new_token", None)
if issued:  # shown this once: only its hash is kept
    st.warning(tr("tokens.shown_once"), icon=":material/key:")
    st.code(issued, language=None)

mine = api_tokens.tokens_of(ctx)
if mine:
    literal_table(pd.DataFrame([{
        tr("tokens.name"): t["name"], tr("tokens.access"): tr("tokens.read_only" if t["read_only"] else "tokens.read_write"),
        tr("tokens.expires_on"): t["expires_on"], tr("tokens.last_used"): t["last_used_at"] or "—",
        tr("tokens.state"): tr("tokens.revoked") if t["revoked_at"] else tr("tokens.active")} for t in mine]))
    live = {t["id"]: t["name"] for t in mine if not t["revoked_at"]}
    if live:
        choose_and_act("tok_revoke", tr("tokens.revoke_which"), live, tr("tokens.revoke"),
                       lambda token_id: api_tokens.revoke(ctx, token_id), tr("tokens.revoked_done"))
else:
    st.info(tr("tokens.none"))


with st.expander(tr("tokens.new"), expanded=not mine):
    prefix = form_prefix("tok", None)
    errors = prefix + "errors"
    st.text_input(tr("tokens.name"), key=prefix + "name", help=tr("tokens.name_help"))
    field_errors(errors, "name")
    access = {"read": tr("tokens.read_only"), "write": tr("tokens.read_write")}
    st.radio(tr("tokens.access"), list(access), index=None, format_func=access.__getitem__, key=prefix + "access",
             horizontal=True)
    field_errors(errors, "access")
    st.number_input(tr("tokens.expires_days"), min_value=1, max_value=MAX_DAYS, value=DEFAULT_DAYS, step=30,
                    key=prefix + "days")
    field_errors(errors, "expires_days")
    field_errors(errors, None)

    def create() -> None:
        s = st.session_state
        access = s.get(prefix + "access")  # read-only or not: the user's decision, never assumed
        made = api_tokens.create_token(ctx, s[prefix + "name"], None if access is None else access == "read",
                                       int(s[prefix + "days"]))
        s["_new_token"] = made.secret

    st.button(tr("tokens.create"), type="primary", key=prefix + "submit", on_click=submit(
        errors, create, tr("tokens.created"), on_success=reset_new_form("tok")))
st.caption(md(tr("tokens.docs")))
