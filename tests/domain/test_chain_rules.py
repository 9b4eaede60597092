from datetime import date

from tracker.domain.chain import (
    LinkDraft, ParentLink, check_children_keep_categories, check_link, ids_in_path, path_key_for, tier_below,
)
from tracker.domain.models import DataCategory as C
from tracker.domain.models import EngagementStatus as S


def parent(tier=1, entrustee=10, on_path=(10,), categories=(C.ORDINARY, C.MY_NUMBER), status=S.ACTIVE):
    key = "/".join(f"{i:010d}" for i in range(1, tier + 1))
    return ParentLink(id=tier, business_id=1, entrustee_id=entrustee, tier=tier, path_key=key,
                      data_categories=frozenset(categories), status=status, path_party_ids=tuple(on_path))


def draft(entrustee=20, entruster=10, categories=(C.ORDINARY,), status=S.ACTIVE, start=None, end=None):
    return LinkDraft(entrustee_id=entrustee, entruster_id=entruster, data_categories=frozenset(categories),
                     status=status, start_date=start, end_date=end)


def codes(problems):
    return {p.code for p in problems}


def test_a_valid_redelegation_has_no_problem():
    assert check_link(draft(), parent()) == []


def test_tier_is_computed_from_the_parent_without_depth_limit():
    assert tier_below(None) == 1
    assert tier_below(parent(tier=1)) == 2
    assert tier_below(parent(tier=57)) == 58


def test_tier_one_is_entrusted_by_us():
    assert check_link(draft(entruster=None), None) == []
    assert codes(check_link(draft(entruster=10), None)) == {"error.chain.tier1_entruster_is_us"}


def test_entruster_must_be_the_parents_entrustee():
    problems = check_link(draft(entruster=99), parent(entrustee=10))
    assert codes(problems) == {"error.chain.entruster_is_parent_entrustee"}
    assert problems[0].field == "entruster_id"


def test_no_self_delegation():
    assert "error.chain.self_delegation" in codes(check_link(draft(entrustee=10, entruster=10), parent()))


def test_no_party_twice_on_one_path():
    deep = parent(tier=3, entrustee=30, on_path=(10, 20, 30))
    assert codes(check_link(draft(entrustee=10, entruster=30), deep)) == {"error.chain.party_twice_on_path"}
    assert check_link(draft(entrustee=40, entruster=30), deep) == []


def test_sub_engagement_cannot_carry_categories_its_parent_lacks():
    problems = check_link(draft(categories=(C.ORDINARY, C.SENSITIVE)), parent(categories=(C.ORDINARY,)))
    assert codes(problems) == {"error.chain.category_not_in_parent"}
    assert problems[0].params["categories"] == ["sensitive"]


def test_at_least_one_data_category():
    assert codes(check_link(draft(categories=()), parent())) == {"error.chain.no_data_category"}


def test_end_date_not_before_start():
    problems = check_link(draft(start=date(2026, 4, 1), end=date(2026, 3, 31)), parent())
    assert codes(problems) == {"error.end_before_start"} and problems[0].field == "end_date"
    assert check_link(draft(start=date(2026, 4, 1), end=date(2026, 4, 1)), parent()) == []


def test_active_link_needs_an_active_parent():
    proposed_parent = parent(status=S.PROPOSED)
    assert codes(check_link(draft(status=S.ACTIVE), proposed_parent)) == {"error.chain.parent_not_active"}
    assert check_link(draft(status=S.PROPOSED), proposed_parent) == []


def test_narrowing_a_link_cannot_orphan_its_children_categories():
    children = [frozenset({C.ORDINARY}), frozenset({C.ORDINARY, C.MY_NUMBER})]
    problems = check_children_keep_categories(frozenset({C.ORDINARY}), children)
    assert codes(problems) == {"error.chain.children_carry_category"}
    assert check_children_keep_categories(frozenset({C.ORDINARY, C.MY_NUMBER}), children) == []
    assert check_children_keep_categories(frozenset({C.ORDINARY}), []) == []


def test_path_keys_sort_depth_first_and_name_their_ancestors():
    root = path_key_for(2, None)
    child = path_key_for(11, ParentLink(2, 1, 5, 1, root, frozenset(), S.ACTIVE, (5,)))
    sibling = path_key_for(3, None)
    assert ids_in_path(child) == [2, 11]
    assert sorted([sibling, child, root]) == [root, child, sibling]
