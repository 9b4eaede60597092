"""Writing the ledger workbook the import reads: an empty template with drop-down lists, or the
registry in that form (export → import gives the same registry back). The rows come from
``store.ledger_queries``; this module words them in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import i18n
from ..domain import countries
from ..formats.ledger_format import COVERAGE_CHOICES, SHEETS, Kind, Sheet
from .xlsx_report import safe

VALIDATED_ROWS = 5000  # drop-down lists cover this many rows of the template


def write(target: str | Path | IO[bytes], lang: str, clauses: list, registry: dict[str, Iterator[tuple]] | None
          ) -> None:
    """``registry``: the raw rows of each sheet (``store.ledger_queries``), or None for the template."""
    book = Workbook(write_only=True)
    lists = _lists(lang)
    for sheet in SHEETS:
        headers = [i18n.t(c.label, lang) for c in sheet.columns]
        if sheet.key == "contracts":
            headers += [c.title(lang) for c in clauses]
        out = book.create_sheet(i18n.t(sheet.label, lang))
        out.freeze_panes = "A2"
        for index in range(1, len(headers) + 1):
            out.column_dimensions[get_column_letter(index)].width = 18
        _validations(out, sheet, lang, len(headers), lists)
        bold = Font(bold=True)
        out.append([_bold(out, h, bold) for h in headers])
        if registry is not None:
            for row in _rows(registry, sheet, lang, [c.id for c in clauses]):
                out.append([safe(out, v) for v in row])
    _write_lists(book, lists, lang)
    book.save(target)


def _bold(sheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def _choices(prefix: str, lang: str) -> list[str]:
    return [text for key, text in i18n.catalogue(lang).items()
            if key.startswith(prefix) and "." not in key[len(prefix):]]


def _lists(lang: str) -> dict[str, list[str]]:
    """Every drop-down's values, by the coded prefix (or "countries"), kept on a hidden sheet: an
    inline list may not be longer than 255 characters, and the countries are far more."""
    prefixes = {c.choices for s in SHEETS for c in s.columns if c.kind in (Kind.CHOICE, Kind.CHOICES)}
    found = {prefix: _choices(prefix, lang) for prefix in sorted(prefixes)}
    found["yes_no"] = [i18n.t("common.yes", lang), i18n.t("common.no", lang)]
    found[COVERAGE_CHOICES] = [i18n.t(f"{COVERAGE_CHOICES}covered", lang), i18n.t(f"{COVERAGE_CHOICES}partial", lang)]
    found["countries"] = [countries.name(code, lang) for code in countries.COUNTRIES]
    return found


def _list_formula(lists: dict[str, list[str]], name: str, lang: str) -> str:
    """The values inline when they fit Excel's 255 characters, else their range on the lists sheet."""
    inline = '"' + ",".join(lists[name]) + '"'
    if len(inline) <= 255 and not any("," in v for v in lists[name]):
        return inline
    column = get_column_letter(list(lists).index(name) + 1)
    return f"'{i18n.t('ledger.sheet.lists', lang)}'!${column}$1:${column}${len(lists[name])}"


def _write_lists(book: Workbook, lists: dict[str, list[str]], lang: str) -> None:
    sheet = book.create_sheet(i18n.t("ledger.sheet.lists", lang))
    sheet.sheet_state = "hidden"
    for values in zip_longest(*lists.values()):
        sheet.append(list(values))


def _validations(sheet, spec: Sheet, lang: str, width: int, lists: dict[str, list[str]]) -> None:
    """Drop-down lists for the coded columns and the clause columns. Columns of several values (data
    categories, countries) offer one value from the list but accept a typed list (A、B) too."""
    rules = []
    for index, column in enumerate(spec.columns, start=1):
        if column.kind == Kind.CHOICE:
            rules.append((index, index, column.choices, True))
        elif column.kind == Kind.CHOICES:
            rules.append((index, index, column.choices, False))
        elif column.kind == Kind.COUNTRIES:
            rules.append((index, index, "countries", False))
        elif column.kind == Kind.BOOL:
            rules.append((index, index, "yes_no", True))
    if spec.key == "contracts":
        rules.append((len(spec.columns) + 1, width, COVERAGE_CHOICES, True))
    for first, last, name, strict in rules:
        rule = DataValidation(type="list", formula1=_list_formula(lists, name, lang), allow_blank=True,
                              showErrorMessage=strict)
        rule.add(f"{get_column_letter(first)}2:{get_column_letter(last)}{VALIDATED_ROWS}")
        sheet.data_validations.append(rule)


def _rows(registry: dict[str, Iterator[tuple]], sheet: Sheet, lang: str, clause_ids: list[str]) -> Iterator[list]:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    if sheet.key == "parties":
        for row in registry["parties"]:
            yield list(row)
    elif sheet.key == "engagements":
        for (ref, business, department, parent_ref, number, name, work, categories, individuals, processing,
             storage, start, end, status, decision, decided_on, approver, inspected_on, method, result,
             checked_on) in registry["engagements"]:
            decided = decision in ("approved", "rejected")
            yield [ref, business, department, parent_ref, number or name, work,
                   i18n.join((t(f"category.{c}") for c in categories), lang), individuals,
                   ", ".join(processing), ", ".join(storage), start, end,
                   t(f"status.{status}"), t(f"ledger.decision.{decision}") if decided else None,
                   decided_on if decided else None, (approver or t("app.us")) if decided else None,
                   inspected_on, t(f"review.method.{method}") if method else None,
                   t(f"selection.result.{result}") if result else None, checked_on]
    elif sheet.key == "contracts":
        coverage: dict[int, dict[str, str]] = {}
        for contract_id, clause_id, status in registry["coverage"]:
            coverage.setdefault(contract_id, {})[clause_id] = t(f"{COVERAGE_CHOICES}{status}")
        for (contract_id, engagement_ref, title, kind, signed, until, auto, report) in registry["contracts"]:
            covered = coverage.get(contract_id, {})
            yield [engagement_ref, title, t(f"contract.kind.{kind}"), signed, until,
                   t("common.yes") if auto else t("common.no"), report, *(covered.get(c) for c in clause_ids)]
    else:
        for row in registry["certifications"]:
            party, scheme, number, issuer, until = row
            yield [party, t(f"certification.scheme.{scheme}"), number, issuer, until]
