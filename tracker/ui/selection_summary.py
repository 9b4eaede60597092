"""One selection check in a few lines: result, date, who decided, how, the areas with issues and
the conditions (the selection screen's history, and beside an approval decision)."""

from __future__ import annotations

import streamlit as st

from ..domain.selection import AreaResult
from ..i18n import join
from .session import lang, tr
from .text import md

RESULT_COLOUR = {"approved": "green", "conditional": "orange", "rejected": "red"}


def show(check: dict) -> None:
    issues = [a for a, r in check["areas"].items() if r == AreaResult.ISSUE]
    methods = join((tr(f"selection.method.{m}") for m in check["methods"]), lang())
    st.markdown(
        f":{RESULT_COLOUR[check['result']]}-badge[{tr('selection.result.' + check['result'])}] "
        f"**{check['checked_on']}** · {md(check['decided_by'])} · {methods}"
        + (f"  \n{tr('selection.issues')}: " + join((tr(f"selection.area.{a}") for a in issues), lang()) if issues else "")
        + (f"  \n{tr('selection.conditions')}: {md(check['conditions'])}" if check["conditions"] else ""))
