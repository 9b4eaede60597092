"""What needs attention today: the first screen's questions."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.approvals import LinkApprovalState, Severity, findings_for
from ..domain.models import ApprovalStatus, EngagementStatus, parse_categories
from ..store import registry_queries as q
from .chains import ChainLink, to_links
from . import revision_cache
from .context import Context

SHOWN = 20  # on Home, each a card with its path and a link to its chain; the rest are counted


@dataclass(frozen=True)
class Attention:
    pending_approvals: int
    findings: int  # active re-delegations without a valid approval
    breaches: int  # of which My Number ones: a possible breach of law
    approval_findings: list[ChainLink]  # the first SHOWN of them, breaches first, deeper first
    counts: dict[str, int]


def attention(ctx: Context) -> Attention:
    """What Home asks attention for (approvals broken or missing, by severity), computed once per
    change of the links and approvals."""
    return revision_cache.per_revision(ctx, "attention", lambda: _attention(ctx),
                                       tables=("engagements", "approvals", "parties", "businesses"))


def _attention(ctx: Context) -> Attention:
    with ctx.read() as db:
        flagged = []
        parsed: dict[tuple, frozenset] = {}  # a registry has few distinct category sets
        for engagement_id, tier, status, categories, approval, approver in q.approval_finding_candidates(db):
            if categories not in parsed:
                parsed[categories] = parse_categories(categories)
            findings = findings_for(LinkApprovalState(
                engagement_id, tier, EngagementStatus(status), parsed[categories],
                ApprovalStatus(approval) if approval else None, approver))
            if findings:
                breach = any(f.severity == Severity.BREACH for f in findings)
                flagged.append((not breach, -tier, engagement_id))
        flagged.sort()
        shown = q.engagements_by_ids(db, [engagement_id for _, _, engagement_id in flagged[:SHOWN]])
        links = {link.id: link for link in to_links(db, list(shown.values()))}
        return Attention(
            pending_approvals=q.count_pending_approvals(db),
            findings=len(flagged),
            breaches=sum(1 for not_breach, _, _ in flagged if not not_breach),
            approval_findings=[links[engagement_id] for _, _, engagement_id in flagged[:SHOWN]],
            counts=q.registry_counts(db),
        )
