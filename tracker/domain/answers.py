"""Answers to a question set: one validation for the vendor page, the workbook and the command line.

An answer is stored as JSON by question id: yes_no "yes" / "no" / "na", a choice's value, text,
a date as YYYY-MM-DD, a number, a file as its attachment id, a table as a list of rows (column id →
value). ``parse`` turns what a person typed or a spreadsheet cell held into that form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import corporate_number, countries
from .dates import parse_date
from .clauses import Level
from .limits import text_problems
from .problems import Problem
from .questionnaires import AnswerType, Column, Question, QuestionSet

MAX_TEXT = 4000  # characters of one text answer
MAX_CELL = 300  # characters of one text cell of a table (a name, a line of work or data)
MAX_ROWS = 200
YES_NO_LABELS = {"yes": ("はい", "Yes"), "no": ("いいえ", "No"), "na": ("該当なし", "N/A")}


def options(item: Question | Column) -> list[tuple[str, str, str]]:
    """(value, ja, en) of what may be chosen, in order; empty for free answers."""
    if item.type == AnswerType.YES_NO:
        return [(v, ja, en) for v, (ja, en) in YES_NO_LABELS.items() if v != "na" or item.na]
    return [(c.value, c.ja, c.en) for c in item.choices]


def cell_label(value: str, ja: str, en: str) -> str:
    """How a choice reads in a bilingual workbook's drop-down: 「はい / Yes」."""
    return f"{ja} / {en}"


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def parse(item: Question | Column, raw: Any) -> tuple[Any, str | None]:
    """(value, None) or (None, message key): what a form field or a workbook cell held, as stored."""
    if _blank(raw):
        return None, None
    match item.type:
        case AnswerType.YES_NO | AnswerType.CHOICE:
            text = str(raw).strip()
            for value, ja, en in options(item):
                if text.casefold() in (value, ja.casefold(), en.casefold(), cell_label(value, ja, en).casefold()):
                    return value, None
            return None, "error.answer.invalid_choice"
        case AnswerType.TEXT:
            text = str(raw).strip()
            if isinstance(item, Column) and len(text) > MAX_CELL:
                return None, "error.answer.cell_too_long"
            if len(text) > MAX_TEXT:
                return None, "error.answer.too_long"
            return (None, "error.control_character") if text_problems({"text": text}) else (text, None)
        case AnswerType.DATE:
            if isinstance(raw, datetime):
                return raw.date().isoformat(), None
            if isinstance(raw, date):
                return raw.isoformat(), None
            meant = parse_date(str(raw))
            return (meant.isoformat(), None) if meant else (None, "error.answer.not_a_date")
        case AnswerType.NUMBER:
            if isinstance(raw, bool):
                return None, "error.answer.not_a_number"
            try:
                number = float(str(raw).strip().replace(",", ""))
            except ValueError:
                return None, "error.answer.not_a_number"
            if number != number or number < 0 or number > 1e12:  # NaN, negative, absurd
                return None, "error.answer.not_a_number"
            return (int(number) if number.is_integer() else number), None
        case AnswerType.COUNTRY:
            code = countries.normalise(str(raw))
            return (code, None) if code else (None, "error.answer.country")
        case AnswerType.CORPORATE_NUMBER:  # checked when the vendor submits, not when we accept
            number = corporate_number.normalise(str(raw).strip())
            return (None, "error.answer.corporate_number") if corporate_number.problem(number) else (number, None)
        case AnswerType.FILE:
            return (raw, None) if isinstance(raw, int) and not isinstance(raw, bool) else (None, "error.answer.file")
        case AnswerType.TABLE:
            return _table(item, raw)
    raise ValueError(item.type)


def _table(question: Question, raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        return None, "error.answer.table"
    rows = [row for row in raw if not all(_blank(row.get(c.id)) for c in question.columns)]
    if len(rows) > MAX_ROWS:
        return None, "error.answer.too_many_rows"
    return rows or None, None


def versioned(question_set: QuestionSet, clean: dict[str, Any]) -> dict[str, dict]:
    """Answers as a request keeps them: each with the version of the question it answered, so that
    an answer is never read against other wording."""
    return {qid: {"v": question_set.question(qid).version, "a": value} for qid, value in clean.items()}


def values_of(kept: dict[str, dict] | None) -> dict[str, Any]:
    """Question id → answer, from answers as a request keeps them (``versioned``)."""
    return {qid: entry["a"] for qid, entry in (kept or {}).items()}


def carried_over(question_set: QuestionSet, kept: dict[str, dict] | None) -> dict[str, dict]:
    """The answers of an accepted request a new one starts from: those to questions still asked in
    the same wording (version), files aside (a file belongs to the request it came with)."""
    asked = {q.id: q for q in question_set.questions}
    return {qid: entry for qid, entry in (kept or {}).items()
            if qid in asked and asked[qid].version == entry.get("v") and asked[qid].type != AnswerType.FILE}


def answered_by_problems(answered_by: str) -> list[Problem]:
    """A submission says who answered (a draft need not)."""
    return [] if answered_by.strip() else [Problem("answered_by", "error.required")]


def named_files(question_set: QuestionSet, answers: dict[str, Any], owned: dict[int, int], max_files: int,
                max_megabytes: int) -> tuple[set[int], list[Problem]]:
    """The attachment ids the file answers name, and what is wrong with them: each must be one of
    the request's own uploads (``owned``: id → size; never another record's file), and together
    within the count and size a request may hold."""
    named: set[int] = set()
    for question in question_set.questions:
        value = answers.get(question.id)
        if question.type == AnswerType.FILE and value is not None:
            if value not in owned:
                return named, [Problem(question.id, "error.answer.file")]
            named.add(value)
    if len(named) > max_files or sum(owned[i] for i in named) > max_megabytes * 1024 * 1024:
        return named, [Problem(None, "error.request.too_many_files", {"count": max_files, "max_mb": max_megabytes})]
    return named, []


def check_answers(question_set: QuestionSet, answers: dict[str, Any], final: bool) -> tuple[dict[str, Any], list[Problem]]:
    """The answers in stored form, and a problem per wrong answer (field: the question id; a table's
    cell: ``id[row].column``, row from 1). ``final``: a submission, where a required question
    without an answer is a problem too (a draft may be incomplete)."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for question in question_set.questions:
        value, code = parse(question, answers.get(question.id))
        if code:
            problems.append(Problem(question.id, code))
            continue
        if question.type == AnswerType.TABLE and value:
            value, table_problems = _check_rows(question, value, final)
            problems += table_problems
        if value is None:
            if final and question.required:
                problems.append(Problem(question.id, "error.answer.required"))
            continue
        clean[question.id] = value
    unknown = sorted(set(answers) - {q.id for q in question_set.questions})
    problems += [Problem(name, "error.answer.unknown_question") for name in unknown]
    return clean, problems


def _check_rows(question: Question, rows: list[dict], final: bool) -> tuple[list[dict], list[Problem]]:
    clean_rows, problems = [], []
    for number, row in enumerate(rows, start=1):
        clean_row = {}
        for column in question.columns:
            value, code = parse(column, row.get(column.id))
            where = f"{question.id}[{number}].{column.id}"
            if code:
                problems.append(Problem(where, code))
            elif value is None:
                if final and column.required:
                    problems.append(Problem(where, "error.answer.required"))
            else:
                clean_row[column.id] = value
        clean_rows.append(clean_row)
    return clean_rows, problems


@dataclass(frozen=True)
class Finding:
    question_id: str
    level: Level
    answer: str


def findings(question_set: QuestionSet, answers: dict[str, Any]) -> list[Finding]:
    """The answers the set calls findings (a "no" to a must-level measure …), must-level first."""
    found = [Finding(q.id, q.finding_level, answers[q.id]) for q in question_set.questions
             if q.finding_level is not None and answers.get(q.id) in q.finding_if]
    return sorted(found, key=lambda f: f.level != Level.MUST)


def display(item: Question | Column, value: Any, lang: str) -> str:
    """An answer as a person reads it (a file answer is shown by the page, which knows its name)."""
    if value is None:
        return ""
    labels = {v: (ja if lang == "ja" else en) for v, ja, en in options(item)}
    if labels:
        return labels.get(value, str(value))
    if isinstance(value, float):
        return f"{value:,}"
    if isinstance(value, int) and item.type == AnswerType.NUMBER:
        return f"{value:,}"
    return str(value)
