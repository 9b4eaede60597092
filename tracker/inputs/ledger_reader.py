"""Reads a ledger workbook into typed rows, naming the sheet, row and column of every value it
cannot read. Reading only: the rules of the registry are checked by the import service."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache, cache
from datetime import date, datetime
from typing import Any

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .. import i18n
from ..domain import countries
from ..domain.problems import Problem
from ..formats.ledger_format import COVERAGE_CHOICES, SHEETS, Column, Kind, Sheet

_SEPARATORS = re.compile(r"[、,;；/／]+")
_TRUE = {"yes", "true", "1", "はい", "有", "あり", "○", "y"}
_FALSE = {"no", "false", "0", "いいえ", "無", "なし", "×", "n", ""}


@dataclass(frozen=True)
class Issue:
    sheet: str | None  # the sheet's name as in the file (None: the file as a whole)
    row: int | None  # 1-based, as Excel shows it
    column: str | None  # the header as in the file
    problem: Problem


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    coverage: dict[str, str] = field(default_factory=dict)  # clause id → covered / partial


@dataclass
class Ledger:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)  # key → the name in the file
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # key → field → header in the file
    issues: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)  # taken, but the user should know (a formula read as text)


# What a workbook may unpack to, checked before anything is parsed: a small file can hold a
# 900-MB string or twenty million of them (a ledger of 20,000 rows unpacks to about 30 MB).
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
MAX_PART_BYTES = 80 * 1024 * 1024  # one sheet, or the shared strings
MAX_ROWS = 50_000  # per sheet
MAX_CELL = 5_000  # characters in one cell (the longest field of the registry)


def precheck(data: bytes) -> Problem | None:
    """What can be told from the package before parsing: its unpacked size, and document type
    declarations (never in a real workbook; the way in for XXE and billion laughs)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        sizes = [info.file_size for info in infos]
        if sum(sizes) > MAX_UNPACKED_BYTES or max(sizes, default=0) > MAX_PART_BYTES:
            return Problem(None, "error.import.too_big", {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)})
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    if b"<!DOCTYPE" in part.read(4096).upper():
                        return Problem(None, "error.import.not_a_workbook")
    return None


@cache
def _labels(key: str) -> frozenset[str]:
    return frozenset(i18n.t(key, lang).strip().lower() for lang in i18n.LANGUAGES)


@cache
def _coded(prefix: str) -> dict[str, str]:
    """Every accepted spelling of a coded value (code, Japanese label, English label) → code."""
    found = {}
    for lang in i18n.LANGUAGES:
        for key, text in i18n.catalogue(lang).items():
            if key.startswith(prefix) and "." not in key[len(prefix):]:
                code = key[len(prefix):]
                found[code.lower()] = code
                found[text.strip().lower()] = code
    return found


_country = lru_cache(maxsize=1024)(countries.normalise)


def _convert(column: Column, value: Any) -> tuple[Any, Problem | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, Problem(column.field, "error.required") if column.required else None
    if column.kind == Kind.TEXT:
        return (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()), None
    if column.kind == Kind.INT:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, Problem(column.field, "error.import.not_a_number")
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            return None, Problem(column.field, "error.import.not_a_number")
        if not number.is_integer():
            return None, Problem(column.field, "error.import.not_a_number")
        return int(number), None
    if column.kind == Kind.DATE:
        if isinstance(value, datetime):
            return value.date(), None
        if isinstance(value, date):
            return value, None
        try:
            return date.fromisoformat(str(value).strip().replace("/", "-")), None
        except ValueError:
            return None, Problem(column.field, "error.import.not_a_date")
    if column.kind == Kind.BOOL:
        text = str(value).strip().lower()
        if text in _TRUE or value is True:
            return True, None
        if text in _FALSE or value is False:
            return False, None
        return None, Problem(column.field, "error.import.not_yes_no")
    if column.kind == Kind.CHOICE:
        code = _coded(column.choices).get(str(value).strip().lower())
        return (code, None) if code else (None, Problem(column.field, "error.import.unknown_value",
                                                        {"value": str(value)}))
    parts = [p.strip() for p in _SEPARATORS.split(str(value)) if p.strip()]
    if column.kind == Kind.CHOICES:
        table = _coded(column.choices)
        unknown = [p for p in parts if p.lower() not in table]
        if unknown:
            return None, Problem(column.field, "error.import.unknown_value", {"value": "、".join(unknown)})
        return sorted({table[p.lower()] for p in parts}), None
    codes = [_country(p) for p in parts]
    if None in codes:
        return None, Problem(column.field, "error.country.unknown",
                             {"country": ", ".join(p for p, c in zip(parts, codes, strict=True) if c is None)})
    return sorted(set(codes)), None


def read(data: bytes, clause_ids: list[str], clause_titles: dict[str, set[str]]) -> Ledger:
    """``clause_titles``: clause id → its accepted titles (for the contract sheet's clause columns)."""
    ledger = Ledger()
    try:
        refused = precheck(data)
        if refused:
            ledger.issues.append(Issue(None, None, None, refused))
            return ledger
        # formulas as their text: a name typed as =HYPERLINK(…) is taken literally (and noted)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, ParseError,
            DefusedXmlException):
        ledger.issues.append(Issue(None, None, None, Problem(None, "error.import.not_a_workbook")))
        return ledger
    names = {name.strip().lower(): name for name in book.sheetnames}
    for sheet in SHEETS:
        found = next((names[label] for label in _labels(sheet.label) if label in names), None)
        if found is None:
            continue
        ledger.sheet_names[sheet.key] = found
        try:
            _read_sheet(ledger, sheet, book[found], clause_ids, clause_titles)
        except (ParseError, DefusedXmlException, KeyError, ValueError):  # a damaged or hostile sheet part
            ledger.issues.append(Issue(found, None, None, Problem(None, "error.import.not_a_workbook")))
    if not ledger.sheet_names:
        ledger.issues.append(Issue(None, None, None, Problem(None, "error.import.no_sheets")))
    elif not any(ledger.rows.values()) and not ledger.issues:
        ledger.issues.append(Issue(None, None, None, Problem(None, "error.import.empty")))
    book.close()
    return ledger


def _read_sheet(ledger: Ledger, sheet: Sheet, worksheet, clause_ids: list[str],
                clause_titles: dict[str, set[str]]) -> None:
    name = ledger.sheet_names[sheet.key]
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    position = {str(h).strip().lower(): i for i, h in enumerate(header) if h is not None}
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for column in sheet.columns:
        index = next((position[label] for label in _labels(column.label) if label in position), None)
        if index is None:
            if column.required:
                ledger.issues.append(Issue(name, 1, i18n.t(column.label), Problem(column.field,
                                                                                  "error.import.missing_column")))
            continue
        columns[column.field] = index
        headers[column.field] = str(header[index])
    clause_columns = {}
    if sheet.key == "contracts":
        for clause_id in clause_ids:
            index = next((position[t] for t in clause_titles[clause_id] if t in position), None)
            if index is not None:
                clause_columns[clause_id] = index
                headers[clause_id] = str(header[index])
    ledger.headers[sheet.key] = headers
    if any(i.sheet == name and i.row == 1 for i in ledger.issues):
        return  # a required column is missing: its rows cannot be read
    coverage_codes = _coded(COVERAGE_CHOICES)
    parsed = ledger.rows.setdefault(sheet.key, [])
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            ledger.issues.append(Issue(name, number, None, Problem(None, "error.import.too_many_rows",
                                                                   {"max": MAX_ROWS})))
            return
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = Row(number, {})
        for column in sheet.columns:
            if column.field not in columns:
                continue
            index = columns[column.field]
            raw = values[index] if index < len(values) else None
            if isinstance(raw, str) and len(raw) > MAX_CELL:
                ledger.issues.append(Issue(name, number, headers[column.field], Problem(
                    column.field, "error.too_long", {"max": MAX_CELL, "length": len(raw)})))
                continue
            if isinstance(raw, str) and raw.startswith("="):
                ledger.notes.append(Issue(name, number, headers[column.field], Problem(
                    column.field, "import.note.formula_as_text", {"value": raw[:80]})))
            value, problem = _convert(column, raw)
            if problem:
                ledger.issues.append(Issue(name, number, headers[column.field], problem))
            row.values[column.field] = value
        for clause_id, index in clause_columns.items():
            raw = values[index] if index < len(values) else None
            if raw is None or not str(raw).strip():
                continue
            code = coverage_codes.get(str(raw).strip().lower())
            if code not in ("covered", "partial"):
                ledger.issues.append(Issue(name, number, headers[clause_id],
                                           Problem(clause_id, "error.import.unknown_value", {"value": str(raw)})))
                continue
            row.coverage[clause_id] = code
        parsed.append(row)
