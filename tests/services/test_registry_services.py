import threading

import pytest

from tests import factories as f
from tests.conftest import context_for
from tracker.domain.party_rules import PartyDraft
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services import engagements, parties
from tracker.services.context import PermissionDenied
from tracker.services.engagements import EngagementInput, to_input
from tracker.store import connection
from tracker.domain.problems import StaleRecord


def count(db_path, table):
    with connection.reading(db_path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_create_party_normalises_and_stores(ctx):
    party_id = f.party(ctx, " 株式会社テスト ", corporate_number="７０００ ０１２０ ５０００２")
    row = parties.get_party(ctx, party_id)
    assert row["name"] == "株式会社テスト" and row["corporate_number"] == "7000012050002"
    assert row["created_by"] == ctx.actor.username and row["version"] == 1


def test_invalid_party_is_refused_field_by_field_and_nothing_saved(ctx, db_path):
    with pytest.raises(RuleViolation) as raised:
        f.party(ctx, "", corporate_number="1234567890123", email="x")
    assert {p.field for p in raised.value.problems} == {"name", "corporate_number", "email"}
    assert count(db_path, "parties") == 0


def test_duplicate_corporate_number_names_the_other_party(ctx):
    number = f.corporate_number()
    f.party(ctx, "先に登録", corporate_number=number)
    with pytest.raises(RuleViolation) as raised:
        f.party(ctx, "後から登録", corporate_number=number)
    [problem] = raised.value.problems
    assert problem.code == "error.corporate_number.duplicate" and problem.params == {"name": "先に登録"}


def test_parties_without_corporate_number_do_not_collide(ctx):
    f.party(ctx, "A")
    f.party(ctx, "B")
    assert parties.search_parties(ctx)[1] == 2


def test_subsidiary_cannot_become_parent_of_its_parent(ctx):
    holding = f.party(ctx, "ホールディングス")
    child = f.party(ctx, "子会社", parent_party_id=holding)
    grandchild = f.party(ctx, "孫会社", parent_party_id=child)
    row = parties.get_party(ctx, holding)
    with pytest.raises(RuleViolation) as raised:
        parties.update_party(ctx, holding, row["version"], PartyDraft(name="ホールディングス", parent_party_id=grandchild))
    assert raised.value.problems[0].code == "error.party.parent_cycle"


def test_stale_party_edit_is_refused_and_loses_nothing(ctx):
    party_id = f.party(ctx, "元の名前")
    parties.update_party(ctx, party_id, 1, PartyDraft(name="Aさんの変更"))
    with pytest.raises(StaleRecord) as raised:
        parties.update_party(ctx, party_id, 1, PartyDraft(name="Bさんの変更"))
    assert raised.value.current["name"] == "Aさんの変更"
    assert parties.get_party(ctx, party_id)["name"] == "Aさんの変更"


def test_search_pages_and_matches_kana_and_number(ctx):
    for i in range(120):
        f.party(ctx, f"会社{i:03d}", kana=f"カイシャ{i:03d}")
    number = f.corporate_number()
    f.party(ctx, "番号で探す会社", corporate_number=number)
    rows, total = parties.search_parties(ctx, text="会社", limit=50, offset=100)
    assert total == 121 and len(rows) == 21
    assert parties.search_parties(ctx, text="カイシャ007")[0][0]["name"] == "会社007"
    assert parties.search_parties(ctx, text=number[3:10])[0][0]["name"] == "番号で探す会社"
    assert parties.search_parties(ctx, text="100%_")[1] == 0  # LIKE wildcards are literal


def test_redelegation_gets_tier_entruster_business_and_a_pending_approval(ctx):
    business_id, party_ids, link_ids = f.chain(ctx, 4)
    deepest = engagements.get_engagement(ctx, link_ids[-1])
    assert deepest["tier"] == 4
    assert deepest["entruster_party_id"] == party_ids[2]
    assert deepest["business_id"] == business_id
    assert deepest["approval_status"] == "pending"
    assert engagements.get_engagement(ctx, link_ids[0])["approval_id"] is None  # tier 1: none needed


def test_chain_rules_are_enforced_by_the_service_and_nothing_is_saved(ctx, db_path):
    business_id, party_ids, link_ids = f.chain(ctx, 3)
    before = count(db_path, "engagements"), count(db_path, "approvals")
    with pytest.raises(RuleViolation) as raised:  # tier-1 party again at tier 4: twice on the path
        f.link(ctx, party_ids[0], parent=link_ids[-1])
    assert [p.code for p in raised.value.problems] == ["error.chain.party_twice_on_path"]
    with pytest.raises(RuleViolation):  # category the parent does not carry
        f.link(ctx, f.party(ctx, "新規"), parent=link_ids[-1], categories=("ordinary", "my_number"))
    with pytest.raises(RuleViolation) as raised:  # explicit entruster that is not the parent's entrustee
        engagements.create_engagement(ctx, EngagementInput(
            entrustee_party_id=f.party(ctx, "別"), work="w", data_categories=["ordinary"],
            parent_engagement_id=link_ids[0], entruster_party_id=party_ids[2]))
    assert raised.value.problems[0].code == "error.chain.entruster_is_parent_entrustee"
    assert (count(db_path, "engagements"), count(db_path, "approvals")) == before


def test_tier_one_needs_a_business(ctx):
    with pytest.raises(RuleViolation) as raised:
        f.link(ctx, f.party(ctx, "A"))
    assert [p.field for p in raised.value.problems] == ["business_id"]


def test_edit_cannot_drop_a_category_a_child_carries(ctx):
    business_id = f.business(ctx)
    top = f.link(ctx, f.party(ctx, "A"), business_id=business_id, categories=("ordinary", "sensitive"))
    f.link(ctx, f.party(ctx, "B"), parent=top, categories=("sensitive",))
    data = to_input(engagements.get_engagement(ctx, top))
    data.data_categories = ["ordinary"]
    with pytest.raises(RuleViolation) as raised:
        engagements.update_engagement(ctx, top, 1, data)
    assert raised.value.problems[0].code == "error.chain.children_carry_category"


def test_edit_keeps_place_in_chain_and_bumps_version(ctx):
    business_id = f.business(ctx)
    top = f.link(ctx, f.party(ctx, "A"), business_id=business_id)
    before = engagements.get_engagement(ctx, top)
    data = to_input(before)
    data.work, data.individuals_count = "給与計算", 1500
    engagements.update_engagement(ctx, top, before["version"], data)
    row = engagements.get_engagement(ctx, top)
    assert (row["work"], row["individuals_count"], row["version"], row["tier"]) == (
        "給与計算", 1500, before["version"] + 1, 1)
    data.entrustee_party_id = f.party(ctx, "別会社")
    with pytest.raises(RuleViolation):
        engagements.update_engagement(ctx, top, row["version"], data)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_roles_without_registry_rights_are_refused_by_the_service(db_path, role):
    with pytest.raises(PermissionDenied):
        f.party(context_for(db_path, role), "A")
    assert count(db_path, "parties") == 0


def test_procurement_may_edit_the_registry(db_path):
    assert f.party(context_for(db_path, Role.PROCUREMENT), "A") > 0


def test_concurrent_sessions_each_on_their_own_connection(ctx, db_path):
    errors = []

    def work(n):
        try:
            for i in range(20):
                f.party(ctx, f"スレッド{n}-{i}")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert count(db_path, "parties") == 120


def test_parties_are_listed_by_reading_then_name(ctx):
    from tracker.services import parties
    f.party(ctx, "株式会社和田", kana="ワダ")
    f.party(ctx, "株式会社青木", kana="アオキ")
    f.party(ctx, "Acme Ltd.")  # no reading: by its name
    f.party(ctx, "株式会社加藤", kana="カトウ")
    rows, _ = parties.search_parties(ctx)
    assert [r["name"] for r in rows] == ["Acme Ltd.", "株式会社青木", "株式会社加藤", "株式会社和田"]
