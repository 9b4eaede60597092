"""Streams sheets into an .xlsx with openpyxl's write-only mode: rows go to disk as they come, so a
report of 200,000 engagements never holds the workbook in memory.

Every sheet is a real Excel table (filters) with a frozen, wrapped header, column widths, optional
conditional formatting, and A4-landscape print set-up with the as-of date in header and footer:
fitted to the page's width when that keeps the text at 8 pt or more, else printed at the smallest
readable scale across several pages with the identifying columns repeated. Text that a spreadsheet
would run as a formula (= + - @, tab, CR first) is written as text."""

from __future__ import annotations

import itertools
import tempfile
import unicodedata
import warnings
import zipfile

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any
from xml.etree import ElementTree  # the workbook's own two index parts, written by openpyxl just before

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from .xlsx_rows import RISKY_START, RowWriter

RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
ORANGE = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
FILLS = {"red": RED, "orange": ORANGE, "green": GREEN}
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"

# Print geometry (Calibri 11, openpyxl's default margins of 0.7 in left and right)
BODY_POINTS = 11
MIN_POINTS = 8  # no printed page smaller than this
A4_PRINTABLE_POINTS = {"landscape": (842 - 2 * 0.7 * 72), "portrait": (595 - 2 * 0.7 * 72)}
MIN_SCALE = -(-MIN_POINTS * 100 // BODY_POINTS)  # 73 %: 11 pt prints at 8.03 pt


LINE_POINTS = 15  # the height of one line of 11 pt text


def text_width(text: str) -> int:
    """Width in character units: a full-width (Japanese) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped ``text`` takes in a column ``width`` characters wide (a spreadsheet does not
    grow a row by itself when a file is opened, so the writer sets the height)."""
    usable = max(width - 1, 1)
    return max(1, sum(-(-text_width(line) // usable) or 1 for line in str(text).splitlines() or [""]))


def set_row_height(sheet, row: int, lines: int) -> None:
    """Before the row is written (write-only mode writes heights with the row)."""
    if lines > 1:
        sheet.row_dimensions[row] = RowDimension(sheet, index=row, ht=LINE_POINTS * min(lines, 4))


def column_points(width: float) -> float:
    """Printed width of a column ``width`` characters wide at 100 % (7 px a character, 5 px padding)."""
    return (width * 7 + 5) * 0.75


def fitted_scale(widths: Sequence[float], orientation: str = "landscape") -> int:
    """The scale (%) at which ``fitToWidth = 1`` would print these columns on one page's width."""
    total = sum(column_points(w) for w in widths) or 1
    return min(100, int(A4_PRINTABLE_POINTS[orientation] * 100 // total))


@dataclass
class Highlight:
    """Colour the cells of ``column`` that equal ``value`` (e.g. "overdue", "missing")."""

    column: str  # a header, or "*" for every column after the first ``skip`` ones
    value: str
    colour: str
    skip: int = 0


@dataclass
class SheetSpec:
    title: str  # the tab name (≤ 31 characters)
    table: str  # the Excel table's name (letters, digits, underscores)
    headers: list[str]
    rows: Iterable[Sequence[Any]]
    widths: list[int] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)  # 0-based column → number format ("0.0%", dates)
    key_columns: int = 1  # leading columns that say which row it is, repeated on every page across
    empty_note: str = ""  # written under the header when there is no row, so a blank sheet says why


def safe(sheet, value: Any) -> Any:
    """A value as written: risky text becomes a text cell with a quote prefix, never a formula."""
    if isinstance(value, str) and value.startswith(RISKY_START):
        return cell_of(sheet, value)
    return value


def cell_of(sheet, value: Any):
    """A cell (to be styled) holding ``value``; risky text is kept as text."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(RISKY_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included


Progress = Callable[[int, int, str], None]  # (sheets done, sheets in all, the sheet being written)


def write(target: str | Path | IO[bytes], sheets: list[SheetSpec], header_text: str, footer_text: str,
          max_rows: int = EXCEL_MAX_ROWS, first: Callable[[Workbook], None] | None = None,
          progress: Progress | None = None) -> dict[str, int]:
    """Write ``first`` (a sheet of its own layout, e.g. the overview) then every sheet in order;
    returns the number of data rows of each. A sheet longer than Excel allows continues on
    "title (2)", "title (3)" … with the same header and table.

    The rows are written first, as SpreadsheetML, to a file per sheet (``xlsx_rows``); openpyxl
    then writes the workbook around them — headers, tables and highlights sized to the rows
    counted, print set-up, the overview — and the rows are put into their sheets as the file is
    packed."""
    book = Workbook(write_only=True)
    if first is not None:
        first(book)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="tracker-report-") as folder:
        parts: list[tuple[SheetSpec, str, str, Path, int]] = []  # spec, title, table, rows file, count
        for done, spec in enumerate(sheets):
            if progress:
                progress(done, len(sheets), spec.title)
            styles = _column_styles(book, spec)
            rows, part, total = iter(spec.rows), 1, 0
            while True:
                title = spec.title[:31] if part == 1 else f"{spec.title[:25]} ({part})"
                table = spec.table if part == 1 else f"{spec.table}{part}"
                path = Path(folder) / f"{len(parts)}.xml"
                with path.open("wb") as out:
                    writer = RowWriter(out, *styles, columns=len(spec.headers))
                    ran_out = writer.write(rows, max_rows - 1)
                    writer.flush()
                parts.append((spec, title, table, path, writer.rows))
                total += writer.rows
                if ran_out:
                    break
                following = next(rows, None)  # an exact fit leaves nothing for a next sheet
                if following is None:
                    break
                rows, part = itertools.chain([following], rows), part + 1
            counts[spec.title] = total
        if progress:  # every sheet's rows are written: what is left is packing them into the file
            progress(len(sheets), len(sheets), "")
        for spec, title, table, _, count in parts:
            _write_frame(book, spec, title, table, count, header_text, footer_text)
        frame = Path(folder) / "frame.xlsx"
        book.save(frame)
        _pack(frame, target, {title: path for _, title, _, path, _ in parts})
    return counts


def _column_styles(book: Workbook, spec: SheetSpec) -> tuple[dict[int, int], int, int]:
    """The style indices the rows refer to: each formatted column's, a date's, quoted text's
    (registered in the workbook now, written with it by openpyxl)."""
    def style(**attributes) -> int:
        # a cell of no sheet, only its style wanted: openpyxl finds the workbook through cell.parent.parent
        cell = WriteOnlyCell(SimpleNamespace(parent=book))
        for name, value in attributes.items():
            setattr(cell, name, value)
        return book._cell_styles.add(cell._style)  # the index its cells are written with
    return ({column: style(number_format=number_format) for column, number_format in spec.formats.items()},
            style(number_format=DATE_FORMAT), style(quotePrefix=True))


def _write_frame(book: Workbook, spec: SheetSpec, title: str, table_name: str, count: int, header_text: str,
                 footer_text: str) -> None:
    """The sheet without its rows: set-up, header, and the table and highlights over ``count`` rows."""
    sheet = book.create_sheet(title)
    _set_up(sheet, spec, title, header_text, footer_text)
    set_row_height(sheet, 1, max(lines_needed(h, w) for h, w in zip(spec.headers, _widths(spec), strict=True)))
    sheet.append(header_cells(sheet, spec.headers))
    if not count:
        if spec.empty_note:
            sheet.append([spec.empty_note])
        return
    last = f"{get_column_letter(len(spec.headers))}{count + 1}"
    table = Table(displayName=table_name, ref=f"A1:{last}")
    # write-only mode cannot read the header back: name the columns here
    table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(spec.headers, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even when the columns are named
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
        sheet.add_table(table)
    _highlight(sheet, spec, count)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CHUNK = 1 << 20


def _pack(frame: Path, target: str | Path | IO[bytes], rows_of: dict[str, Path]) -> None:
    """Copy the workbook ``frame`` into ``target``, each titled sheet's rows put after its header."""
    with zipfile.ZipFile(frame) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as packed:
        part_of = _sheet_parts(source)
        fill = {part_of[title]: path for title, path in rows_of.items()}
        for info in source.infolist():
            path = fill.get(info.filename)
            if path is None:
                packed.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = source.read(info).split(b"</sheetData>")
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with packed.open(entry, "w", force_zip64=path.stat().st_size > (1 << 30)) as out, path.open("rb") as rows:
                out.write(head)
                while chunk := rows.read(_CHUNK):
                    out.write(chunk)
                out.write(b"</sheetData>" + tail)


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → the archive path of its XML (through the workbook's relationships)."""
    targets = {rel.get("Id"): rel.get("Target") for rel in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))}  # noqa: S314 - our own file (see the import)
    parts = {}
    for sheet in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):  # noqa: S314 - our own file (see the import)
        target = targets[sheet.get(_RELATIONSHIP)]
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _widths(spec: SheetSpec) -> list[float]:
    return list(spec.widths) + [8.43] * (len(spec.headers) - len(spec.widths))  # Excel's default width


def header_cells(sheet, headers: Sequence[str]) -> list[WriteOnlyCell]:
    """A header row: bold, shaded, wrapped (a long header takes two lines, never runs into the next)."""
    cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, WRAP
        cells.append(cell)
    return cells


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
    sheet.print_title_rows = "1:1"
    if fitted_scale(spec.widths) >= MIN_SCALE:  # the whole width on one page, still readable
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    else:  # too wide: the smallest readable scale, pages across, each with the row's key columns
        sheet.page_setup.scale = MIN_SCALE
        sheet.print_title_cols = f"A:{get_column_letter(spec.key_columns)}"
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
