"""Per-browser-session state: language, the signed-in user, and the service context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import streamlit as st

from .. import config, i18n
from ..services.context import Actor, Context
from .text import md_short


def lang() -> str:
    return st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def tr(key: str, **params) -> str:
    """A message as plain text (options of a selectbox, table cells, file names)."""
    return i18n.t(key, lang(), **params)


def tr_md(key: str, **params) -> str:
    """A message for Markdown (text, headers, captions, labels, expanders, radio options): the
    parameters are user data, shown literally and cut short when long."""
    return i18n.t(key, lang(), **{k: md_short(v) if isinstance(v, str) else v for k, v in params.items()})


def actor() -> Actor | None:
    return st.session_state.get("actor")


def signed_in(who: Actor) -> None:
    st.session_state["actor"] = who
    touch()


def sign_out() -> None:
    for key in ("actor", "last_activity"):
        st.session_state.pop(key, None)


def touch() -> None:
    st.session_state["last_activity"] = datetime.now(timezone.utc)


def last_activity() -> datetime | None:
    return st.session_state.get("last_activity")


def context() -> Context:
    """The signed-in user's context. The frame (app.py) runs no page for a session without one."""
    who = actor()
    if who is None:
        st.stop()
    return Context(db_path=config.db_path(), actor=who, today=config.today())


@dataclass(frozen=True)
class NextStep:
    """Where the user goes after a save: a page, its label, an icon, and the record in its address."""

    page: str
    label: str
    icon: str
    query: dict = field(default_factory=dict)


def flash(message: str, steps: list[NextStep] | None = None) -> None:
    """Show ``message`` once, on the next run of the page, with the next steps of the work."""
    st.session_state["_flash"] = (message, steps or [])


def show_flash() -> None:
    """The slot is always there, message or not: an element that comes and goes would shift the
    ones below it, and Streamlit would remount them (an open expander would snap shut)."""
    slot = st.empty()
    message, steps = st.session_state.pop("_flash", (None, []))
    if message:
        with slot.container(border=bool(steps)):
            st.success(message)
            columns = st.columns(max(len(steps), 1)) if steps else []
            for column, step in zip(columns, steps):
                column.page_link(step.page, label=step.label, icon=step.icon, query_params=step.query)
