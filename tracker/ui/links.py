"""Records named in the page address (?party=12): a stale or mistyped link opens the page empty."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..services.context import NotFound


def query_id(param: str) -> int | None:
    value = st.query_params.get(param)
    return int(value) if value and value.isdigit() else None


def query_record(param: str, fetch: Callable[[int], dict]) -> dict | None:
    record_id = query_id(param)
    if record_id is None:
        return None
    try:
        return fetch(record_id)
    except NotFound:
        return None
