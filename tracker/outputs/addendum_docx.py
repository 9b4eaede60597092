"""Writes an addendum (覚書) as .docx from contract_clauses/addendum_template.docx and its styles.

Text goes in through python-docx runs, which escape XML, so user text with & < > " ' appears
literally. Japanese, English, or both (each Japanese paragraph followed by its English one)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from .. import i18n
from ..domain.addenda import Article, Language, article_heading
from .addendum_template import TEMPLATE


@dataclass(frozen=True)
class PartyDetails:
    name: dict[str, str]  # per language (our own English name may differ)
    address: str = ""
    corporate_number: str = ""


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
    docx = Document(str(template))
    body = docx.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # keep the page set-up, drop any sample content
            body.remove(child)
    langs = document.language.parts

    def each(style_ja: str, text_of) -> None:
        for lang in langs:
            style = "Article Text EN" if lang == "en" and len(langs) == 2 and style_ja == "Article Text" else style_ja
            docx.add_paragraph(text_of(lang), style=style)

    each("Addendum Title", lambda lang: _t("title", lang))
    each("Addendum Preamble", lambda lang: _preamble(document, lang))
    for article in document.articles:
        for lang in langs:
            docx.add_paragraph(article.headings[lang], style="Article Heading")
            style = "Article Text EN" if lang == "en" and len(langs) == 2 else "Article Text"
            for line in article.texts[lang].splitlines():
                docx.add_paragraph(line, style=style)
    for _key, headings, texts in closing_articles(document):
        for lang in langs:
            docx.add_paragraph(headings[lang], style="Article Heading")
            docx.add_paragraph(texts[lang], style="Article Text EN" if lang == "en" and len(langs) == 2
                               else "Article Text")
    each("Signature Block", lambda lang: _t("signature_intro", lang))
    each("Signature Block", lambda lang: long_date(document.effective_on, lang))
    for role, party in (("party_a", document.entruster), ("party_b", document.entrustee)):
        docx.add_paragraph(_signature(role, party, langs), style="Signature Block")
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def _preamble(document: AddendumDocument, lang: str) -> str:
    names = {"entruster": document.entruster.name[lang], "entrustee": document.entrustee.name[lang],
             "work": document.work[lang]}
    if document.base_contract:
        title, signed_on = document.base_contract
        return _t("preamble_base", lang, contract=title, contract_date=long_date(signed_on, lang), **names)
    return _t("preamble_no_base", lang, **names)


def _signature(role: str, party: PartyDetails, langs: tuple[str, ...]) -> str:
    """The 記名押印欄 of one party: what we know filled in, the rest left blank to write by hand."""

    def label(key: str) -> str:
        return " / ".join(_t(key, lang) for lang in langs)

    blank = _t("blank", langs[0])
    lines = [
        label(role),
        f"  {label('address')}: {party.address or blank}",
        f"  {label('name')}: {party.name[langs[0]]}",
        f"  {label('corporate_number')}: {party.corporate_number or blank}",
        f"  {label('representative')}: {blank}  {label('seal')}",
    ]
    return "\n".join(lines)
