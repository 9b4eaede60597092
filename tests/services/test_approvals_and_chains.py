from datetime import date

import pytest

from tests import factories as f
from tests.conftest import TODAY, context_for
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services import approvals, attention, chains, engagements
from tracker.services.context import PermissionDenied
from tracker.domain.problems import StaleRecord


def approval_version(ctx, link_id):
    return engagements.get_engagement(ctx, link_id)["approval_version"]


def test_approval_is_recorded_with_who_and_when(ctx):
    _, _, links = f.chain(ctx, 2)
    approvals.decide_redelegation(ctx, links[1], 1, "approved", date(2026, 11, 1), conditions="年1回報告")
    row = engagements.get_engagement(ctx, links[1])
    assert (row["approval_status"], row["decided_on"], row["approval_conditions"]) == ("approved", "2026-11-01", "年1回報告")
    assert row["decided_by"] == ctx.actor.display_name and row["approver_party_id"] is None


def test_my_number_redelegation_approved_by_an_entrustee_is_refused(ctx):
    _, parties_, links = f.chain(ctx, 3, categories=("ordinary", "my_number"))
    with pytest.raises(RuleViolation) as raised:
        approvals.decide_redelegation(ctx, links[2], 1, "approved", TODAY, approver_party_id=parties_[1])
    assert raised.value.problems[0].code == "error.approval.my_number_needs_us"
    assert engagements.get_engagement(ctx, links[2])["approval_status"] == "pending"


def test_appi_redelegation_may_be_approved_by_its_entruster(ctx):
    _, parties_, links = f.chain(ctx, 3)
    approvals.decide_redelegation(ctx, links[2], 1, "approved", TODAY, approver_party_id=parties_[1])
    assert engagements.get_engagement(ctx, links[2])["approver_party_id"] == parties_[1]


def test_decision_cannot_be_dated_in_the_future(ctx):
    _, _, links = f.chain(ctx, 2)
    with pytest.raises(RuleViolation) as raised:
        approvals.decide_redelegation(ctx, links[1], 1, "approved", date(2026, 11, 23))
    assert raised.value.problems[0].field == "decided_on"


def test_two_officers_deciding_at_once_the_second_is_refused(ctx):
    _, _, links = f.chain(ctx, 2)
    approvals.decide_redelegation(ctx, links[1], 1, "rejected", TODAY, note="暗号化なし")
    with pytest.raises(StaleRecord):
        approvals.decide_redelegation(ctx, links[1], 1, "approved", TODAY)
    assert engagements.get_engagement(ctx, links[1])["approval_status"] == "rejected"


@pytest.mark.parametrize("role", [Role.PROCUREMENT, Role.MANAGER, Role.ADMIN])
def test_only_privacy_officers_decide_redelegations(ctx, db_path, role):
    _, _, links = f.chain(ctx, 2)
    with pytest.raises(PermissionDenied):
        approvals.decide_redelegation(context_for(db_path, role), links[1], 1, "approved", TODAY)


def test_manager_may_read_the_queue(ctx, db_path):
    f.chain(ctx, 2)
    assert approvals.approval_queue(context_for(db_path, Role.MANAGER))[1] == 1


def test_queue_lists_pending_with_their_path(ctx):
    _, parties_, links = f.chain(ctx, 3)
    queue, total = approvals.approval_queue(ctx)
    assert total == 2 and [link.id for link in queue] == links[1:]
    assert len(queue[-1].path) == 3


def test_home_shows_active_links_without_approval_and_clears_when_approved(ctx):
    _, _, links = f.chain(ctx, 4)
    state = attention.attention(ctx)
    assert {link.id for link in state.approval_findings} == set(links[1:])
    assert state.pending_approvals == 3
    for link_id in links[1:]:
        approvals.decide_redelegation(ctx, link_id, approval_version(ctx, link_id), "approved", TODAY)
    state = attention.attention(ctx)
    assert state.approval_findings == [] and state.pending_approvals == 0


def test_home_puts_my_number_breaches_first(ctx):
    business_id = f.business(ctx, "混在")
    f.chain(ctx, 2, business_id=business_id)
    f.chain(ctx, 2, categories=("my_number",), business_id=business_id)
    state = attention.attention(ctx)
    assert state.breaches == 1
    assert state.approval_findings[0].findings[0].severity == "breach"


def test_chain_of_business_is_depth_first_and_pages(ctx):
    business_id = f.business(ctx)
    a = f.link(ctx, f.party(ctx, "A"), business_id=business_id)
    b = f.link(ctx, f.party(ctx, "B"), business_id=business_id)
    a1 = f.link(ctx, f.party(ctx, "A1"), parent=a)
    a11 = f.link(ctx, f.party(ctx, "A11"), parent=a1)
    links, total = chains.chain_of_business(ctx, business_id)
    assert total == 4 and [link.id for link in links] == [a, a1, a11, b]
    assert links[2].path == ["A", "A1", "A11"] and links[2].parent_id == a1
    page, _ = chains.chain_of_business(ctx, business_id, limit=2, offset=2)
    assert [link.id for link in page] == [a11, b]


def test_subsidiary_redelegation_is_marked_and_still_needs_approval(ctx):
    business_id = f.business(ctx)
    parent_company = f.party(ctx, "親会社")
    subsidiary = f.party(ctx, "子会社", parent_party_id=parent_company)
    top = f.link(ctx, parent_company, business_id=business_id)
    sub = f.link(ctx, subsidiary, parent=top)
    [link] = chains.paths_to_party(ctx, business_id, subsidiary)
    assert link.id == sub and link.subsidiary and link.approval_status == "pending"
    assert link.findings[0].code == "finding.active_without_approval"


def test_party_page_lists_every_chain_at_its_tier(ctx):
    shared = f.party(ctx, "共有クラウド")
    _, _, links_a = f.chain(ctx, 1)
    _, _, links_b = f.chain(ctx, 2)
    f.link(ctx, shared, parent=links_a[-1])
    f.link(ctx, shared, parent=links_b[-1])
    found, total = chains.chains_of_party(ctx, shared)
    assert total == 2 and sorted(link.tier for link in found) == [2, 3]


def test_demo_data_meets_the_brief(demo_ctx):
    from tracker.services import businesses, parties

    assert parties.search_parties(demo_ctx)[1] >= 12
    assert len(businesses.list_businesses(demo_ctx)) >= 3
    all_links, _ = engagements.search_engagements(demo_ctx, limit=1000)
    assert max(link["tier"] for link in all_links) >= 4
    assert any("my_number" in link["data_categories"] for link in all_links)
    assert any(link["storage_countries"] != '["JP"]' or link["processing_countries"] != '["JP"]' for link in all_links)
    subsidiaries = [link for b in businesses.list_businesses(demo_ctx)
                    for link in chains.chain_of_business(demo_ctx, b["id"])[0] if link.subsidiary]
    assert subsidiaries
    codes = {f.code for link in attention.attention(demo_ctx).approval_findings for f in link.findings}
    assert "finding.active_without_approval" in codes
