"""A shared sub-processor replaced by its successor (issue 30, point 3): the printing house of three
chains hands its work to another company; each old link ends when its successor is approved."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.conftest import TODAY
from tracker.domain.problems import RuleViolation
from tracker.services import approvals, engagements, selection, successions, terminations


def _approval_version(ctx, link_id: int) -> int:
    return engagements.get_engagement(ctx, link_id)["approval_version"]


def test_new_links_are_proposed_under_the_same_parents_and_the_old_end_once_approved(ctx):
    printer, (payroll, mailing, campaign), _ = f.printing_house(ctx)
    successor = f.party(ctx, "新日本印刷株式会社")
    old = {engagements.get_engagement(ctx, i)["business_id"]: engagements.get_engagement(ctx, i)
           for i, _ in _open_links(ctx, printer)}
    new_ids = successions.hand_over(ctx, printer, successor, "事業譲渡")
    new = {engagements.get_engagement(ctx, i)["business_id"]: engagements.get_engagement(ctx, i) for i in new_ids}
    assert set(new) == {payroll, mailing, campaign}
    for business, link in new.items():
        assert link["entrustee_party_id"] == successor and link["status"] == "proposed"
        assert link["parent_engagement_id"] == old[business]["parent_engagement_id"]
        assert link["tier"] == old[business]["tier"] and link["data_categories"] == old[business]["data_categories"]
    assert new[mailing]["approval_status"] == "pending" and new[payroll]["approval_id"] is None
    assert all(engagements.get_engagement(ctx, x["id"])["status"] != "ended" for x in old.values())

    # the mailing chain's successor approved: the printer's mailing link ends, its certificate owed
    approvals.decide_redelegation(ctx, new[mailing]["id"], _approval_version(ctx, new[mailing]["id"]), "approved",
                                  TODAY)
    assert engagements.get_engagement(ctx, old[mailing]["id"])["status"] == "ended"
    assert engagements.get_engagement(ctx, old[payroll]["id"])["status"] == "active"
    # at tier 1 there is no approval: the successor takes over once its selection check activates it
    selection.record_selection_check(ctx, new[payroll]["id"], f.passing_selection(TODAY), activate=True)
    assert engagements.get_engagement(ctx, old[payroll]["id"])["status"] == "ended"
    owed, _ = terminations.terminations(ctx)
    ended = {t["engagement_id"]: t for t in owed}
    assert set(ended) == {old[mailing]["id"], old[payroll]["id"]}
    assert {t["reason"] for t in owed} == {"事業譲渡 → 新日本印刷株式会社"}
    assert [c["party_id"] for c in ended[old[mailing]["id"]]["certificates"]] == [printer]
    seen = {h.business_name: h for h in successions.handovers_of(ctx, printer)}
    assert len(seen) == 3 and sum(h.termination_id is not None for h in seen.values()) == 2


def test_a_link_waiting_for_its_successor_is_not_handed_over_twice_unless_refused(ctx):
    printer, (_, _, campaign), third = f.printing_house(ctx)
    successor = f.party(ctx, "新日本印刷株式会社")
    first = successions.hand_over(ctx, printer, successor, "事業譲渡")
    with pytest.raises(RuleViolation) as refused:  # every link is waiting for its successor already
        successions.hand_over(ctx, printer, f.party(ctx, "別の印刷会社"), "再選定")
    assert [p.code for p in refused.value.problems] == ["error.succession.nothing_to_hand_over"]
    campaign_new = next(i for i in first if engagements.get_engagement(ctx, i)["business_id"] == campaign)
    approvals.decide_redelegation(ctx, campaign_new, _approval_version(ctx, campaign_new), "rejected", TODAY)
    assert engagements.get_engagement(ctx, third)["status"] != "ended"  # refused: the printer stays
    again = successions.hand_over(ctx, printer, f.party(ctx, "別の印刷会社"), "再選定")
    assert [engagements.get_engagement(ctx, i)["parent_engagement_id"] for i in again] == [
        engagements.get_engagement(ctx, third)["parent_engagement_id"]]


def test_nothing_is_proposed_without_a_reason_or_to_the_same_company(ctx):
    printer, _, _ = f.printing_house(ctx)
    with pytest.raises(RuleViolation) as refused:
        successions.hand_over(ctx, printer, printer, "  ")
    assert {p.field for p in refused.value.problems} == {"reason", "successor_id"}
    assert successions.handovers_of(ctx, printer) == []
    assert len(_open_links(ctx, printer)) == 3


def _open_links(ctx, party_id):
    from tracker.store import registry_queries as q
    with ctx.read() as db:
        return q.open_links_of_party(db, party_id)
