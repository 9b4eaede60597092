"""A contract's clause checklist: required clauses first, each with its status and article."""

from __future__ import annotations

import streamlit as st

from ..domain.clauses import LEVEL_RANK
from ..domain.gaps import Coverage, Need
from ..domain.permissions import Action
from ..services import contracts
from ..services.catalogue import catalogue
from ..services.context import Context
from ..services.contracts import CoverageEntry
from . import labels
from .forms import field_errors, submit
from .session import lang, tr
from .text import md


def render(ctx: Context, contract: dict, needs: dict[str, Need]) -> None:
    prefix = f"cc_{contract['id']}_{contract['version']}_"
    errors = prefix + "errors"
    recorded = contracts.coverage_of(ctx, contract["id"])
    statuses = {None: tr("contract.status.none")} | {c.value: tr(f"contract.status.{c.value}") for c in Coverage}
    ordered = sorted(catalogue(), key=lambda c: (c.id not in needs,
                                                 LEVEL_RANK[needs[c.id].requirement.level] if c.id in needs else 9,
                                                 c.order))
    st.caption(tr("contract.checklist_help"))
    for clause in ordered:
        entry = recorded.get(clause.id, {})
        need = needs.get(clause.id)
        title, status_col, article_col = st.columns([3, 2, 1])
        requirement = (f"{labels.level(need.requirement.level)} {labels.conditions(need.requirement.reasons)}"
                       if need else f":gray[{tr('contract.not_required')}]")
        title.markdown(f"**{md(clause.title(lang()))}**  \n{requirement}")
        current = entry.get("status")
        status_col.selectbox(tr("contract.status"), list(statuses), index=list(statuses).index(current),
                             key=f"{prefix}{clause.id}_status", format_func=statuses.__getitem__,
                             label_visibility="collapsed", help=clause.summary(lang()))
        article_col.text_input(tr("contract.article"), value=entry.get("article") or "",
                               key=f"{prefix}{clause.id}_article", label_visibility="collapsed",
                               placeholder=tr("contract.article"))
        field_errors(errors, clause.id)
    field_errors(errors, None)

    def save() -> None:
        s = st.session_state
        entries = {c.id: CoverageEntry(s[f"{prefix}{c.id}_status"], s[f"{prefix}{c.id}_article"],
                                       recorded.get(c.id, {}).get("note") or "") for c in catalogue()}
        contracts.record_coverage(ctx, contract["id"], contract["version"], entries)

    st.button(tr("contract.save_checklist"), type="primary", key=prefix + "submit",
              disabled=not ctx.can(Action.EDIT_REGISTRY),
              on_click=submit(errors, save, tr("common.saved"), original=contract))
