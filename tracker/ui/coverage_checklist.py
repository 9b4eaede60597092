"""A contract's clause checklist: required clauses first, each with its status and article."""

from __future__ import annotations

import streamlit as st

from ..domain.clauses import LEVEL_RANK
from ..domain.gaps import Coverage, Need
from ..services import contracts
from ..services.catalogue import catalogue
from ..services.context import Context
from ..services.contracts import CoverageEntry
from . import labels
from .forms import field_errors, form_prefix, opened, reopen, submit
from .session import lang, tr
from .text import md


def _ordered(needs: dict[str, Need]):
    """Required clauses first, legal duties before recommendations, then catalogue order."""
    return sorted(catalogue(), key=lambda c: (c.id not in needs,
                                              LEVEL_RANK[needs[c.id].requirement.level] if c.id in needs else 9,
                                              c.order))


def _requirement(need: Need | None) -> str:
    return (f"{labels.level(need.requirement.level)} {labels.conditions(need.requirement.reasons)}"
            if need else f":gray[{tr('contract.not_required')}]")


def render_read_only(ctx: Context, contract: dict, needs: dict[str, Need]) -> None:
    recorded = contracts.coverage_of(ctx, contract["id"])
    lines = [f"**{md(c.title(lang()))}** — {tr('contract.status.' + recorded[c.id]['status']) if c.id in recorded else tr('contract.status.none')}"
             f"{' · ' + md(recorded[c.id]['article']) if c.id in recorded and recorded[c.id]['article'] else ''}  \n"
             f"{_requirement(needs.get(c.id))}" for c in _ordered(needs)]
    st.markdown("\n\n".join(lines))


def render(ctx: Context, contract: dict, needs: dict[str, Need]) -> None:
    prefix = form_prefix("cc", contract)
    errors = prefix + "errors"
    original = opened("cc", contract)
    recorded = contracts.coverage_of(ctx, contract["id"])
    statuses = {None: tr("contract.status.none")} | {c.value: tr(f"contract.status.{c.value}") for c in Coverage}
    ordered = _ordered(needs)
    st.caption(tr("contract.checklist_help"))
    for clause in ordered:
        entry = recorded.get(clause.id, {})
        need = needs.get(clause.id)
        title, status_col, article_col = st.columns([3, 2, 1])
        title.markdown(f"**{md(clause.title(lang()))}**  \n{_requirement(need)}")
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
        contracts.record_coverage(ctx, contract["id"], original["version"], entries)

    st.button(tr("contract.save_checklist"), type="primary", key=prefix + "submit",
              on_click=submit(errors, save, tr("common.saved"), original=original, on_success=reopen("cc", contract)))
    if any(p.code == "error.stale" for p in st.session_state.get(errors, [])):
        st.button(tr("common.reload_latest"), key=prefix + "reload", on_click=reopen("cc", contract))
