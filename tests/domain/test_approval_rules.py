from tracker.domain.approvals import (
    LinkApprovalState, Severity, check_decision, findings_for, is_subsidiary_redelegation, needs_approval,
)
from tracker.domain.models import ApprovalStatus as A
from tracker.domain.models import DataCategory as C
from tracker.domain.models import EngagementStatus as S

MY_NUMBER = frozenset({C.ORDINARY, C.MY_NUMBER})
ORDINARY = frozenset({C.ORDINARY})


def state(tier=2, status=S.ACTIVE, categories=ORDINARY, approval=A.APPROVED, approver=None):
    return LinkApprovalState(1, tier, status, categories, approval, approver)


def test_only_redelegations_need_approval():
    assert not needs_approval(1)
    assert needs_approval(2) and needs_approval(9)


def test_my_number_redelegation_only_we_may_permit_at_every_tier():
    refused = check_decision(A.APPROVED, MY_NUMBER, link_entruster_id=7, approver_party_id=7)
    assert [p.code for p in refused] == ["error.approval.my_number_needs_us"]
    assert check_decision(A.APPROVED, MY_NUMBER, link_entruster_id=7, approver_party_id=None) == []


def test_appi_redelegation_may_be_approved_by_its_entruster_or_us_only():
    assert check_decision(A.APPROVED, ORDINARY, 7, 7) == []
    assert check_decision(A.REJECTED, ORDINARY, 7, None) == []
    assert [p.code for p in check_decision(A.APPROVED, ORDINARY, 7, 8)] == ["error.approval.approver_not_entruster"]


def test_a_decision_must_be_approve_or_reject():
    assert [p.code for p in check_decision(A.PENDING, ORDINARY, 7, None)] == ["error.approval.decision_required"]


def test_subsidiary_redelegation_is_recognised():
    assert is_subsidiary_redelegation(entrustee_parent_party_id=7, entruster_id=7)
    assert not is_subsidiary_redelegation(entrustee_parent_party_id=None, entruster_id=7)
    assert not is_subsidiary_redelegation(entrustee_parent_party_id=7, entruster_id=None)


def test_active_link_without_approval_is_a_finding():
    for approval in (None, A.PENDING):
        [finding] = findings_for(state(approval=approval))
        assert finding.code == "finding.active_without_approval" and finding.severity == Severity.FINDING


def test_active_rejected_link_is_a_finding():
    [finding] = findings_for(state(approval=A.REJECTED))
    assert finding.code == "finding.active_rejected"


def test_my_number_without_our_permission_is_a_breach():
    [missing] = findings_for(state(categories=MY_NUMBER, approval=A.PENDING))
    assert missing.severity == Severity.BREACH
    [by_other] = findings_for(state(categories=MY_NUMBER, approval=A.APPROVED, approver=7))
    assert by_other.code == "finding.my_number_not_approved_by_us" and by_other.severity == Severity.BREACH
    assert findings_for(state(categories=MY_NUMBER, approval=A.APPROVED, approver=None)) == []


def test_no_finding_for_tier_one_proposed_or_ended_links():
    assert findings_for(state(tier=1, approval=None)) == []
    assert findings_for(state(status=S.PROPOSED, approval=A.PENDING)) == []
    assert findings_for(state(status=S.ENDED, approval=None)) == []
