"""The ledger workbook the import reads: an empty template with drop-down lists, or the whole
registry in that form (export → import gives the same registry back)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import i18n
from ..domain.permissions import Action
from ..inputs.ledger_format import COVERAGE_CHOICES, SHEETS, Kind, Sheet
from ..outputs.xlsx_report import safe
from ..store import connection
from .catalogue import catalogue
from .context import Context

VALIDATED_ROWS = 5000  # drop-down lists cover this many rows of the template


def write_ledger(ctx: Context, target: str | Path | IO[bytes], lang: str, with_registry: bool) -> None:
    ctx.require(Action.READ)
    book = Workbook(write_only=True)
    clauses = list(catalogue())
    for sheet in SHEETS:
        headers = [i18n.t(c.label, lang) for c in sheet.columns]
        if sheet.key == "contracts":
            headers += [c.title(lang) for c in clauses]
        out = book.create_sheet(i18n.t(sheet.label, lang))
        out.freeze_panes = "A2"
        for index in range(1, len(headers) + 1):
            out.column_dimensions[get_column_letter(index)].width = 18
        _validations(out, sheet, lang, len(headers))
        bold = Font(bold=True)
        out.append([_bold(out, h, bold) for h in headers])
        if with_registry:
            for row in _rows(ctx, sheet, lang, [c.id for c in clauses]):
                out.append([safe(out, v) for v in row])
    book.save(target)


def _bold(sheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def _choices(prefix: str, lang: str) -> list[str]:
    return [text for key, text in i18n.catalogue(lang).items()
            if key.startswith(prefix) and "." not in key[len(prefix):]]


def _validations(sheet, spec: Sheet, lang: str, width: int) -> None:
    """Drop-down lists for the coded columns (one value each) and the clause columns."""
    lists = []
    for index, column in enumerate(spec.columns, start=1):
        if column.kind == Kind.CHOICE:
            lists.append((index, index, _choices(column.choices, lang)))
        elif column.kind == Kind.BOOL:
            lists.append((index, index, [i18n.t("common.yes", lang), i18n.t("common.no", lang)]))
    if spec.key == "contracts":
        coverage = [i18n.t(f"{COVERAGE_CHOICES}covered", lang), i18n.t(f"{COVERAGE_CHOICES}partial", lang)]
        lists.append((len(spec.columns) + 1, width, coverage))
    for first, last, values in lists:
        rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        rule.add(f"{get_column_letter(first)}2:{get_column_letter(last)}{VALIDATED_ROWS}")
        sheet.data_validations.append(rule)


def _rows(ctx: Context, sheet: Sheet, lang: str, clause_ids: list[str]) -> Iterator[list]:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    separator = "、" if lang == "ja" else ", "
    with connection.reading(ctx.db_path) as db:
        if sheet.key == "parties":
            for row in db.execute(
                    """SELECT p.name, p.kana, p.corporate_number, p.address, p.country, p.contact_person, p.email,
                              p.phone, coalesce(parent.corporate_number, parent.name)
                       FROM parties p LEFT JOIN parties parent ON parent.id = p.parent_party_id ORDER BY p.id"""):
                yield list(row)
        elif sheet.key == "engagements":
            for (link_id, business, department, parent, number, name, work, categories, individuals, processing,
                 storage, start, end, status) in db.execute(
                    """SELECT e.id, b.name, b.owner_department, e.parent_engagement_id, p.corporate_number, p.name,
                              e.work, e.data_categories, e.individuals_count, e.processing_countries,
                              e.storage_countries, e.start_date, e.end_date, e.status
                       FROM engagements e JOIN businesses b ON b.id = e.business_id
                       JOIN parties p ON p.id = e.entrustee_party_id ORDER BY e.business_id, e.path_key"""):
                yield [f"E{link_id}", business, department, f"E{parent}" if parent else None, number or name, work,
                       separator.join(t(f"category.{c}") for c in json.loads(categories)), individuals,
                       ", ".join(json.loads(processing)), ", ".join(json.loads(storage)), start, end,
                       t(f"status.{status}")]
        elif sheet.key == "contracts":
            coverage: dict[int, dict[str, str]] = {}
            for contract_id, clause_id, status in db.execute(
                    "SELECT contract_id, clause_id, status FROM clause_coverage WHERE status <> 'not_covered'"):
                coverage.setdefault(contract_id, {})[clause_id] = t(f"{COVERAGE_CHOICES}{status}")
            for (contract_id, engagement_id, title, kind, signed, until, auto, report) in db.execute(
                    """SELECT id, engagement_id, title, kind, signed_on, valid_until, auto_renewal,
                              report_interval_months FROM contracts ORDER BY engagement_id, id"""):
                covered = coverage.get(contract_id, {})
                yield [f"E{engagement_id}", title, t(f"contract.kind.{kind}"), signed, until,
                       t("common.yes") if auto else t("common.no"), report, *(covered.get(c) for c in clause_ids)]
        else:
            for row in db.execute(
                    """SELECT coalesce(p.corporate_number, p.name), c.scheme, c.number, c.issuer, c.valid_until
                       FROM certifications c JOIN parties p ON p.id = c.party_id ORDER BY c.id"""):
                party, scheme, number, issuer, until = row
                yield [party, t(f"certification.scheme.{scheme}"), number, issuer, until]
