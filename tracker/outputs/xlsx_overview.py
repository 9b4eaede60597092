"""The report's first sheet: a one-page A4 overview for the board. Title, organisation and as-of
date; the figures with a one-line definition each; a short table by business; where the
must-level findings are; two charts with whole-number axes. Printed on one portrait page.

It is laid out here from plain values (the service decides what the figures are)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font

from .xlsx_report import (DATE_FORMAT, cell_of, header_cells, header_footer_text, lines_needed, safe, set_row_height,
                          text_width)

WIDTHS = [28, 11] + [8] * 8  # at least: about 85 % on A4 portrait, 9.4 pt text
TITLE = Font(bold=True, size=14)
SECTION = Font(bold=True, size=11)
GREY = Font(color="595959", size=9)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")  # long text beside a wrapped cell runs on to the right, on its first line
INDENTED = Alignment(vertical="top", indent=1)  # a definition, kept apart from the figure before it


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float | None  # None: nothing to measure (shown as "—")
    definition: str
    percent: bool = False


@dataclass
class Block:
    """A small table: a section title, a header, rows (already cut to what fits on the page)."""

    title: str
    headers: list[str]
    rows: list[Sequence[Any]]
    formats: dict[int, str] = field(default_factory=dict)  # 0-based column → number format
    note: str = ""  # under the rows (e.g. "12 more on the Summary sheet")
    empty: str = ""  # instead of the rows when there is none


@dataclass
class Overview:
    sheet_title: str
    title: str
    facts: list[tuple[str, Any]]  # (label, value): organisation, as-of date, scope
    figures_title: str
    figures_headers: list[str]  # figure, value, definition
    figures: list[Figure]
    by_business: Block
    findings: Block
    charts: list[tuple[str, list[int]]] = field(default_factory=list)  # (title, by_business value columns)
    header_text: str = ""
    footer_text: str = ""


def whole_step(largest: float) -> int:
    """A whole-number major unit giving about five gridlines: 1, 2, 5, 10, 20, 50 …"""
    if largest <= 5:
        return 1
    rough = largest / 5
    power = 10 ** math.floor(math.log10(rough))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= rough))


def column_widths(*header_rows: Sequence[str]) -> list[float]:
    """``WIDTHS``, each column widened to hold the longest word of its headers whole: a wrapped
    English header breaks between words ("Approval rate"), never inside one ("Approva l rate").
    Japanese may break between any two characters, so only words of ASCII letters count."""
    widths = list(WIDTHS)
    for headers in header_rows:
        for index, text in enumerate(headers[:len(widths)]):
            words = [w for w in str(text).split() if w.isascii()]
            widths[index] = max([widths[index], *(text_width(w) + 2 for w in words)])
    return widths


def write_overview(book: Workbook, overview: Overview) -> None:
    sheet = book.create_sheet(overview.sheet_title[:31])
    widths = column_widths(overview.figures_headers[:2], overview.by_business.headers, overview.findings.headers)
    _set_up(sheet, overview, widths)
    row = 0

    def put(values: Sequence[Any], wrapped: Sequence[str] = ()) -> int:
        """Append a row; ``wrapped`` are its texts that wrap, one per column from A."""
        nonlocal row
        row += 1
        set_row_height(sheet, row, max((lines_needed(text, widths[i]) for i, text in enumerate(wrapped)), default=1))
        if wrapped:  # a taller row: every cell at its top, level with the wrapped text
            values = [v if hasattr(v, "alignment") else _cell(sheet, v) for v in values]
            for cell in values:
                if cell.alignment.vertical is None:
                    cell.alignment = TOP
        sheet.append(list(values))
        return row

    put([_cell(sheet, overview.title, TITLE)])
    for label, value in overview.facts:
        put([_cell(sheet, label, SECTION), _value(sheet, value)])
    put([])
    put([_cell(sheet, overview.figures_title, SECTION)])
    # the definitions run on across the page: so does their header, over a band as wide as the tables below
    headers = header_cells(sheet, [*overview.figures_headers, *[None] * (len(widths) - 3)])
    headers[2].alignment = TOP
    put(headers, overview.figures_headers[:2])
    for figure in overview.figures:
        value = _cell(sheet, "—" if figure.value is None else figure.value)
        value.number_format = "0.0%" if figure.percent else "#,##0"
        put([_cell(sheet, figure.label, alignment=WRAP_TOP), value, _cell(sheet, figure.definition, GREY, INDENTED)],
            [figure.label])
    put([])
    first_data = _block(sheet, overview.by_business, put) + 1
    last_data = first_data + len(overview.by_business.rows) - 1
    put([])
    _block(sheet, overview.findings, put)
    put([])
    if overview.by_business.rows:
        for index, (title, columns) in enumerate(overview.charts):
            chart = _bar(sheet, title, columns, first_data, last_data, overview.by_business.rows)
            sheet.add_chart(chart, f"{'AE'[index % 2]}{row + 1}")


def _block(sheet, block: Block, put) -> int:
    """Writes the block; returns the row of its header (the data follow it)."""
    put([_cell(sheet, block.title, SECTION)])
    header_row = put(header_cells(sheet, block.headers), block.headers)
    if not block.rows and block.empty:
        put([_cell(sheet, block.empty, GREY)])
    for values in block.rows:
        cells = [safe(sheet, v) for v in values]
        cells[0] = _cell(sheet, values[0], alignment=WRAP_TOP)  # a long name takes two lines, not the next cell
        for column, number_format in block.formats.items():
            if values[column] is not None:
                cells[column] = _cell(sheet, values[column])
                cells[column].number_format = number_format
        put(cells, [str(values[0])])
    if block.note:
        put([_cell(sheet, block.note, GREY)])
    return header_row


def _cell(sheet, value: Any, font: Font | None = None, alignment: Alignment | None = None):
    cell = cell_of(sheet, value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _value(sheet, value: Any):
    if isinstance(value, date):
        cell = cell_of(sheet, value)
        cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="left")
        return cell
    return safe(sheet, value)


def _set_up(sheet, overview: Overview, widths: list[float]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1  # the overview is one page
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.left.text = header_footer_text(overview.header_text)
    sheet.oddFooter.left.text = header_footer_text(overview.footer_text)


def _bar(sheet, title: str, columns: list[int], first: int, last: int, rows: list[Sequence[Any]]) -> BarChart:
    """A horizontal bar chart of some by-business columns (1-based), stacked when several."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.width, chart.height = 9.6, 6.5  # cm: two side by side across the page
    if len(columns) > 1:
        chart.grouping, chart.overlap = "stacked", 100
    for column in columns:
        chart.add_data(Reference(sheet, min_col=column, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    largest = max((sum(r[c - 1] or 0 for c in columns) for r in rows), default=0)
    chart.y_axis.majorUnit = whole_step(largest)  # counts: never a 0.5 step
    chart.y_axis.number_format = "0"
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides axes unless told
    chart.legend.position = "b"
    return chart
