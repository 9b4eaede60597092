"""The requests of a party or a link, on its own screen: each with its state and due date, opening
on the Requests screen."""

from __future__ import annotations

import streamlit as st

from ..services import catalogue, requests
from ..services.context import Context
from .session import lang, tr
from .text import md_short
from .navigation import screen

SHOWN = 10


def show(ctx: Context, **filters) -> None:
    rows, total = requests.requests_page(ctx, limit=SHOWN, **filters)
    st.subheader(tr("request.of_record"))
    if not rows:
        st.caption(tr("request.none_here"))
        return
    sets = catalogue.question_sets()
    for row in rows:
        st.page_link(screen("pages/oversight/requests.py"), icon=":material/forward_to_inbox:", query_params={
            "request": row["id"]}, label=f"R{row['id']} · {sets[row['set_id']].title(lang())} · "
            f"{tr('request.state.' + row['state'])} · {tr('request.due_on')} {row['due_on']} · "
            f"{md_short(row['entrustee_name'])}")
    if total > len(rows):
        st.caption(tr("common.more", count=total - len(rows)))
