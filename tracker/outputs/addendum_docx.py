"""Writes an addendum (覚書) as .docx from contract_clauses/addendum_template.docx and its styles.

Text goes in through python-docx runs, which escape XML, so user text with & < > " ' appears
literally. Japanese, English, or both (two columns: Japanese | English). The signing date is
left blank (the parties write it when they sign); the signature lines stay on the page of the last
article."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from .. import i18n
from ..domain.addenda import Article, Language, agreement_term, article_heading
from .addendum_template import TEMPLATE


@dataclass(frozen=True)
class PartyDetails:
    name: dict[str, str]  # per language (the English name where recorded)
    address: str = ""
    corporate_number: str = ""
    representative: tuple[str, str] = ("", "")  # (title, name) of who signs


@dataclass(frozen=True)
class AddendumDocument:
    language: Language
    entruster: PartyDetails
    entrustee: PartyDetails
    work: dict[str, str]  # per language
    base_contract: tuple[str, date | None] | None  # (title, signed on) of the contract it amends
    effective_on: date
    articles: list[Article]


def long_date(day: date | None, lang: str) -> str:
    if day is None:
        return "＿＿年＿＿月＿＿日" if lang == "ja" else "____________"
    return f"{day.year}年{day.month}月{day.day}日" if lang == "ja" else f"{day.day} {day.strftime('%B')} {day.year}"


def _t(key: str, lang: str, **params) -> str:
    return i18n.t(f"addendum.{key}", lang, **params)


def closing_articles(document: AddendumDocument) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(key, headings, texts) of the addendum's own closing articles, numbered after the clauses."""
    langs = document.language.parts
    keys = (["relation"] if document.base_contract else []) + ["term"]
    if document.language == Language.BOTH:
        keys.append("prevailing")  # which language prevails
    closing = []
    for offset, key in enumerate(keys, start=len(document.articles) + 1):
        headings = {lang: article_heading(offset, _t(f"{key}_title", lang), lang) for lang in langs}
        if key == "term":
            variant = "term_base" if document.base_contract else "term_no_base"
            texts = {lang: _t(variant, lang, effective=long_date(document.effective_on, lang)) for lang in langs}
        else:
            texts = {lang: _t(key, lang) for lang in langs}
        closing.append((key, headings, texts))
    return closing


def render(document: AddendumDocument, template: Path = TEMPLATE) -> bytes:
    """Japanese or English: one column. Both: a two-column table, Japanese | English, each row one
    unit (title, preamble, article, signature), the two languages of equal weight side by side."""
    docx = Document(str(template))
    body = docx.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # keep the page set-up, drop any sample content
            body.remove(child)
    langs = document.language.parts
    table = None
    if len(langs) == 2:
        table = docx.add_table(rows=0, cols=2)
        table.autofit = False
    held: dict[str, list[tuple[str, str]]] = {lang: [] for lang in langs}

    def unit(paragraphs: dict[str, list[tuple[str, str]]], keep: bool = False) -> None:
        """One unit in every language: (style, text) paragraphs. ``keep``: kept on the page with
        what follows (the last article, the signature lines and blocks stay together): paragraphs
        kept with the next one, or, in two columns, one row that cannot break across pages."""
        if table is None:
            for style, text in paragraphs[langs[0]]:
                _keep(docx.add_paragraph(text, style=style), keep)
            return
        if keep:
            for lang in langs:
                held[lang] += paragraphs[lang]
            return
        paragraphs = {lang: held[lang] + paragraphs[lang] for lang in langs}
        for lang in langs:
            held[lang] = []
        row = table.add_row()
        _cant_split(row)
        for cell, lang in zip(row.cells, langs, strict=True):
            cell.width = COLUMN_WIDTH
            first = cell.paragraphs[0]
            for index, (style, text) in enumerate(paragraphs[lang]):
                paragraph = first if index == 0 else cell.add_paragraph()
                paragraph.style = docx.styles[style]
                paragraph.add_run(text)
                _keep(paragraph, keep)

    if table is None:
        unit({lang: [("Addendum Title", _t("title", lang))] for lang in langs})
    else:  # each language's title on a line of its own across the page, above the two columns
        for lang in langs:
            title = docx.add_paragraph(_t("title", lang), style="Addendum Title")
            title.paragraph_format.keep_with_next = True
            body.remove(title._p)
            table._tbl.addprevious(title._p)
    preamble = {lang: [("Addendum Preamble", _preamble(document, lang))] for lang in langs}
    for index, article in enumerate(document.articles):
        paragraphs = {lang: [("Article Heading", article.headings[lang])] +
                      [("Article Text", line) for line in article.texts[lang].splitlines()] for lang in langs}
        if index == 0:  # the preamble never stands alone on the first page: the first article joins it
            paragraphs = {lang: preamble[lang] + paragraphs[lang] for lang in langs}
        unit(paragraphs)
    closing = closing_articles(document)
    for index, (_key, headings, texts) in enumerate(closing):
        last = index == len(closing) - 1
        unit({lang: [("Article Heading", headings[lang]), ("Article Text", texts[lang])] for lang in langs}, keep=last)
    unit({lang: [("Signature Block", _t("signature_intro", lang)), ("Signature Block", _t("signed_on", lang))]
          for lang in langs}, keep=True)
    for position, (role, party) in enumerate((("party_a", document.entruster), ("party_b", document.entrustee))):
        unit({lang: [("Signature Block", _signature(role, party, lang))] for lang in langs}, keep=position == 0)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


COLUMN_WIDTH = Mm(80)  # two columns inside the A4 page's 160 mm


def _keep(paragraph, keep: bool) -> None:
    if keep:
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.keep_together = True


def _cant_split(row) -> None:
    """A table row (one article in both languages) is never split across two pages."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:cantSplit")
    properties.append(flag)


def _preamble(document: AddendumDocument, lang: str) -> str:
    """The parties and the defined terms: 本契約 (the base contract and this addendum together) is
    defined only where an article uses it, so every term defined is used and every term used defined."""
    names = {"entruster": document.entruster.name[lang], "entrustee": document.entrustee.name[lang],
             "work": document.work[lang]}
    if document.base_contract:
        title, signed_on = document.base_contract
        binds_both = any(agreement_term(True, lang) in a.texts[lang] for a in document.articles)
        return _t("preamble_base" if binds_both else "preamble_base_plain", lang, contract=title,
                  contract_date=long_date(signed_on, lang), **names)
    return _t("preamble_no_base", lang, **names)


def _signature(role: str, party: PartyDetails, lang: str) -> str:
    """The 記名押印欄 of one party: what we know filled in (its representative's title and name
    included), the rest left blank to write by hand."""
    blank = _t("blank", lang)
    title, name = party.representative
    lines = [
        _t(role, lang),
        f"  {_t('address', lang)}: {party.address or blank}",
        f"  {_t('name', lang)}: {party.name[lang]}",
        f"  {_t('corporate_number', lang)}: {party.corporate_number or blank}",
        f"  {_t('representative', lang)}: {' '.join(filter(None, (title, name))) or blank}  {_t('seal', lang)}",
    ]
    return "\n".join(lines)
