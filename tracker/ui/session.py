"""Per-browser-session state: language, the signed-in user, and the service context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, UTC

import streamlit as st

from .. import config, i18n
from ..services.context import Actor, Context
from .text import md_short
from .navigation import screen


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
    st.session_state["last_activity"] = datetime.now(UTC)


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
    same_page: bool = False  # a link to the page one is on would not carry the query: set it instead


def flash(message: str, steps: list[NextStep] | None = None, where: str = "_flash") -> None:
    """Show ``message`` once, on the next run of the page, with the next steps of the work;
    ``where``: the slot it shows in (the page's top, or next to the form that saved)."""
    st.session_state[where] = (message, steps or [])


def show_flash(where: str = "_flash") -> None:
    """The slot is always there, message or not: an element that comes and goes would shift the
    ones below it, and Streamlit would remount them (an open expander would snap shut)."""
    slot = st.empty()
    message, steps = st.session_state.pop(where, (None, []))
    if message:
        with slot.container(border=bool(steps)):
            st.success(message)
            columns = st.columns(max(len(steps), 1)) if steps else []
            for n, (column, step) in enumerate(zip(columns, steps, strict=True)):
                if step.same_page:
                    column.button(step.label, icon=step.icon, key=f"{where}_step_{n}",
                                  on_click=lambda query=step.query: st.query_params.update(query))
                else:
                    column.page_link(screen(step.page), label=step.label, icon=step.icon, query_params=step.query)
