"""The breach report pack as .docx, on the addenda's template (its styles name a Japanese font):
the report to the PPC, preliminary or final, with each item under the rule it answers, the
deadline, the reasons it is reportable and the notices owed up the chain; and the letter to the
individuals. Text goes in through python-docx runs, which escape XML."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.oxml.ns import qn

from .. import i18n
from ..domain.breach_report import ReportItem, Stage
from .addendum_docx import long_date
from .addendum_template import TEMPLATE


@dataclass(frozen=True)
class Reporter:
    name: str
    address: str
    corporate_number: str
    representative: tuple[str, str]  # (title, name)


@dataclass(frozen=True)
class ChainNotice:
    """One tier's notice to its entruster (施行規則第9条): owed by ``due``, given on ``given``."""

    sender: str
    receiver: str
    due: date | None
    given: date | None


@dataclass(frozen=True)
class ReportDocument:
    lang: str
    stage: Stage
    my_number: bool
    reporter: Reporter
    made_on: date
    items: list[ReportItem]
    due_by: date | None
    chain: list[ChainNotice]
    reasons: list[str]  # why it is reportable, in words


@dataclass(frozen=True)
class NoticeDocument:
    reporter: Reporter
    made_on: date
    items: list[ReportItem]
    my_number: bool


def _t(key: str, lang: str, **params) -> str:
    return i18n.t(f"breach.{key}", lang, **params)


def _blank_document():
    docx = Document(str(TEMPLATE))
    body = docx.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # the template's page set-up and styles, none of its content
            body.remove(child)
    return docx


def _save(docx) -> bytes:
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def report(document: ReportDocument) -> bytes:
    lang, kind = document.lang, "my_number" if document.my_number else "appi"
    docx = _blank_document()
    docx.add_paragraph(_t(f"title.{kind}.{document.stage.value}", lang), style="Addendum Title")
    if lang != "ja":
        docx.add_paragraph(_t("translation_note", lang), style="Article Text")
    docx.add_paragraph(_t("addressee", lang), style="Addendum Preamble")
    reporter = document.reporter
    title, name = reporter.representative
    blank = _t("blank", lang)
    docx.add_paragraph("\n".join([
        f"{_t('made_on', lang)}: {long_date(document.made_on, lang)}",
        f"{_t('reporter', lang)}: {reporter.name}",
        f"{_t('address', lang)}: {reporter.address or blank}",
        f"{_t('corporate_number', lang)}: {reporter.corporate_number or blank}",
        f"{_t('representative', lang)}: {' '.join(filter(None, (title, name))) or blank}",
    ]), style="Signature Block")
    docx.add_paragraph(_t(f"basis.{kind}.{document.stage.value}", lang), style="Addendum Preamble")
    if document.due_by:
        docx.add_paragraph(_t(f"due.{document.stage.value}", lang, day=long_date(document.due_by, lang)),
                           style="Article Text")
    if document.reasons:
        docx.add_paragraph(_t("reasons", lang, reasons=i18n.join(document.reasons, lang)), style="Article Text")
    for item in document.items:
        docx.add_paragraph(_t(f"item.{item.key}", lang, number=item.number, kind=_t(f"kind.{kind}", lang)),
                           style="Article Heading")
        text = item.text or _t("not_yet_known", lang)  # a preliminary report gives what is known so far
        for line in text.splitlines() or [text]:
            docx.add_paragraph(line, style="Article Text")
    if document.chain:
        docx.add_paragraph(_t("chain_title", lang), style="Article Heading")
        for notice in document.chain:
            docx.add_paragraph(_t("chain_line", lang, sender=notice.sender, receiver=notice.receiver,
                                  due=long_date(notice.due, lang) if notice.due else "—",
                                  given=long_date(notice.given, lang) if notice.given else _t("not_given", lang)),
                               style="Article Text")
    docx.add_paragraph(_t(f"routing.{kind}", lang), style="Article Text")
    return _save(docx)


def notice(document: NoticeDocument) -> bytes:
    """A letter to each person affected: what happened, which of their data, why, what may follow
    and what to do, and where to ask (the desk's details left to fill in)."""
    docx = _blank_document()
    lang = "ja"
    docx.add_paragraph(_t("notice.title", lang), style="Addendum Title")
    docx.add_paragraph(_t("notice.to", lang), style="Addendum Preamble")
    docx.add_paragraph(f"{long_date(document.made_on, lang)}\n{document.reporter.name}", style="Signature Block")
    docx.add_paragraph(_t("notice.opening", lang), style="Addendum Preamble")
    for item in document.items:
        docx.add_paragraph(_t(f"notice.item.{item.key}", lang), style="Article Heading")
        text = item.text or _t("notice.under_investigation", lang)
        for line in text.splitlines() or [text]:
            docx.add_paragraph(line, style="Article Text")
    if document.my_number:
        docx.add_paragraph(_t("notice.my_number", lang), style="Article Text")
    docx.add_paragraph(_t("notice.closing", lang), style="Addendum Preamble")
    docx.add_paragraph(_t("notice.desk", lang), style="Signature Block")
    return _save(docx)
