"""Builds contract_clauses/addendum_template.docx, the template every addendum starts from: A4,
a Japanese East Asian font on every style (python-docx does not set one by itself), the styles the
addendum writer uses, and page numbers in the footer.

Run ``python -m tracker.outputs.addendum_template`` after changing it; the .docx is kept in the
repository so an organisation can restyle it in Word (keeping the style names)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..config import CLAUSES_DIR

TEMPLATE = CLAUSES_DIR / "addendum_template.docx"
EAST_ASIAN_FONT = "游明朝"
LATIN_FONT = "Times New Roman"
STYLES = ("Addendum Title", "Addendum Preamble", "Article Heading", "Article Text", "Signature Block")


def set_east_asian_font(style, name: str = EAST_ASIAN_FONT) -> None:
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _style(document, name: str, size: float, bold: bool = False, italic: bool = False):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    set_east_asian_font(style)
    return style


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph.add_run("- ")
    paragraph._p.append(field)
    paragraph.add_run(" -")


def build(path: Path = TEMPLATE) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    set_east_asian_font(normal)

    title = _style(document, "Addendum Title", 16, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(18)
    preamble = _style(document, "Addendum Preamble", 10.5)
    preamble.paragraph_format.first_line_indent = Pt(10.5)
    preamble.paragraph_format.space_after = Pt(12)
    heading = _style(document, "Article Heading", 10.5, bold=True)
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.keep_with_next = True
    text = _style(document, "Article Text", 10.5)
    text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    text.paragraph_format.first_line_indent = Pt(10.5)
    signature = _style(document, "Signature Block", 10.5)
    signature.paragraph_format.space_before = Pt(6)
    signature.paragraph_format.keep_together = True

    _page_number_footer(section)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
