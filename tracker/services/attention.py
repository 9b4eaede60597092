"""What needs attention today: the first screen's questions."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.approvals import Severity
from ..store import registry_queries as q
from .chains import ChainLink, to_links
from .context import Context


@dataclass(frozen=True)
class Attention:
    pending_approvals: int
    approval_findings: list[ChainLink]  # links with at least one approval finding, breaches first
    counts: dict[str, int]

    @property
    def breaches(self) -> int:
        return sum(1 for link in self.approval_findings if _worst(link) == Severity.BREACH)


def _worst(link: ChainLink) -> Severity:
    return Severity.BREACH if any(f.severity == Severity.BREACH for f in link.findings) else Severity.FINDING


def attention(ctx: Context) -> Attention:
    with ctx.read() as db:
        candidates = to_links(db, q.approval_finding_candidates(db))
        flagged = [link for link in candidates if link.findings]
        flagged.sort(key=lambda link: (_worst(link) != Severity.BREACH, -link.tier, link.id))
        return Attention(
            pending_approvals=q.count_pending_approvals(db),
            approval_findings=flagged,
            counts=q.registry_counts(db),
        )
