"""The breach report pack on the incident screen: for the preliminary and the final report, the
deadline and the days left beside the download, and each item as text to copy into the PPC's online
form; the letter to the individuals. Nothing is chosen for the user: each stage is its own tab."""

from __future__ import annotations

import streamlit as st

from ..domain.breach_report import Stage, final_problems
from ..i18n import describe
from ..services import breach_reports
from ..services.context import Context
from ..services.incidents import IncidentView
from . import labels
from .session import lang, tr
from .text import md

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render(ctx: Context, view: IncidentView) -> None:
    """``view``: the incident as the screen read it (its reports are drawn from it, not read again)."""
    for tab, stage in zip(st.tabs([tr("breach.tab.preliminary"), tr("breach.tab.final"), tr("breach.tab.notice")]),
                          (Stage.PRELIMINARY, Stage.FINAL, None), strict=True):
        with tab:
            _notice(ctx, view) if stage is None else _report(ctx, view, stage)


def _report(ctx: Context, view: IncidentView, stage: Stage) -> None:
    incident_id = view.row["id"]
    draft = breach_reports.draft(view, stage, "ja")
    kind = "my_number" if draft.my_number else "appi"
    left, right = st.columns([2, 1])
    left.markdown(f"**{md(tr(f'breach.title.{kind}.{stage.value}'))}**")
    if draft.filed_on:
        right.markdown(f":green-badge[{tr('breach.filed', day=draft.filed_on.isoformat())}]")
    elif draft.due_by:
        right.markdown(f"{tr('breach.due_label')} **{draft.due_by.isoformat()}** · "
                       f"{labels.days_left(draft.due_by, ctx.today)}")
    missing = final_problems(draft.items) if stage == Stage.FINAL else []
    for problem in missing:  # what to fill in on the incident before the final report
        st.warning(f"**{md(tr('incident.' + problem.field))}**: {describe(problem, lang(), quote=md)}")
    for language in () if missing else ("ja", "en"):  # each file is made when its button is clicked
        st.download_button(
            tr(f"breach.download.{language}"),
            lambda language=language: breach_reports.report_file(ctx, incident_id, stage, language)[1],
            file_name=breach_reports.file_name(ctx, draft.title, stage.value, language), mime=DOCX,
            on_click="ignore", icon=":material/download:", key=f"breach_{incident_id}_{stage.value}_{language}")
    st.caption(tr("breach.copy_help"))
    for item in draft.items:  # each box has a copy button: the PPC's form asks for the same items
        st.markdown(md(tr(f"breach.item.{item.key}", number=item.number, kind=tr(f"breach.kind.{kind}"))))
        st.code(item.text or tr("breach.not_yet_known" if stage == Stage.PRELIMINARY else "breach.not_filled"),
                language=None, wrap_lines=True)


def _notice(ctx: Context, view: IncidentView) -> None:
    st.caption(tr("breach.notice_help"))
    incident_id = view.row["id"]
    st.download_button(tr("breach.download.notice"), lambda: breach_reports.notice_file(ctx, incident_id)[1],
                       file_name=breach_reports.file_name(ctx, view.row["title"], "notice"), mime=DOCX,
                       on_click="ignore", icon=":material/download:", key=f"breach_{incident_id}_notice")
