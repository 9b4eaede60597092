"""Rules for a contract document of a link (業務委託基本契約, 個人情報の取扱いに関する契約, 覚書,
the vendor's standard terms): what a form or an import must give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .periods import check_period
from .problems import Problem
from .schedule import MAX_INTERVAL_MONTHS


class ContractKind(StrEnum):
    MASTER = "master"  # 業務委託基本契約
    DPA = "dpa"  # 個人情報の取扱いに関する契約 / data processing agreement
    ADDENDUM = "addendum"  # 覚書
    STANDARD_TERMS = "standard_terms"  # the vendor's standard terms (PPC Q&A 5-11)


@dataclass
class ContractInput:
    title: str
    kind: str
    signed_on: date | None = None
    valid_until: date | None = None
    auto_renewal: bool = False
    note: str = ""
    report_interval_months: int | None = None  # how often the entrustee reports on compliance


def check_contract(data: ContractInput) -> list[Problem]:
    """A title, a known kind, a report interval in range, and a validity that ends after signing."""
    problems = []
    if not data.title.strip():
        problems.append(Problem("title", "error.required"))
    if data.kind not in {k.value for k in ContractKind}:
        problems.append(Problem("kind", "error.invalid_choice"))
    if data.report_interval_months is not None and not 1 <= data.report_interval_months <= MAX_INTERVAL_MONTHS:
        problems.append(Problem("report_interval_months", "error.interval_range", {"max": MAX_INTERVAL_MONTHS}))
    return problems + check_period(data.signed_on, data.valid_until, "valid_until")


def row_values(data: ContractInput) -> dict:
    """The columns a contract's input sets."""
    return {
        "title": data.title.strip(), "kind": data.kind,
        "signed_on": data.signed_on.isoformat() if data.signed_on else None,
        "valid_until": data.valid_until.isoformat() if data.valid_until else None,
        "auto_renewal": int(data.auto_renewal), "note": data.note.strip() or None,
        "report_interval_months": data.report_interval_months,
    }
