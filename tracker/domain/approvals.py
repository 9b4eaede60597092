"""Re-delegation approval rules (DOMAIN.md §3).

Every tier-2+ link needs a recorded approval. For APPI data the entruster of the link approves
(we may too); for My Number data (特定個人情報) only we, the original entruster (最初の委託者),
may permit it, at every tier (番号法 Art. 10). A re-delegation to a subsidiary of the entruster
is still a re-delegation (`003…` 4-8-9 (1) ②).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .models import ApprovalStatus, DataCategory, EngagementStatus
from .problems import Problem


class Severity(StrEnum):
    BREACH = "breach"  # a legal duty (must) is not met
    FINDING = "finding"  # a guideline recommendation (should) is not met


@dataclass(frozen=True)
class ApprovalFinding:
    engagement_id: int
    code: str
    severity: Severity


@dataclass(frozen=True)
class LinkApprovalState:
    """What the approval rules need to know of one link."""

    engagement_id: int
    tier: int
    status: EngagementStatus
    data_categories: frozenset[DataCategory]
    approval_status: ApprovalStatus | None  # None: no approval record at all
    approver_party_id: int | None  # None: approved by us


def needs_approval(tier: int) -> bool:
    return tier >= 2


def only_we_may_approve(categories: frozenset[DataCategory]) -> bool:
    return DataCategory.MY_NUMBER in categories


def is_subsidiary_redelegation(entrustee_parent_party_id: int | None, entruster_id: int | None) -> bool:
    """True when the entrustee is a subsidiary of the party that re-delegates to it."""
    return entruster_id is not None and entrustee_parent_party_id == entruster_id


def check_decision(
    decision: ApprovalStatus,
    categories: frozenset[DataCategory],
    link_entruster_id: int | None,
    approver_party_id: int | None,
) -> list[Problem]:
    """May this decision be recorded? ``approver_party_id`` None means we decided."""
    problems: list[Problem] = []
    if decision not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        problems.append(Problem("decision", "error.approval.decision_required"))
    if approver_party_id is not None:
        if only_we_may_approve(categories):
            problems.append(Problem("approver_party_id", "error.approval.my_number_needs_us"))
        elif approver_party_id != link_entruster_id:
            problems.append(Problem("approver_party_id", "error.approval.approver_not_entruster"))
    return problems


def findings_for(link: LinkApprovalState) -> list[ApprovalFinding]:
    """Findings on one link: an active re-delegation without a valid approval."""
    if not needs_approval(link.tier) or link.status != EngagementStatus.ACTIVE:
        return []
    my_number = only_we_may_approve(link.data_categories)
    severity = Severity.BREACH if my_number else Severity.FINDING
    if link.approval_status == ApprovalStatus.REJECTED:
        return [ApprovalFinding(link.engagement_id, "finding.active_rejected", severity)]
    if link.approval_status != ApprovalStatus.APPROVED:
        return [ApprovalFinding(link.engagement_id, "finding.active_without_approval", severity)]
    if my_number and link.approver_party_id is not None:
        return [ApprovalFinding(link.engagement_id, "finding.my_number_not_approved_by_us", Severity.BREACH)]
    return []
