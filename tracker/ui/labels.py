"""Display of codes: statuses, categories, countries, paths; status colours used everywhere."""

from __future__ import annotations

from ..domain import countries
from ..domain.approvals import Severity
from .session import lang, tr

# One colour per meaning, the same on every screen: ok / pending / missing-or-rejected / n.a.
APPROVAL_COLOUR = {"approved": "green", "pending": "orange", "rejected": "red", None: "gray"}
APPROVAL_ICON = {"approved": "🟢", "pending": "🟡", "rejected": "🔴", None: "⚪"}
SEVERITY_ICON = {Severity.BREACH: "🔴", Severity.FINDING: "🟠"}


def approval(status: str | None, tier: int) -> str:
    if tier < 2:
        return f"{APPROVAL_ICON[None]} {tr('approval.not_needed')}"
    if status is None:
        return f"🔴 {tr('approval.missing')}"
    return f"{APPROVAL_ICON[status]} {tr('approval.' + status)}"


def status(code: str) -> str:
    return tr(f"status.{code}")


def categories(codes: list[str]) -> str:
    return "、".join(tr(f"category.{c}") for c in codes) if lang() == "ja" else ", ".join(
        tr(f"category.{c}") for c in codes)


def country(code: str) -> str:
    return countries.name(code, lang())


def path(names: list[str], organisation: str) -> str:
    return " → ".join([organisation, *names])


def tier(n: int) -> str:
    return tr("engagement.tier_label", tier=n)
