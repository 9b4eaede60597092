"""Display of codes: statuses, categories, countries, paths; status colours used everywhere.

Colours mean the same on every screen: green ok, orange pending or a guideline finding, red
missing, rejected or a possible breach of law, gray not applicable. Material icons, not emoji:
they render without an emoji font.
"""

from __future__ import annotations

from ..domain import countries
from ..i18n import catalogue, join
from ..domain.approvals import ApprovalFinding, Severity
from ..domain.schedule import ReviewKind
from .session import lang, tr
from .text import md, md_short

APPROVAL_COLOUR = {"approved": "green", "pending": "orange", "rejected": "red", None: "violet"}  # chain_graph's too
SEVERITY_COLOUR = {Severity.BREACH: "red", Severity.FINDING: "orange"}
_APPROVAL_ICON = {"approved": ":material/check_circle:", "pending": ":material/schedule:",
                  "rejected": ":material/block:", None: ":material/error:"}


def approval_text(status: str | None, tier: int) -> str:
    """Plain text, for tables."""
    if tier < 2:
        return tr("approval.not_needed")
    return tr("approval.missing") if status is None else tr(f"approval.{status}")


def approval(status: str | None, tier: int) -> str:
    """A coloured badge, for Markdown."""
    if tier < 2:
        return f":gray-badge[{approval_text(status, tier)}]"
    return f":{APPROVAL_COLOUR[status]}-badge[{_APPROVAL_ICON[status]} {approval_text(status, tier)}]"


def finding(item: ApprovalFinding) -> str:
    return f":{SEVERITY_COLOUR[item.severity]}-badge[:material/warning: {tr(item.code)}]"


def status(code: str) -> str:
    return tr(f"status.{code}")


def categories(codes: list[str]) -> str:
    return join((tr(f"category.{c}") for c in codes), lang())


def country(code: str) -> str:
    return countries.name(code, lang())


def path(names: list[str], organisation: str) -> str:
    """Markdown-safe path from us down to a party."""
    return " → ".join(md_short(name) for name in [organisation, *names])


def days_left(day, today) -> str:
    """「あと3日」, 「今日」, 「5日超過」: how far a deadline is."""
    left = (day - today).days
    if left == 0:
        return tr("common.due_today")
    return tr("common.days_left", days=left) if left > 0 else tr("common.days_over", days=-left)


def tier(n: int) -> str:
    return tr("engagement.tier_label", tier=n)


def legend() -> str:
    """The approval colours (edges in the graph, badges in the list), the dashed line and the
    outlined box."""
    return " ".join([approval("approved", 2), approval("pending", 2), approval("rejected", 2),
                     approval(None, 2), approval(None, 1), f":gray-badge[{tr('chain.legend_dashed')}]",
                     f":red-badge[{tr('chain.legend_finding')}]"])


LEVEL_COLOUR = {"must": "red", "should": "orange"}


def level(code: str) -> str:
    return f":{LEVEL_COLOUR[code]}-badge[{tr(f'clause.level_{code}')}]"


def conditions(codes) -> str:
    return join((tr(f"clause.condition.{c}") for c in codes), lang(), phrases=True)


def gap_count(count: int) -> str:
    return f":red-badge[:material/description: {tr('gap.count', count=count)}]" if count else ""


DUE_COLOUR = {"overdue": "red", "due_soon": "orange", "upcoming": "blue", "done": "green"}
_DUE_ICON = {"overdue": ":material/error:", "due_soon": ":material/schedule:", "upcoming": ":material/event:",
             "done": ":material/check_circle:"}


def due_status(code: str) -> str:
    return f":{DUE_COLOUR[code]}-badge[{_DUE_ICON[code]} {tr(f'schedule.status.{code}')}]"


def review_kind(code: str) -> str:
    return tr(f"schedule.kind.{code}")


def kind_names() -> dict[str, str]:
    """Every due-item kind → its name in the user's language (also for the calendar file)."""
    return {k.value: review_kind(k.value) for k in ReviewKind}


# where a table's columns are named in the messages (parties.name → party.name)
_FIELD_SECTIONS = {"parties": "party", "businesses": "business", "engagements": "engagement", "contracts": "contract",
                   "incidents": "incident", "approvals": "approval", "reviews": "review", "terminations": "termination",
                   "certifications": "certification", "selection_checks": "selection", "users": "users",
                   "addenda": "addendum", "deletion_certificates": "termination"}


def table_name(table: str | None) -> str:
    return tr(f"audit.table.{table}") if table else ""


def audit_action(action: str) -> str:
    key = f"audit.action.{action}"
    return tr(key) if key in catalogue(lang()) else action


def field_name(table: str | None, column: str) -> str:
    """A column as the forms call it, else its name in the [field] messages, else itself."""
    for key in (f"{_FIELD_SECTIONS.get(table, '')}.{column}", f"field.{column}"):
        if key in catalogue(lang()):
            return tr(key)
    return column


def field_value(value) -> str:
    """A stored value for reading: nothing said as such, lists joined, long text shortened."""
    if value is None or value == "":
        return tr("audit.none_value")
    if isinstance(value, list):
        return join(value, lang())
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def link_item(link, organisation: str) -> str:
    """「E12 株式会社A（自社 → B → 株式会社A）」: a link by its ledger ref, company and path (Markdown-safe)."""
    return tr("request.link_item", ref=md(link.ref), name=md_short(link.entrustee_name),
              path=path(link.path, organisation))


def link_items(ids, links: dict, organisation: str) -> str:
    return join((link_item(links[i], organisation) if i in links else f"E{i}" for i in ids), lang())


def request_effect(effect: dict, links: dict, organisation: str) -> str:
    """What an accepted answer did, a sentence per kind of record it made; links named by ref,
    company and path (``links``: link id → ChainLink), never by internal ids."""
    parts = []
    for key, value in effect.items():
        if value in (None, [], ""):
            continue
        if key in ("proposed_engagement_ids", "undeclared_engagement_ids", "also_for_engagement_ids"):
            parts.append(tr(f"request.effect.{key}", ids=link_items(value, links, organisation)))
        elif key == "issues":
            parts.append(tr("request.effect.issues", ids=join((tr(f"selection.area.{a}") for a in value), lang())))
        elif key == "corrective_action_ids":
            parts.append(tr("request.effect.corrective_action_ids", count=len(value)))
        else:
            parts.append(tr(f"request.effect.{key}"))
    return "  \n".join(parts) or tr("request.effect.none")


def cell_place(issue) -> str:
    """Where a workbook problem is: 「回答 Answers 12行目 E」."""
    return " ".join(str(p) for p in (issue.sheet, issue.row and tr("vendor.row", row=issue.row), issue.column) if p)


RISK_COLOUR = {"high": "red", "medium": "orange", "low": "green"}


def risk_tier(code: str) -> str:
    return f":{RISK_COLOUR[code]}-badge[{tr(f'risk.tier.{code}')}]"
