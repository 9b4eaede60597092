"""The seven safety-measure areas (guideline 10-1 … 10-7) with a result each: the same checklist
for a selection check and an inspection."""

from __future__ import annotations

import streamlit as st

from ..domain.selection import AREAS, AreaResult
from .session import tr


def render(prefix: str) -> None:
    results = {r.value: tr(f"selection.result_area.{r.value}") for r in AreaResult}
    for area in AREAS:
        # index=None: no area starts as fine; the user chooses each one
        st.radio(tr(f"selection.area.{area}"), list(results), key=prefix + "area_" + area, horizontal=True,
                 format_func=results.__getitem__, index=None)


def values(prefix: str) -> dict[str, str | None]:
    return {area: st.session_state.get(prefix + "area_" + area) for area in AREAS}
