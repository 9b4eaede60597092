"""The breach report pack of a reportable incident: the report to the PPC (preliminary or final),
the notice to the individuals, and the notices owed up the chain, written from the incident's
facts (see tracker/domain/breach_report.py for which rule each item comes from)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import i18n
from ..domain import breach_report as rules
from ..domain.attachment_rules import document_name
from ..domain.breach_report import ReportItem, Stage
from ..domain.problems import Problem, raise_if_any
from ..outputs.breach_report_docx import ChainNotice, NoticeDocument, ReportDocument, Reporter
from ..outputs.breach_report_docx import notice as notice_docx
from ..outputs.breach_report_docx import report as report_docx
from . import incidents, setup
from .context import Context


@dataclass(frozen=True)
class ReportDraft:
    """A report as the incident screen shows it: the items to copy into the PPC's form, and when."""

    title: str  # the incident's
    stage: Stage
    my_number: bool
    items: list[ReportItem]
    due_from: date | None  # the preliminary report's window opens (day 3) …
    due_by: date | None  # … and closes (day 5); the final report's deadline
    filed_on: date | None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def item_texts(row: dict, lang: str) -> dict[str, str]:
    """Each item as the incident states it, written out (state items — notified, published — are
    always known: done on a day, or not yet)."""
    def said(key: str, **params) -> str:
        return i18n.t(f"breach.state.{key}", lang, **params)

    notified, published = _day(row["individuals_notified_on"]), _day(row["step_publication_on"])
    summary = "\n".join(filter(None, [row["title"], row["description"]]))
    return {
        "summary": summary, "data_items": row["data_items"] or "",
        "individuals": rules.individuals_text(row["individuals_count"], row["individuals_at_most"], lang),
        "cause": row["cause"] or "", "secondary_harm": row["secondary_harm"] or "",
        "response": said("notified", day=notified.isoformat(), method=row["individuals_notice_method"] or "—")
        if notified else said("not_notified"),
        "publication": said("published", day=published.isoformat()) if published else said("not_published"),
        "prevention": row["prevention_measures"] or "", "other": row["other_notes"] or "",
    }


def draft(view: incidents.IncidentView, stage: Stage, lang: str = "ja") -> ReportDraft:
    """The report of an incident already read (the screen's view): no second reading."""
    row = view.row
    found = rules.items(item_texts(row, lang))
    window = view.deadlines.preliminary
    if stage == Stage.PRELIMINARY:
        return ReportDraft(row["title"], stage, bool(row["my_number"]), found, window.opens if window else None,
                           window.closes if window else None, _day(row["preliminary_filed_on"]))
    return ReportDraft(row["title"], stage, bool(row["my_number"]), found, None, view.deadlines.final,
                       _day(row["final_filed_on"]))


def _reportable(view) -> None:
    if not view.classification.reportable:
        raise_if_any([Problem(None, "error.breach.not_reportable")])


def _reporter(ctx: Context, lang: str) -> Reporter:
    address, number = setup.organisation_address(ctx)
    return Reporter(setup.organisation_name(ctx, lang), address, number, setup.organisation_representative(ctx))


def report_file(ctx: Context, incident_id: int, stage: Stage, lang: str = "ja") -> tuple[str, bytes]:
    """The report to the PPC as a .docx (Japanese; English as a translation for group companies).
    A final report needs every item: each missing one is named at its field."""
    view = incidents.incident(ctx, incident_id)
    _reportable(view)
    found = draft(view, stage, lang)
    if stage == Stage.FINAL:
        raise_if_any(rules.final_problems(found.items))
    chain = [ChainNotice(n.from_name, n.to_name or setup.organisation_name(ctx, lang),
                         n.notice.window.closes if n.notice.window else None, n.notice.notified_on)
             for n in view.notices]
    document = ReportDocument(lang, stage, found.my_number, _reporter(ctx, lang), ctx.today, found.items,
                              found.due_by, chain, [i18n.t(f"incident.reason.{r.value}", lang)
                                                    for r in view.classification.reasons])
    return file_name(ctx, view.row["title"], stage.value, lang), report_docx(document)


def file_name(ctx: Context, title: str, kind: str, lang: str = "ja") -> str:
    """「漏えい等報告_速報_<事案>_<日付>.docx」: known before the file is made (a download builds it
    only when clicked). ``kind``: preliminary, final or notice."""
    return document_name([i18n.t(f"breach.file.{kind}", lang), title, ctx.today.isoformat()], ".docx")


def notice_file(ctx: Context, incident_id: int) -> tuple[str, bytes]:
    """The letter to the individuals (個人情報保護法第26条第2項), a draft in plain Japanese."""
    view = incidents.incident(ctx, incident_id)
    _reportable(view)
    found = rules.items(item_texts(view.row, "ja"), rules.NOTICE_ITEMS)
    document = NoticeDocument(_reporter(ctx, "ja"), ctx.today, found, bool(view.row["my_number"]))
    return file_name(ctx, view.row["title"], "notice"), notice_docx(document)
