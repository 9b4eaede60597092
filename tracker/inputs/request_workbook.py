"""Reads a request's workbook back (``outputs.request_workbook`` wrote it): the request it belongs
to, the questions as they stand in the file, and the answers. Anything wrong is named by sheet, row
and column; the answers are then checked by the same rules as an online answer."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..domain.answers import check_answers
from ..domain.problems import Problem
from ..domain.questionnaires import AnswerType, QuestionSet
from ..formats.request_workbook_layout import (ANSWER, ANSWERED_BY_CELL, HEADER_ROW, MAIN_SHEET, META_SHEET, QUESTION_ID,
                                                TABLE_ROWS, TEXT_EN, TEXT_JA, checksum, table_sheet_name)
from .ledger_reader import Issue, precheck


@dataclass
class WorkbookAnswers:
    answers: dict[str, Any] = field(default_factory=dict)  # in stored form, once every issue is cleared
    answered_by: str = ""
    issues: list[Issue] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read(data: bytes, request_id: int, question_set: QuestionSet) -> WorkbookAnswers:
    """The answers of request ``request_id``, or the issues that refuse the file (all of them)."""
    result = WorkbookAnswers()

    def refuse(sheet: str | None, row: int | None, column: str | None, code: str, **params) -> WorkbookAnswers:
        result.issues.append(Issue(sheet, row, column, Problem(None, code, params)))
        return result

    try:
        refused = precheck(data)
        if refused:
            result.issues.append(Issue(None, None, None, refused))
            return result
        book = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, ParseError, DefusedXmlException):
        return refuse(None, None, None, "error.import.not_a_workbook")
    if META_SHEET not in book.sheetnames or MAIN_SHEET not in book.sheetnames:
        return refuse(None, None, None, "error.workbook.not_a_request")
    meta = {_text(row[0]): row[1] for row in book[META_SHEET].iter_rows(values_only=True) if row and row[0]}
    if str(meta.get("request_id")) != str(request_id):
        return refuse(META_SHEET, None, None, "error.workbook.other_request", found=f"R{meta.get('request_id')}",
                      expected=f"R{request_id}")
    if meta.get("set_id") != question_set.id or meta.get("checksum") != checksum(question_set):
        return refuse(None, None, None, "error.workbook.questions_changed")
    main = book[MAIN_SHEET]
    raw: dict[str, Any] = {}
    where: dict[str, tuple[str, int, str]] = {}  # question id (or table cell) → sheet, row, column
    for number, question in enumerate(question_set.questions, start=1):
        row = HEADER_ROW + number
        if (_text(main[f"{QUESTION_ID}{row}"].value) != question.id
                or _text(main[f"{TEXT_JA}{row}"].value) != question.text_ja
                or _text(main[f"{TEXT_EN}{row}"].value) != question.text_en):
            refuse(MAIN_SHEET, row, TEXT_JA, "error.workbook.question_edited")
            continue
        where[question.id] = (MAIN_SHEET, row, ANSWER)
        if question.type == AnswerType.TABLE:
            raw[question.id] = _table(book, question, where, refuse)
        elif question.type != AnswerType.FILE:
            raw[question.id] = main[f"{ANSWER}{row}"].value
    if result.issues:
        return result
    result.answered_by = _text(main[ANSWERED_BY_CELL].value)
    if not result.answered_by:
        refuse(MAIN_SHEET, int(ANSWERED_BY_CELL[1:]), ANSWERED_BY_CELL[0], "error.workbook.answered_by")
    # file answers cannot travel in a workbook: they are not checked as missing here
    files = {x.id for x in question_set.questions if x.type == AnswerType.FILE}
    clean, problems = check_answers(question_set, raw, final=True)
    for problem in problems:
        if problem.field in files:
            continue
        sheet, row, column = where.get(problem.field, (MAIN_SHEET, None, None))
        result.issues.append(Issue(sheet, row, column, problem))
    result.answers = clean
    return result


def _table(book, question, where: dict, refuse) -> list[dict]:
    name = table_sheet_name(question)
    if name not in book.sheetnames:
        refuse(name, None, None, "error.workbook.sheet_missing")
        return []
    sheet = book[name]
    ids = [_text(sheet.cell(4, index).value) for index in range(1, len(question.columns) + 1)]
    if ids != [c.id for c in question.columns]:
        refuse(name, 4, None, "error.workbook.question_edited")
        return []
    rows = []
    for offset in range(TABLE_ROWS):
        row = 5 + offset
        values = {c.id: sheet.cell(row, index).value for index, c in enumerate(question.columns, start=1)}
        if all(_text(v) == "" for v in values.values()):
            continue
        rows.append(values)
        for index, column in enumerate(question.columns, start=1):
            where[f"{question.id}[{len(rows)}].{column.id}"] = (name, row, get_column_letter(index))
    return rows
