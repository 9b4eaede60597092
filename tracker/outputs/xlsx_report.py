"""Streams sheets into an .xlsx with openpyxl's write-only mode: rows go to disk as they come, so a
report of 200,000 engagements never holds the workbook in memory.

Every sheet is a real Excel table (filters) with a frozen header, column widths, optional
conditional formatting, and A4-landscape print set-up with the as-of date in header and footer.
Text that a spreadsheet would run as a formula (= + - @, tab, CR first) is written as text."""

from __future__ import annotations

import itertools
import warnings

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
ORANGE = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
FILLS = {"red": RED, "orange": ORANGE, "green": GREEN}


@dataclass
class Highlight:
    """Colour the cells of ``column`` that equal ``value`` (e.g. "overdue", "missing")."""

    column: str  # a header, or "*" for every column after the first ``skip`` ones
    value: str
    colour: str
    skip: int = 0


@dataclass
class Chart:
    title: str
    label_column: int  # 1-based column of the category labels
    value_columns: Sequence[int]
    anchor: str = "B20"


@dataclass
class SheetSpec:
    title: str  # the tab name (≤ 31 characters)
    table: str  # the Excel table's name (letters, digits, underscores)
    headers: list[str]
    rows: Iterable[Sequence[Any]]
    widths: list[int] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)  # 0-based column → number format ("0.0%")


def safe(sheet, value: Any) -> Any:
    """A value as written: risky text becomes a text cell with a quote prefix, never a formula."""
    if isinstance(value, str) and value.startswith(RISKY_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included


def write(target: str | Path | IO[bytes], sheets: list[SheetSpec], header_text: str, footer_text: str,
          max_rows: int = EXCEL_MAX_ROWS) -> dict[str, int]:
    """Write every sheet in order; returns the number of data rows of each. A sheet longer than
    Excel allows continues on "title (2)", "title (3)" … with the same header and table."""
    book = Workbook(write_only=True)
    counts = {}
    for spec in sheets:
        rows = iter(spec.rows)
        part, total = 1, 0
        while True:
            title = spec.title[:31] if part == 1 else f"{spec.title[:25]} ({part})"
            written, rows = _write_sheet(book, spec, title, spec.table if part == 1 else f"{spec.table}{part}", rows,
                                         max_rows - 1, header_text, footer_text)
            total += written
            if rows is None:
                break
            part += 1
        counts[spec.title] = total
    book.save(target)
    return counts


def _write_sheet(book, spec: SheetSpec, title: str, table_name: str, rows: Iterator, limit: int, header_text: str,
                 footer_text: str) -> tuple[int, Iterator | None]:
    """Up to ``limit`` rows into a new sheet; returns the rows written and the rows left (None: all
    written)."""
    sheet = book.create_sheet(title)
    _set_up(sheet, spec, title, header_text, footer_text)
    bold = Font(bold=True)
    header = []
    for text in spec.headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        values = [safe(sheet, v) for v in row]
        for column, number_format in spec.formats.items():
            if values[column] is not None:
                cell = WriteOnlyCell(sheet, value=values[column])
                cell.number_format = number_format
                values[column] = cell
        sheet.append(values)
        count += 1
        if count == limit:
            break
    left = None
    if count == limit:  # peek: an exact fit leaves nothing for a next sheet
        following = next(rows, None)
        if following is not None:
            left = itertools.chain([following], rows)
    if count:
        last = f"{get_column_letter(len(spec.headers))}{count + 1}"
        table = Table(displayName=table_name, ref=f"A1:{last}")
        # write-only mode cannot read the header back: name the columns here
        table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(spec.headers, start=1)]
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():  # openpyxl warns in write-only mode even when the columns are named
            warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
            sheet.add_table(table)
        _highlight(sheet, spec, count)
        for chart in spec.charts:
            sheet.add_chart(_bar(sheet, chart, count), chart.anchor)
    return count, left


def header_footer_text(text: str) -> str:
    """Text for a print header or footer, where & starts a code (&P page, &D date, &"font"…): an
    organisation called "A&B" must print as itself, so every & is doubled."""
    return text.replace("&", "&&")


def _set_up(sheet, spec: SheetSpec, title: str, header_text: str, footer_text: str) -> None:
    # write-only: freeze panes and widths must be set before the first row is written
    sheet.freeze_panes = "A2"
    for index, width in enumerate(spec.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.left.text = header_footer_text(header_text)
    sheet.oddHeader.right.text = header_footer_text(title)
    sheet.oddFooter.left.text = header_footer_text(footer_text)
    sheet.oddFooter.right.text = "&P / &N"


def _highlight(sheet, spec: SheetSpec, count: int) -> None:
    for rule in spec.highlights:
        if rule.column == "*":
            first, last = rule.skip + 1, len(spec.headers)
        else:
            first = last = spec.headers.index(rule.column) + 1
        area = f"{get_column_letter(first)}2:{get_column_letter(last)}{count + 1}"
        sheet.conditional_formatting.add(area, CellIsRule(operator="equal", formula=[f'"{rule.value}"'],
                                                          fill=FILLS[rule.colour]))


def _bar(sheet, chart: Chart, count: int) -> BarChart:
    bar = BarChart()
    bar.type = "bar"
    bar.title = chart.title
    bar.height, bar.width = 8 + count * 0.4, 18
    for column in chart.value_columns:
        bar.add_data(Reference(sheet, min_col=column, min_row=1, max_row=count + 1), titles_from_data=True)
    bar.set_categories(Reference(sheet, min_col=chart.label_column, min_row=2, max_row=count + 1))
    return bar
