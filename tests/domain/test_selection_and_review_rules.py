from datetime import date

from tracker.domain.reviews import ReviewDraft, check_review
from tracker.domain.selection import AREAS, SelectionDraft, activation_problems, check_selection

TODAY = date(2026, 11, 22)
ALL_OK = {area: "ok" for area in AREAS}


def codes(problems):
    return {(p.field, p.code) for p in problems}


def test_a_complete_selection_check_passes():
    assert check_selection(SelectionDraft(TODAY, "approved", "担当", ALL_OK, ("hearing",)), TODAY) == []


def test_selection_check_problems_name_their_fields():
    draft = SelectionDraft(date(2026, 11, 23), "maybe", " ", {"policy": "ok"}, ())
    assert codes(check_selection(draft, TODAY)) == {
        ("checked_on", "error.date_in_future"), ("result", "error.invalid_choice"), ("decided_by", "error.required"),
        ("methods", "error.selection.method_required"), ("areas", "error.selection.areas_incomplete")}
    conditional = SelectionDraft(TODAY, "conditional", "担当", ALL_OK, ("report",))
    assert codes(check_selection(conditional, TODAY)) == {("conditions", "error.selection.conditions_required")}


def test_activation_needs_a_passing_check_or_a_reason():
    assert codes(activation_problems("active", "proposed", False, "")) == {
        ("status", "error.selection.required_for_active")}
    assert activation_problems("active", "proposed", True, "") == []
    assert activation_problems("active", "proposed", False, "紙の台帳から移行") == []
    assert activation_problems("active", "active", False, "") == []  # already active: an edit, not an activation
    assert activation_problems("proposed", None, False, "") == []


def test_inspection_rules():
    ok = ReviewDraft("inspection", TODAY, 2, "点検者", "on_site", "", "entrustee", ALL_OK)
    assert check_review(ok, TODAY) == []
    remote = ReviewDraft("inspection", TODAY, 1, "点検者", "remote", " ", "us", ALL_OK)
    assert codes(check_review(remote, TODAY)) == {("remote_reason", "error.review.remote_reason_required")}
    tier1_via = ReviewDraft("inspection", TODAY, 1, "点検者", "document", "", "entrustee", ALL_OK)
    assert codes(check_review(tier1_via, TODAY)) == {("performed_via", "error.review.via_entrustee_tier1")}
    bad = ReviewDraft("certification", date(2026, 12, 1), 1, "", None, "", "us", {})
    assert codes(check_review(bad, TODAY)) == {("kind", "error.invalid_choice"), ("completed_on", "error.date_in_future"),
                                               ("inspector", "error.required")}
    no_method = ReviewDraft("inspection", TODAY, 1, "点検者", None, "", "us", {})
    assert codes(check_review(no_method, TODAY)) == {("method", "error.required"),
                                                     ("checklist", "error.selection.areas_incomplete")}


def test_a_report_needs_no_method_or_checklist():
    assert check_review(ReviewDraft("report", TODAY, 3, "担当"), TODAY) == []
