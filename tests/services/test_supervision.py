"""Selection checks and the activation guard, reviews moving the schedule, certifications, the
calendar file and reminder e-mails through a real SMTP server."""

from datetime import date

import pytest
from icalendar import Calendar

from tests import factories as f
from tests.conftest import context_for
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.domain.schedule import DueStatus, ReviewKind
from tracker.domain.selection import AREAS
from tracker.services import (
    certifications, contracts, engagements, reminders, reviews, schedule, selection, terminations,
)
from tracker.services.certifications import CertificationInput
from tracker.services.context import PermissionDenied
from tracker.services.contracts import ContractInput
from tracker.services.engagements import EngagementInput, to_input
from tracker.services.reviews import ReviewInput
from tracker.services.users import UserInput, create_user
from tracker.settings import Smtp
from tracker.store import connection, due_items

ALL_OK = {area: "ok" for area in AREAS}


def count(db_path, table):
    with connection.reading(db_path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def due(ctx, link_id):
    rows, _ = schedule.due_page(ctx, engagement_id=link_id, limit=None)
    return {row["kind"]: row for row in rows}


def new_link(ctx, status="proposed", **fields):
    return engagements.create_engagement(ctx, EngagementInput(
        entrustee_party_id=f.party(ctx, "候補株式会社"), work="発送代行", data_categories=["ordinary"],
        business_id=f.business(ctx, f"業務{f.corporate_number()}"), status=status, **fields))


# --- the activation guard

def test_a_link_cannot_start_active_without_a_selection_check_and_nothing_is_saved(ctx, db_path):
    party = f.party(ctx, "候補")
    business = f.business(ctx)
    before = count(db_path, "engagements")
    with pytest.raises(RuleViolation) as raised:
        engagements.create_engagement(ctx, EngagementInput(entrustee_party_id=party, work="w",
                                                           data_categories=["ordinary"], business_id=business,
                                                           status="active"))
    assert [(p.field, p.code) for p in raised.value.problems] == [("status", "error.selection.required_for_active")]
    assert count(db_path, "engagements") == before


def test_an_override_is_a_privacy_decision_and_stays_a_finding_until_a_check_is_recorded(db_path):
    officer, buyer = context_for(db_path), context_for(db_path, Role.PROCUREMENT)
    with pytest.raises(PermissionDenied):
        new_link(buyer, status="active", selection_override_reason="紙の台帳から移行")
    link_id = new_link(officer, status="active", selection_override_reason="紙の台帳から移行")
    rows, total = selection.unselected_active(officer)
    assert total == 1 and rows[0]["selection_override_reason"] == "紙の台帳から移行"
    selection.record_selection_check(buyer, link_id, f.passing_selection(buyer.today))
    assert selection.unselected_active(officer)[1] == 0


def test_editing_a_proposed_link_to_active_needs_a_passing_check(ctx):
    link_id = new_link(ctx)
    data = to_input(engagements.get_engagement(ctx, link_id))
    data.status = "active"
    with pytest.raises(RuleViolation):
        engagements.update_engagement(ctx, link_id, 1, data)
    selection.record_selection_check(ctx, link_id, f.passing_selection(ctx.today, "rejected"))
    with pytest.raises(RuleViolation):
        engagements.update_engagement(ctx, link_id, 1, data)
    selection.record_selection_check(ctx, link_id, f.passing_selection(ctx.today, "conditional"))
    engagements.update_engagement(ctx, link_id, 1, data)
    assert engagements.get_engagement(ctx, link_id)["status"] == "active"


def test_a_rejected_check_does_not_activate_and_records_nothing(ctx, db_path):
    link_id = new_link(ctx)
    with pytest.raises(RuleViolation) as raised:
        selection.record_selection_check(ctx, link_id, f.passing_selection(ctx.today, "rejected"), activate=True)
    assert raised.value.problems[0].code == "error.selection.not_passing"
    assert count(db_path, "selection_checks") == 0
    assert engagements.get_engagement(ctx, link_id)["status"] == "proposed"


def test_a_sub_tier_is_not_activated_under_a_proposed_parent(ctx):
    parent = new_link(ctx)
    child = engagements.create_engagement(ctx, EngagementInput(
        entrustee_party_id=f.party(ctx, "再委託先"), work="w", data_categories=["ordinary"],
        parent_engagement_id=parent))
    with pytest.raises(RuleViolation) as raised:
        selection.record_selection_check(ctx, child, f.passing_selection(ctx.today), activate=True)
    assert raised.value.problems[0].code == "error.chain.parent_not_active"


def test_selection_checks_need_registry_rights(db_path):
    officer = context_for(db_path)
    link_id = new_link(officer)
    with pytest.raises(PermissionDenied):
        selection.record_selection_check(context_for(db_path, Role.MANAGER), link_id,
                                         f.passing_selection(officer.today))


# --- the schedule and reviews

def test_completing_an_inspection_moves_its_next_due_date_from_the_completion_date(ctx):
    business = f.business(ctx)
    link_id = f.link(ctx, f.party(ctx, "A"), business_id=business, start_date=date(2025, 3, 1))
    before = due(ctx, link_id)
    assert before[ReviewKind.INSPECTION]["due_on"] == "2026-02-27"  # 2026-03-01 is a Sunday
    assert before[ReviewKind.INSPECTION]["status"] == DueStatus.OVERDUE
    reviews.complete_review(ctx, link_id, ReviewInput("inspection", date(2026, 11, 20), "点検者", "on_site",
                                                      checklist=ALL_OK))
    after = due(ctx, link_id)[ReviewKind.INSPECTION]
    assert (after["nominal_on"], after["due_on"], after["status"]) == ("2027-11-20", "2027-11-19", DueStatus.UPCOMING)


def test_a_sub_tier_review_records_whether_we_or_the_entrustee_did_it(ctx):
    _, _, (top, sub) = f.chain(ctx, 2)
    with pytest.raises(RuleViolation):
        reviews.complete_review(ctx, top, ReviewInput("report", ctx.today, "担当", performed_via="entrustee"))
    reviews.complete_review(ctx, sub, ReviewInput("report", ctx.today, "担当", performed_via="entrustee"))
    assert reviews.reviews_of(ctx, sub)[0]["performed_via"] == "entrustee"


def test_reports_follow_the_contract_and_abroad_adds_the_foreign_check(ctx):
    link_id = f.link(ctx, f.party(ctx, "A"), business_id=f.business(ctx), start_date=date(2026, 1, 15),
                     storage_countries=["SG"])
    assert ReviewKind.REPORT not in due(ctx, link_id)
    assert due(ctx, link_id)[ReviewKind.FOREIGN_CHECK]["nominal_on"] == "2027-01-15"
    contracts.create_contract(ctx, link_id, ContractInput("委託契約", "master", date(2026, 1, 10), date(2027, 1, 9),
                                                          report_interval_months=6))
    items = due(ctx, link_id)
    assert items[ReviewKind.REPORT]["nominal_on"] == "2026-07-15"
    assert items[ReviewKind.CONTRACT]["nominal_on"] == "2027-01-09"


def test_an_auto_renewing_contract_has_no_expiry_item(ctx):
    link_id = f.link(ctx, f.party(ctx, "A"), business_id=f.business(ctx))
    contracts.create_contract(ctx, link_id, ContractInput("規約", "standard_terms", date(2024, 1, 1), date(2025, 1, 1),
                                                          auto_renewal=True))
    assert ReviewKind.CONTRACT not in due(ctx, link_id)


def test_corrective_actions_are_scheduled_until_closed(ctx):
    link_id = f.link(ctx, f.party(ctx, "A"), business_id=f.business(ctx))
    review_id = reviews.complete_review(ctx, link_id, ReviewInput("inspection", ctx.today, "点検者", "document",
                                                                  checklist=ALL_OK))
    with pytest.raises(RuleViolation):
        reviews.add_corrective_action(ctx, review_id, " ", "", None)
    action_id = reviews.add_corrective_action(ctx, review_id, "入退室記録の保存", "委託先 高橋", date(2026, 12, 15))
    assert due(ctx, link_id)[ReviewKind.CORRECTIVE_ACTION]["status"] == DueStatus.DUE_SOON
    reviews.close_corrective_action(ctx, action_id, 1, ctx.today)
    assert ReviewKind.CORRECTIVE_ACTION not in due(ctx, link_id)
    assert reviews.reviews_of(ctx, link_id)[0]["actions"][0]["closed_on"] == ctx.today.isoformat()


def test_an_ended_link_has_nothing_due(ctx):
    link_id = f.link(ctx, f.party(ctx, "A"), business_id=f.business(ctx))
    assert due(ctx, link_id)
    terminations.end_engagement(ctx, link_id, ctx.today)
    assert due(ctx, link_id) == {}


def test_only_privacy_officers_record_reviews(db_path):
    officer = context_for(db_path)
    link_id = f.link(officer, f.party(officer, "A"), business_id=f.business(officer))
    for role in (Role.PROCUREMENT, Role.MANAGER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            reviews.complete_review(context_for(db_path, role), link_id, ReviewInput("report", officer.today, "x"))


def test_certificates_are_due_at_expiry_and_renewal_moves_them(ctx):
    party = f.party(ctx, "認証保有")
    with pytest.raises(RuleViolation):
        certifications.create_certification(ctx, party, CertificationInput("other", "1", None))
    cert_id = certifications.create_certification(ctx, party, CertificationInput("pmark", "10820123(05)",
                                                                                 date(2027, 2, 1)))
    rows, _ = schedule.due_page(ctx, kinds=["certification"], limit=None)
    assert [(r["party_id"], r["due_on"], r["status"]) for r in rows] == [(party, "2027-02-01", DueStatus.DUE_SOON)]
    certifications.update_certification(ctx, cert_id, 1, CertificationInput("pmark", "10820123(06)", date(2029, 2, 1)))
    rows, _ = schedule.due_page(ctx, kinds=["certification"], limit=None)
    assert [(r["due_on"], r["status"]) for r in rows] == [("2029-02-01", DueStatus.UPCOMING)]


def test_rebuilding_the_whole_schedule_gives_what_the_incremental_updates_kept(demo_ctx, db_path):
    def snapshot():
        with connection.reading(db_path) as db:
            return sorted(db.execute("SELECT kind, ref_id, engagement_id, party_id, due_on, notice_days, owner_user_id "
                                     "FROM due_items").fetchall(), key=repr)

    kept = snapshot()
    with connection.writing(db_path) as db:
        due_items.rebuild_all(db)
    assert snapshot() == kept and len(kept) > 20


def test_mine_counts_only_my_items(demo_ctx, db_path):
    privacy = context_for(db_path, Role.PRIVACY_OFFICER)
    privacy = type(privacy)(db_path, type(privacy.actor)("privacy", "個人情報保護 太郎", Role.PRIVACY_OFFICER),
                            privacy.today)
    everything, mine = schedule.due_counts(privacy), schedule.due_counts(privacy, mine=True)
    assert 0 < mine[DueStatus.OVERDUE] < everything[DueStatus.OVERDUE]
    rows, _ = schedule.due_page(privacy, mine=True, limit=None)
    assert {r["owner_name"] for r in rows} == {"個人情報保護 太郎"}


# --- calendar file and reminders

def test_the_calendar_file_parses_back_with_the_same_events(demo_ctx):
    labels = {k.value: k.value for k in ReviewKind}
    rows, _ = schedule.due_page(demo_ctx, limit=None)
    parsed = Calendar.from_ical(schedule.calendar_file(demo_ctx, labels))
    events = {str(e["uid"]): (e.decoded("dtstart"), str(e["summary"])) for e in parsed.walk("VEVENT")}
    assert len(events) == len(rows) > 20
    for row in rows:
        uid = f"{row['kind']}-" + (f"e{row['engagement_id']}" if row["engagement_id"] else f"p{row['party_id']}") \
              + f"-{row['ref_id'] or 0}@entrustee-tracker"
        start, summary = events[uid]
        assert start == date.fromisoformat(row["due_on"])
        assert summary.startswith(f"{row['kind']}: {row['party_name']}")


def test_reminders_reach_each_owner_with_their_items_through_smtp(demo_ctx, smtp_server):
    import email
    from email.policy import default

    inbox, port = smtp_server
    sent = reminders.send(demo_ctx, Smtp(host="127.0.0.1", port=port, security="none", sender="tracker@example.jp"))
    assert sent.sent == 2 == len(inbox.messages) and sent.failed == []
    expected = {d.email: d.items for d in reminders.digests(demo_ctx)}
    for envelope in inbox.messages:
        (recipient,) = envelope.rcpt_tos
        body = email.message_from_bytes(envelope.content, policy=default).get_content()
        items = expected[recipient]
        assert all(row["due_on"] in body and row["party_name"] in body for row in items)
        assert all(row["status"] in (DueStatus.OVERDUE, DueStatus.DUE_SOON) for row in items)
    officer_items = {(r["kind"], r["party_name"]) for r in expected["privacy@minato-shoji.example.jp"]}
    assert ("inspection", "株式会社ペイロールサービス東日本") in officer_items
    assert ("inspection", "株式会社セキュア廃棄センター") not in officer_items  # the buyer's


def test_unowned_items_go_to_every_privacy_officer(ctx):
    admin = context_for(ctx.db_path, Role.ADMIN)
    create_user(admin, UserInput("po1", "担当一", "privacy_officer", "po1@example.jp", "long-password-1"))
    create_user(admin, UserInput("po2", "担当二", "privacy_officer", "po2@example.jp", "long-password-2"))
    f.link(ctx, f.party(ctx, "A"), business_id=f.business(ctx), start_date=date(2024, 1, 10))
    found = {d.email: len(d.items) for d in reminders.digests(ctx)}
    assert found == {"po1@example.jp": 1, "po2@example.jp": 1}  # the overdue inspection; re-evaluation is later


def test_the_history_keeps_which_area_of_an_inspection_had_an_issue(ctx):
    from tracker.domain.selection import AREAS
    _, _, [link_id] = f.chain(ctx, 1)
    areas = {a: "ok" for a in AREAS} | {"physical": "issue"}
    reviews.complete_review(ctx, link_id, ReviewInput("inspection", ctx.today, "点検者", method="on_site",
                                                      checklist=areas, findings="施錠の不備"))
    [review] = reviews.reviews_of(ctx, link_id)
    assert review["checklist"]["physical"] == "issue"
    assert [a for a, r in review["checklist"].items() if r == "issue"] == ["physical"]
