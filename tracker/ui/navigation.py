"""Links between screens by the screen's file, through the page objects the frame registered in
this run: ``st.page_link`` given a path resolves it on disk each time (several file-system calls
per link, ~5 % of the server's time under load with 40 links on the Gaps screen)."""

from __future__ import annotations

import streamlit as st

_KEY = "_screens"  # path → st.Page, per session, replaced every run by the frame


def screen_page(path: str, **options):
    """``st.Page(path, **options)``, remembered for :func:`screen` (the frame builds its
    navigation with this)."""
    page = st.Page(path, **options)
    st.session_state.setdefault(_KEY, {})[path] = page
    return page


def screen(path: str):
    """What ``st.page_link`` needs for the screen in ``path``: its registered page object, or the
    path itself where no frame ran (a page rendered on its own)."""
    return st.session_state.get(_KEY, {}).get(path, path)
