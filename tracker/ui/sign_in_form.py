"""The sign-in screen: local accounts, or the organisation's single sign-on when configured."""

from __future__ import annotations

import secrets

import streamlit as st

from .. import config
from ..domain.sign_in import MAX_USERNAME
from ..services import users
from .session import signed_in, tr


def sso_configured() -> bool:
    """Streamlit's OIDC sign-in is used when .streamlit/secrets.toml has an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def render() -> None:
    st.title(tr("sign_in.title"))
    notice = st.session_state.pop("_sign_in_notice", None)
    if notice:
        st.warning(notice)
    if sso_configured():
        _single_sign_on()
        return
    if users.count_users(config.db_path()) == 0:
        st.info(tr("sign_in.no_users"))
    with st.form("sign_in"):
        username = st.text_input(tr("sign_in.username"), key="sign_in_username", max_chars=MAX_USERNAME)
        password = st.text_input(tr("sign_in.password"), type="password", key="sign_in_password")
        if st.form_submit_button(tr("sign_in.submit"), type="primary"):
            try:
                with st.spinner(tr("sign_in.checking")):  # it may wait for someone's large import
                    who = users.sign_in(config.db_path(), username, password, session=_session_key())
            except users.SignInRefused as refused:
                # one message for every refusal: the screen never tells which accounts exist
                st.error(tr("sign_in.throttled" if refused.reason == "throttled" else "sign_in.refused"))
            else:
                signed_in(who)
                st.rerun()


def _session_key() -> str:
    """This browser session, for counting its failed sign-ins."""
    return st.session_state.setdefault("_sign_in_session", secrets.token_hex(16))


def _single_sign_on() -> None:
    if not st.user.is_logged_in:
        st.button(tr("sign_in.sso"), type="primary", on_click=st.login)
        return
    who = users.actor_for_email(config.db_path(), st.user.get("email", ""))
    if who is None:
        st.error(tr("sign_in.sso_unknown", email=st.user.get("email", "?")))
        st.button(tr("sign_in.sign_out"), on_click=st.logout)
        return
    signed_in(who)
    st.rerun()
