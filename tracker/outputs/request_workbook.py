"""A request as an Excel workbook a vendor fills in: instructions in Japanese and English, the
questions in locked cells, an answer cell beside each with a drop-down or validation, a sheet per
table question (the sub-processor list), and a hidden sheet with the request id and a checksum of
the questions, so that an upload of another request's workbook, or of edited questions, is refused.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.answers import cell_label, display, options
from ..domain.questionnaires import AnswerType, Column, Question, QuestionSet
from ..formats.request_workbook_layout import (ANSWER, ANSWERED_BY_CELL, HEADER_ROW, MAIN_SHEET, META_SHEET, NUMBER,
                                               QUESTION_ID, REQUIRED, SECTION, SOURCE, TABLE_ROWS, TEXT_EN, TEXT_JA,
                                               checksum, table_sheet_name)

_FILL_HEAD = PatternFill("solid", fgColor="DDE4EE")
_FILL_ANSWER = PatternFill("solid", fgColor="FFF8DC")
_FILL_LOCKED = PatternFill("solid", fgColor="EEEEEE")
_WRAP = Alignment(wrap_text=True, vertical="top")
# column widths of the main sheet (in characters of the default font; a Japanese character is two)
_WIDTHS = {NUMBER: 5, SECTION: 16, TEXT_JA: 40, TEXT_EN: 40, ANSWER: 26, REQUIRED: 6, SOURCE: 24, QUESTION_ID: 4}
_LINE_POINTS = 15  # one line of 11-point text, with its spacing


def text_width(text: str) -> int:
    """How wide ``text`` is in character widths: a full-width character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)


def row_height(texts: list[tuple[str, float]]) -> float:
    """The height (points) that shows each (text, column width) whole when wrapped: Excel and
    LibreOffice do not grow a row for wrapped text they did not write themselves."""
    lines = 1
    for text, width in texts:
        usable = max(width - 1, 1)
        lines = max(lines, sum(max(1, -(-text_width(part) // usable)) for part in (text or "").split("\n")))
    return lines * _LINE_POINTS + 4


def _print_setup(sheet, title_rows: str) -> None:
    """A4 landscape, every column on the page's width (the answer column on the first page), the
    header rows repeated on each page, the request's title in the header."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "&P / &N"


@dataclass(frozen=True)
class WorkbookContext:
    """What the workbook says about the request (the vendor sees which of our data it is about)."""

    request_id: int
    organisation: str
    business: str
    work: str
    entrustee: str
    due_on: str


def write(question_set: QuestionSet, about: WorkbookContext, answers: dict[str, Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = MAIN_SHEET
    _intro(sheet, question_set, about)
    for column, width in _WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.column_dimensions[QUESTION_ID].hidden = True
    headers = ("No.", "区分 Section", "設問", "Question", "回答 Answer", "必須 Req.", "出典 Source", "id")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, index, header)
        cell.font, cell.fill, cell.alignment = Font(bold=True), _FILL_HEAD, _WRAP
    sheet.row_dimensions[HEADER_ROW].height = row_height([(h, w) for h, w in zip(headers, _WIDTHS.values(), strict=True)])
    lists: dict[tuple, DataValidation] = {}
    for number, question in enumerate(question_set.questions, start=1):
        row = HEADER_ROW + number
        section = question_set.section(question.section)
        values = (number, f"{section.title_ja}\n{section.title_en}", question.text_ja, question.text_en, None,
                  "○" if question.required else "", question.source, question.id)
        for index, value in enumerate(values, start=1):
            sheet.cell(row, index, value).alignment = _WRAP
        sheet.row_dimensions[row].height = row_height(
            [(question.text_ja, _WIDTHS[TEXT_JA]), (question.text_en, _WIDTHS[TEXT_EN]),
             (values[1], _WIDTHS[SECTION]), (question.source, _WIDTHS[SOURCE]),
             (str(values[4] or ""), _WIDTHS[ANSWER])])
        answer = sheet[f"{ANSWER}{row}"]
        if question.type == AnswerType.FILE:
            answer.value = "回答ページで添付 / attach on the answer page"
            answer.fill = _FILL_LOCKED
        elif question.type == AnswerType.TABLE:
            answer.value = f"→ {table_sheet_name(question)}"
            answer.fill = _FILL_LOCKED
            _table_sheet(workbook, question, answers.get(question.id) or [])
        else:
            answer.value = _cell_value(question, answers.get(question.id))
            _answer_cell(sheet, answer, question, lists)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.protection.sheet = True  # questions locked; answer cells are not
    sheet.protection.formatColumns = False  # the vendor may still widen a column to read
    meta = workbook.create_sheet(META_SHEET)
    for key, value in (("request_id", about.request_id), ("set_id", question_set.id),
                       ("set_version", question_set.version), ("checksum", checksum(question_set))):
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _intro(sheet, question_set: QuestionSet, about: WorkbookContext) -> None:
    sheet["A1"] = f"{question_set.title_ja} / {question_set.title_en}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"], sheet["A3"] = question_set.intro_ja, question_set.intro_en
    sheet["A4"] = ("黄色のセルにご回答ください。設問は変更しないでください（変更されたファイルは受け付けられません）。"
                   "回答後、このファイルを回答ページからアップロードするか、担当者へお送りください。")
    sheet["A5"] = ("Answer in the yellow cells. Do not change the questions: a file with changed questions is "
                   "refused. Then upload this file on the answer page, or send it back to your contact.")
    sheet["A6"] = (f"依頼番号 Request R{about.request_id}　{about.organisation} → {about.entrustee}　"
                   f"業務 Business: {about.business} / {about.work}　回答期限 Due: {about.due_on}")
    merged_width = sum(_WIDTHS[c] for c in "ABCDEFG")
    for row in range(2, 7):
        sheet.merge_cells(f"A{row}:G{row}")
        sheet[f"A{row}"].alignment = _WRAP
        sheet.row_dimensions[row].height = row_height([(str(sheet[f"A{row}"].value), merged_width)])
    sheet.row_dimensions[1].height = 24
    sheet["A7"], sheet["A7"].font = "回答者（所属・氏名） Answered by (department, name)", Font(bold=True)
    sheet.merge_cells("A7:D7")
    answered_by = sheet[ANSWERED_BY_CELL]
    answered_by.protection, answered_by.fill = Protection(locked=False), _FILL_ANSWER


def _cell_value(item: Question | Column, value: Any) -> Any:
    if value is None:
        return None
    labels = {v: cell_label(v, ja, en) for v, ja, en in options(item)}
    return labels.get(value, value) if labels else (display(item, value, "en") if item.type == "number" else value)


def _answer_cell(sheet, cell, item: Question | Column, lists: dict) -> None:
    cell.protection, cell.fill, cell.alignment = Protection(locked=False), _FILL_ANSWER, _WRAP
    validation = _validation(item, lists)
    if validation is not None:
        if validation not in sheet.data_validations.dataValidation:
            sheet.add_data_validation(validation)
        validation.add(cell)
    if item.type == AnswerType.DATE:
        cell.number_format = "yyyy-mm-dd"


def _validation(item: Question | Column, lists: dict) -> DataValidation | None:
    labels = tuple(cell_label(*option) for option in options(item))
    if labels:
        key = ("list", labels)
        if key not in lists:  # one validation per distinct list, however many cells use it
            lists[key] = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True,
                                        showErrorMessage=True, errorTitle="回答 / Answer",
                                        error="一覧から選んでください / Choose from the list")
        return lists[key]
    if item.type in (AnswerType.DATE, AnswerType.NUMBER):
        key = (item.type.value,)
        if key not in lists:
            lists[key] = (DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                                         showErrorMessage=True, error="日付 YYYY-MM-DD / a date")
                          if item.type == AnswerType.DATE else
                          DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                         showErrorMessage=True, error="0以上の数 / a number, 0 or more"))
        return lists[key]
    return None


def _table_sheet(workbook: Workbook, question: Question, rows: list[dict]) -> None:
    sheet = workbook.create_sheet(table_sheet_name(question))
    lists: dict[tuple, DataValidation] = {}  # a validation belongs to one sheet
    sheet["A1"] = f"{question.text_ja} / {question.text_en}"
    sheet["A1"].font = Font(bold=True)
    sheet["A2"] = "1行に1件。必須の列（○）を埋めてください。 One per row; fill the columns marked ○."
    for index, column in enumerate(question.columns, start=1):
        cell = sheet.cell(3, index, f"{column.text_ja}\n{column.text_en}" + (" ○" if column.required else ""))
        cell.font, cell.fill, cell.alignment = Font(bold=True), _FILL_HEAD, _WRAP
        sheet.column_dimensions[get_column_letter(index)].width = 22
        sheet.cell(4, index, column.id)  # the column's id (hidden row): what the reader matches
        for offset in range(TABLE_ROWS):
            row = 5 + offset
            given = rows[offset].get(column.id) if offset < len(rows) else None
            target = sheet.cell(row, index, _cell_value(column, given))
            _answer_cell(sheet, target, column, lists)
    sheet.row_dimensions[3].height = row_height([(f"{c.text_ja}\n{c.text_en} ○", 22) for c in question.columns])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(question.columns))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(question.columns))
    sheet.row_dimensions[4].hidden = True
    sheet.freeze_panes = "A5"
    _print_setup(sheet, "3:3")
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
