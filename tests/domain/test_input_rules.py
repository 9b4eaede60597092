"""The checks of a link, a contract, an incident and a vendor's files, without a database: the
service reads what they need and passes it in."""

from __future__ import annotations

from datetime import date

from tracker.domain import answers, contract_rules, engagement_rules, incidents
from tracker.domain.chain import ParentLink
from tracker.domain.models import DataCategory, EngagementStatus
from tracker.domain.questionnaires import AnswerType

TODAY = date(2026, 12, 4)
FOUND = engagement_rules.Found(entrustee=True, owner=True)


def _codes(problems) -> list[tuple]:
    return [(p.field, p.code) for p in problems]


def _link(**changes) -> engagement_rules.EngagementInput:
    return engagement_rules.EngagementInput(**{"entrustee_party_id": 7, "work": "給与計算",
                                               "data_categories": ["ordinary"], **changes})


def _parent(**changes) -> ParentLink:
    return ParentLink(**{"id": 3, "business_id": 2, "entrustee_id": 5, "tier": 1, "path_key": "0000000003",
                         "data_categories": frozenset({DataCategory.ORDINARY}), "status": EngagementStatus.ACTIVE,
                         "path_party_ids": (5,), **changes})


def test_a_links_own_fields_each_name_their_fault():
    assert engagement_rules.check_fields(_link(), FOUND) == []
    wrong = _link(work=" ", individuals_count=-1, status="paused", inspection_interval_months=0,
                  processing_countries=["XX"], data_categories=["gossip"], owner_user_id=9)
    assert _codes(engagement_rules.check_fields(wrong, engagement_rules.Found(entrustee=False, owner=False))) == [
        ("data_categories", "error.chain.unknown_category"), ("work", "error.required"),
        ("individuals_count", "error.not_negative"), ("status", "error.invalid_choice"),
        ("entrustee_party_id", "error.not_found"), ("inspection_interval_months", "error.interval_range"),
        ("owner_user_id", "error.not_found"), ("processing_countries", "error.country.unknown")]


def test_a_re_delegation_follows_its_parents_business_and_entruster():
    placed, problems = engagement_rules.place(_link(parent_engagement_id=3), _parent(), business_found=True)
    assert problems == [] and (placed.business_id, placed.entruster_id) == (2, 5)
    _, problems = engagement_rules.place(_link(parent_engagement_id=3, business_id=8), _parent(), business_found=True)
    assert _codes(problems) == [("business_id", "error.chain.business_differs_from_parent")]
    _, problems = engagement_rules.place(_link(parent_engagement_id=3), None, business_found=False)
    assert ("parent_engagement_id", "error.not_found") in _codes(problems)
    placed, problems = engagement_rules.place(_link(business_id=2), None, business_found=True)
    assert problems == [] and (placed.business_id, placed.entruster_id) == (2, None)  # tier 1: from us


def test_an_edit_keeps_the_links_place_and_ends_only_by_a_termination():
    current = {"entrustee_party_id": 7, "entruster_party_id": None, "status": "active"}
    assert engagement_rules.check_edit(_link(status="active"), current, None, []) == []
    assert _codes(engagement_rules.check_edit(_link(entrustee_party_id=8, status="ended"), current, None, [])) == [
        ("entrustee_party_id", "error.chain.entrustee_fixed"), ("status", "error.engagement.end_by_termination")]
    below = [frozenset({DataCategory.ORDINARY, DataCategory.MY_NUMBER})]
    assert engagement_rules.check_edit(_link(status="active"), current, None, below) != []


def test_activating_without_a_selection_check_is_a_decision_unless_the_ledger_says_so():
    link = _link(status="active", selection_override_reason="前任者が確認済み")
    assert engagement_rules.check_activation(link, "proposed", selected=False) == ([], True)
    assert engagement_rules.check_activation(link, "proposed", selected=True) == ([], False)
    imported = _link(status="active", selection_override_reason="台帳より", imported=True)
    assert engagement_rules.check_activation(imported, "proposed", selected=False) == ([], False)
    problems, _ = engagement_rules.check_activation(_link(status="active"), "proposed", selected=False)
    assert problems != []


def test_a_contract_needs_a_title_a_kind_and_a_validity_after_signing():
    good = contract_rules.ContractInput("業務委託基本契約", "master", date(2026, 4, 1), date(2027, 3, 31))
    assert contract_rules.check_contract(good) == []
    bad = contract_rules.ContractInput(" ", "poem", date(2026, 4, 1), date(2026, 3, 31), report_interval_months=0)
    assert {f for f, _ in _codes(contract_rules.check_contract(bad))} == {
        "title", "kind", "report_interval_months", "valid_until"}


def test_an_incidents_facts_are_dated_in_order_and_not_in_the_future():
    assert incidents.check_incident(incidents.IncidentInput("漏えい", TODAY, occurred_on=TODAY), TODAY) == []
    wrong = incidents.IncidentInput("", date(2026, 12, 1), occurred_on=date(2026, 12, 2),
                                    we_learned_on=date(2026, 12, 5), individuals_count=-3)
    assert _codes(incidents.check_incident(wrong, TODAY)) == [
        ("title", "error.required"), ("we_learned_on", "error.date_in_future"),
        ("learned_on", "error.incident.learned_before_occurred"), ("individuals_count", "error.not_negative")]


class _Question:
    def __init__(self, qid: str, kind: str):
        self.id, self.type = qid, kind


class _Set:
    questions = [_Question("report", AnswerType.FILE), _Question("photo", AnswerType.FILE),
                 _Question("note", AnswerType.TEXT)]


def test_a_vendors_file_answers_name_its_own_uploads_within_the_limits():
    owned = {11: 1_000, 12: 2_000}
    assert answers.named_files(_Set(), {"report": 11, "note": "x"}, owned, 2, 1) == ({11}, [])
    _, problems = answers.named_files(_Set(), {"report": 99}, owned, 2, 1)  # another record's file
    assert _codes(problems) == [("report", "error.answer.file")]
    _, problems = answers.named_files(_Set(), {"report": 11, "photo": 12}, owned, 1, 1)
    assert _codes(problems) == [(None, "error.request.too_many_files")]
    assert answers.answered_by_problems("  ") != [] and answers.answered_by_problems("回答 花子") == []


def test_ending_a_company_starts_from_its_topmost_link_in_each_chain():
    from tracker.domain.terminations import topmost

    links = [(7, "0000000001/0000000007"), (9, "0000000001/0000000007/0000000008/0000000009"),
             (12, "0000000011/0000000012")]
    assert topmost(links) == [7, 12]  # 9 hangs below 7: ended with it
    assert topmost([]) == []
