"""Per-browser-session state: language, acting user, and the service context."""

from __future__ import annotations

import streamlit as st

from .. import config, i18n
from ..domain.permissions import Role
from ..services.context import Actor, Context

# Until sign-in exists every session acts as this demo user; the services already take the actor.
DEMO_ACTOR = Actor("demo.privacy", "個人情報保護 太郎", Role.PRIVACY_OFFICER)


def lang() -> str:
    return st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def tr(key: str, **params) -> str:
    return i18n.t(key, lang(), **params)


def actor() -> Actor:
    return st.session_state.get("actor", DEMO_ACTOR)


def context() -> Context:
    return Context(db_path=config.db_path(), actor=actor())


def flash(message: str) -> None:
    """Show ``message`` once, on the next run of the page."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    """The slot is always there, message or not: an element that comes and goes would shift the
    ones below it, and Streamlit would remount them (an open expander would snap shut)."""
    slot = st.empty()
    message = st.session_state.pop("_flash", None)
    if message:
        slot.success(message)
