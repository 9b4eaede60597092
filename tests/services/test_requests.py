"""Requests answered by the vendors themselves: links, drafts, submission, review, and what an
accepted answer does — on a real database, through the services."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.conftest import TODAY, context_for
from tracker.domain import request_tokens
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.formats.request_workbook_layout import ANSWER, ANSWERED_BY_CELL, HEADER_ROW, MAIN_SHEET, TEXT_JA
from tracker.services import approvals, catalogue, request_answers, requests, reviews, selection, terminations
from tracker.services.context import PermissionDenied
from tracker.services.request_answers import LinkRefused
from tracker.services.requests import Acceptance, RequestDraft
from tracker.store import connection

CLIENT = "203.0.113.7"
DUE = TODAY + timedelta(days=30)


def token_of(issued) -> str:
    return parse_qs(urlparse(issued.link).query)["answer"][0]


def selection_answers(**changes) -> dict:
    question_set = catalogue.question_set("selection")
    answers = {q.id: "yes" for q in question_set.questions if q.type == "yes_no"}
    answers |= {"past_incidents": "no", "certifications": "pmark", "foreign_handling": "no", "foreign_law_checked": "na"}
    return answers | changes


@pytest.fixture
def sent(ctx):
    party = factories.party(ctx, "株式会社回答", contact_person="回答 花子", email="hanako@example.jp")
    link = factories.link(ctx, party, business_id=factories.business(ctx), status="proposed")
    issued = requests.create_request(ctx, RequestDraft(link, "selection", DUE))
    return link, issued


def test_only_the_hash_of_the_link_is_kept_and_the_contact_defaults_to_the_partys(ctx, sent):
    _, issued = sent
    token = token_of(issued)
    with connection.reading(ctx.db_path) as db:
        row = next(db.query("SELECT * FROM requests WHERE id = ?", [issued.request_id]))
        dump = "\n".join(str(r) for r in db.execute("SELECT * FROM audit_log").fetchall())
    assert row["token_hash"] == request_tokens.token_hash(token) and token not in json.dumps(row)
    assert token not in dump  # nor in the audit trail
    assert (row["state"], row["contact_name"], row["contact_email"]) == ("sent", "回答 花子", "hanako@example.jp")
    assert row["link_expires_on"] == (DUE + timedelta(days=14)).isoformat()


def test_the_link_opens_its_request_once_marked_opened_and_nothing_else(ctx, sent):
    _, issued = sent
    view = request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).view()
    assert view.id == issued.request_id and view.editable and view.entrustee_name == "株式会社回答"
    assert requests.request_view(ctx, issued.request_id).row["state"] == "opened"
    vendor = request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).ctx
    with pytest.raises(PermissionDenied):  # the vendor's context reads nothing through the app's services
        requests.requests_page(vendor)


@pytest.mark.parametrize("spoil", ["altered", "expired", "withdrawn", "shape"])
def test_a_wrong_expired_or_withdrawn_link_opens_nothing(ctx, sent, spoil):
    _, issued = sent
    token, day = token_of(issued), TODAY
    if spoil == "altered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif spoil == "expired":
        day = DUE + timedelta(days=15)
    elif spoil == "withdrawn":
        requests.withdraw(ctx, issued.request_id, 1)
    else:
        token = "' OR 1=1 --"
    with pytest.raises(LinkRefused):
        request_answers.open_link(ctx.db_path, token, CLIENT, day).view()


def test_too_many_wrong_links_from_one_client_refuse_even_the_right_one_for_a_while(ctx, sent):
    _, issued = sent
    for _ in range(request_tokens.MAX_FAILURES):
        with pytest.raises(LinkRefused):
            request_answers.open_link(ctx.db_path, request_tokens.new_token(), CLIENT, TODAY).view()
    with pytest.raises(LinkRefused):
        request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).view()
    # another client is not affected
    assert request_answers.open_link(ctx.db_path, token_of(issued), "198.51.100.1", TODAY).view().id == issued.request_id


def test_a_draft_keeps_partial_answers_and_a_bad_one_changes_nothing(ctx, sent):
    _, issued = sent
    token = token_of(issued)
    view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).save_draft(view.version, {"policy_officer": "はい"})
    view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    assert view.answers == {"policy_officer": "yes"}
    with pytest.raises(RuleViolation) as refused:
        request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).save_draft(view.version,
                                   {"policy_officer": "no", "human_training_last": "31/02/2026"})
    assert [p.field for p in refused.value.problems] == ["human_training_last"]
    assert request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view().answers == {"policy_officer": "yes"}


def test_submitting_needs_every_required_answer_then_the_link_is_a_receipt(ctx, sent):
    _, issued = sent
    token = token_of(issued)
    view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    incomplete = selection_answers()
    del incomplete["tech_backup"]
    with pytest.raises(RuleViolation) as refused:
        request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).submit(view.version, incomplete, "")
    assert {p.field for p in refused.value.problems} == {"tech_backup", "answered_by"}
    request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).submit(view.version, selection_answers(), "情報システム部 回答")
    receipt = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    assert receipt.state == "answered" and not receipt.editable and receipt.answers["certifications"] == "pmark"
    with pytest.raises(RuleViolation):
        request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).submit(receipt.version, selection_answers(), "再送")


def test_a_file_answer_is_an_attachment_of_this_request_only(ctx, sent, tmp_path):
    from tests import files

    _, issued = sent
    token = token_of(issued)
    view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).save_draft(view.version, {},
                               uploads={"rules_document": ("規程.pdf", files.pdf("rules"))})
    view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    attachment_id = view.answers["rules_document"]
    assert view.attachment_names == {attachment_id: "規程.pdf"}
    from tracker.services import attachments
    other = attachments.store(ctx, "他人の契約書.pdf", files.pdf("other"))
    with pytest.raises(RuleViolation):  # someone else's file cannot be named as evidence
        request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).save_draft(view.version, {"rules_document": other})


def _answered(ctx, sent, answers=None):
    _, issued = sent
    token = token_of(issued)
    view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).submit(view.version, answers or selection_answers(), "回答 花子")
    return requests.request_view(ctx, issued.request_id).row


def test_accepting_a_selection_answer_needs_a_chosen_result_and_records_the_check(ctx, sent):
    link, issued = sent
    row = _answered(ctx, sent, selection_answers(tech_encryption="no", physical_theft="no"))
    with pytest.raises(RuleViolation):  # never preselected: no result, nothing accepted
        requests.accept(ctx, row["id"], row["version"], Acceptance(decided_by="選定 担当"))
    assert requests.request_view(ctx, row["id"]).row["state"] == "answered"
    effect = requests.accept(ctx, row["id"], row["version"],
                             Acceptance(result="conditional", conditions="暗号化を3月までに", decided_by="選定 担当",
                                        activate=True))
    check = selection.selection_checks_of(ctx, link)[0]
    assert check["id"] == effect["selection_check_id"] and check["result"] == "conditional"
    areas = check["areas"]
    assert areas["technical"] == areas["physical"] == "issue" and areas["policy"] == "ok" and areas["foreign"] == "ok"
    assert {"report", "certification"} <= set(check["methods"])
    view = requests.request_view(ctx, row["id"])
    assert view.row["state"] == "accepted" and [f.question_id for f in view.findings][:2] == ["physical_theft",
                                                                                           "tech_encryption"]


def test_returning_sends_it_back_with_comments_and_the_vendor_answers_again(ctx, sent):
    _, issued = sent
    row = _answered(ctx, sent)
    with pytest.raises(RuleViolation):
        requests.return_to_vendor(ctx, row["id"], row["version"], "  ")
    requests.return_to_vendor(ctx, row["id"], row["version"], "技術的措置の補足をお願いします")
    view = request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).view()
    assert view.editable and view.comment == "技術的措置の補足をお願いします"
    request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).submit(view.version, selection_answers(), "回答 花子")
    assert requests.request_view(ctx, row["id"]).row["state"] == "answered"


def test_an_annual_report_fulfils_the_due_report_and_its_findings_become_actions(ctx):
    party = factories.party(ctx, "報告株式会社")
    link = factories.link(ctx, party, business_id=factories.business(ctx))
    issued = requests.create_request(ctx, RequestDraft(link, "annual_report", DUE))
    token = token_of(issued)
    view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
    question_set = catalogue.question_set("annual_report")
    answers = {q.id: "yes" for q in question_set.questions if q.type == "yes_no"}
    answers |= {"incidents_in_period": "no", "subprocessors_changed": "no", "subprocessors_approved": "na",
                "training_done": "no", "period_from": "2025-11-01", "period_to": "2026-10-31",
                "work_sites": "東京都港区", "storage_sites": "JP (東京DC)"}
    request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).submit(view.version, answers, "報告 太郎")
    row = requests.request_view(ctx, issued.request_id).row
    owner_ctx = context_for(ctx.db_path, Role.PROCUREMENT)
    with pytest.raises(PermissionDenied):  # a report is a review: recorded by a privacy officer
        requests.accept(owner_ctx, row["id"], row["version"], Acceptance())
    effect = requests.accept(ctx, row["id"], row["version"], Acceptance(action_owner="監督 担当"))
    review = reviews.reviews_of(ctx, link)[0]
    assert review["id"] == effect["review_id"] and review["kind"] == "report"
    assert [a["description"] for a in review["actions"]] == [question_set.question("training_done").text_ja]
    assert review["actions"][0]["due_on"] == (TODAY + timedelta(days=30)).isoformat()


def test_a_forwarded_declaration_proposes_the_new_sub_processor_for_approval(ctx):
    business = factories.business(ctx)
    tier1 = factories.party(ctx, "一次委託株式会社")
    tier2 = factories.party(ctx, "二次委託株式会社")
    registered_sub = factories.party(ctx, "既存再委託株式会社")
    link1 = factories.link(ctx, tier1, business_id=business, categories=("my_number",))
    link2 = factories.link(ctx, tier2, parent=link1, categories=("my_number",))
    factories.link(ctx, registered_sub, parent=link1, categories=("my_number",))
    approvals_before = approvals.approval_queue(ctx)[1]
    issued = requests.create_request(ctx, RequestDraft(link1, "subprocessors", DUE))
    forwarded = request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).forward(link2, "二次 担当", "")
    with pytest.raises(RuleViolation):  # only the vendor's own sub-links
        request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).forward(link1, "x", "")
    view = request_answers.open_link(ctx.db_path, token_of(forwarded), CLIENT, TODAY).view()
    rows = [{"name": "三次処理株式会社", "work": "帳票印刷", "data": "氏名、個人番号", "processing_country": "日本",
             "storage_country": "JP", "subsidiary": "いいえ"}]
    request_answers.open_link(ctx.db_path, token_of(forwarded), CLIENT, TODAY).submit(view.version,
                           {"has_subprocessors": "yes", "subprocessors": rows}, "二次 担当")
    assert request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).view().forwarded[0]["state"] == "answered"
    row = requests.request_view(ctx, forwarded.request_id).row
    assert row["engagement_id"] == link2 and row["forwarded_from_id"] == issued.request_id
    effect = requests.accept(ctx, row["id"], row["version"], Acceptance())
    links, total = approvals.approval_queue(ctx)
    assert total == approvals_before + 1
    proposed = next(x for x in links if x.id == effect["proposed_engagement_ids"][0])
    assert proposed.entrustee_name == "三次処理株式会社" and proposed.tier == 3 and proposed.status == "proposed"
    assert proposed.only_we_may_approve  # My Number data: our approval


def test_undeclared_registered_sub_links_are_flagged(ctx):
    business = factories.business(ctx)
    link1 = factories.link(ctx, factories.party(ctx, "一次株式会社"), business_id=business)
    sub = factories.link(ctx, factories.party(ctx, "申告漏れ株式会社"), parent=link1)
    issued = requests.create_request(ctx, RequestDraft(link1, "subprocessors", DUE))
    view = request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).view()
    stray = [{"name": "書きかけ株式会社", "work": "x", "data": "x", "processing_country": "JP", "storage_country": "JP",
              "subsidiary": "no"}]  # rows left in the table while answering "no": not a declaration
    request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).submit(view.version,
                           {"has_subprocessors": "no", "subprocessors": stray}, "x")
    row = requests.request_view(ctx, issued.request_id).row
    effect = requests.accept(ctx, row["id"], row["version"], Acceptance())
    assert effect == {"proposed_engagement_ids": [], "undeclared_engagement_ids": [sub]}


def test_a_termination_requests_every_certificate_and_answers_close_it(ctx):
    from tests import files

    _, _, links = factories.chain(ctx, 3)
    termination_id = terminations.end_engagement(ctx, links[0], TODAY, "契約満了")
    issued = requests.request_certificates(ctx, termination_id, DUE)
    assert len(issued) == 3
    with pytest.raises(RuleViolation):  # already requested: not twice
        requests.request_certificates(ctx, termination_id, DUE)
    for one in issued:
        token = token_of(one)
        view = request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).view()
        request_answers.open_link(ctx.db_path, token, CLIENT, TODAY).submit(view.version, {
            "items": "氏名・住所", "media": "サーバ", "quantity": "1,200件", "method": "削除", "responsible_person": "情報 太郎",
            "done_on": TODAY.isoformat()}, "情報 太郎",
            uploads={"certificate_file": ("削除証明書.pdf", files.pdf(str(one.request_id)))})
        row = requests.request_view(ctx, one.request_id).row
        requests.accept(ctx, row["id"], row["version"], Acceptance())
    termination = terminations.terminations(ctx)[0][0]
    assert all(c["received_on"] and c["method"] == "deletion" and c["certificate_attachment_id"]
               for c in termination["certificates"])
    terminations.close_termination(ctx, termination_id, termination["version"])  # no override needed


def test_an_incident_notice_opens_the_incident_with_the_vendors_knowledge_date(ctx):
    from tracker.services import incidents

    link = factories.link(ctx, factories.party(ctx, "事故株式会社"), business_id=factories.business(ctx))
    issued = requests.create_request(ctx, RequestDraft(link, "incident_notice", DUE))
    view = request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).view()
    request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, TODAY).submit(view.version, {
        "learned_on": (TODAY - timedelta(days=2)).isoformat(), "what_happened": "誤送信により顧客名簿が流出\n詳細は別紙",
        "individuals": "1,500", "sensitive": "no", "payment": "no", "my_number": "no", "wrongful_purpose": "no",
        "actions_taken": "送信先に削除を依頼"}, "事故 担当")
    row = requests.request_view(ctx, issued.request_id).row
    effect = requests.accept(ctx, row["id"], row["version"], Acceptance())
    incident = incidents.incident(ctx, effect["incident_id"])
    assert incident.row["learned_on"] == (TODAY - timedelta(days=2)).isoformat()
    assert incident.row["individuals_count"] == 1500 and incident.row["title"] == "誤送信により顧客名簿が流出"


def test_bulk_sending_is_all_or_nothing_and_expired_links_are_marked(ctx):
    business = factories.business(ctx)
    links = [factories.link(ctx, factories.party(ctx, f"一括{i}"), business_id=business) for i in range(3)]
    with pytest.raises(RuleViolation):
        requests.create_many(ctx, links + [999999], "selection", DUE)
    assert requests.requests_page(ctx)[1] == 0
    assert len(requests.create_many(ctx, links, "selection", DUE)) == 3
    later = context_for(ctx.db_path).__class__(ctx.db_path, ctx.actor, DUE + timedelta(days=15))
    assert requests.expire_overdue(later) == 3
    assert requests.state_counts(ctx) == {"expired": 3}


def _filled(ctx, issued, answers: dict, answered_by: str = "回答 花子") -> bytes:
    _, data = requests.workbook_of(ctx, issued.request_id)
    book = load_workbook(BytesIO(data))
    sheet = book[MAIN_SHEET]
    sheet[ANSWERED_BY_CELL] = answered_by
    question_set = catalogue.question_set("selection")
    for number, question in enumerate(question_set.questions, start=1):
        if question.id in answers:
            sheet[f"{ANSWER}{HEADER_ROW + number}"] = answers[question.id]
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row_of(question_id: str) -> int:
    ids = [q.id for q in catalogue.question_set("selection").questions]
    return HEADER_ROW + ids.index(question_id) + 1


def test_a_filled_workbook_is_recorded_like_an_online_answer(ctx, sent):
    _, issued = sent
    labels = {"yes": "はい / Yes", "no": "いいえ / No", "na": "該当なし / N/A"}
    answers = {k: labels.get(v, v) for k, v in selection_answers().items()}
    answers["certifications"] = "プライバシーマーク / PrivacyMark"
    answers["certification_valid_until"] = date(2027, 3, 31)
    requests.answer_from_workbook(ctx, issued.request_id, _filled(ctx, issued, answers))
    view = requests.request_view(ctx, issued.request_id)
    assert view.row["state"] == "answered" and view.row["answered_by"] == "回答 花子"
    assert view.answers == selection_answers() | {"certification_valid_until": "2027-03-31"}


def test_a_workbook_with_an_edited_question_is_refused_naming_the_row(ctx, sent):
    _, issued = sent
    data = _filled(ctx, issued, selection_answers())
    book = load_workbook(BytesIO(data))
    row = _row_of("tech_logs")
    book[MAIN_SHEET][f"{TEXT_JA}{row}"] = "アクセスログは取得していない（設問を書き換え）"
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(requests.WorkbookRefused) as refused:
        requests.answer_from_workbook(ctx, issued.request_id, buffer.getvalue())
    assert [(i.sheet, i.row, i.column, i.problem.code) for i in refused.value.issues] == [
        (MAIN_SHEET, row, TEXT_JA, "error.workbook.question_edited")]
    assert requests.request_view(ctx, issued.request_id).row["state"] == "sent"


def test_a_workbook_missing_a_required_answer_or_with_a_bad_value_names_each_cell(ctx, sent):
    _, issued = sent
    answers = selection_answers(tech_logs="たぶん")
    del answers["human_pledge"]
    with pytest.raises(requests.WorkbookRefused) as refused:
        requests.answer_from_workbook(ctx, issued.request_id, _filled(ctx, issued, answers, answered_by=""))
    found = {(i.row, i.column, i.problem.code) for i in refused.value.issues}
    assert found == {(_row_of("human_pledge"), ANSWER, "error.answer.required"),
                     (_row_of("tech_logs"), ANSWER, "error.answer.invalid_choice"),
                     (7, "E", "error.workbook.answered_by")}


def test_another_requests_workbook_is_refused(ctx, sent):
    link, issued = sent
    other = requests.create_request(ctx, RequestDraft(link, "selection", DUE))
    with pytest.raises(requests.WorkbookRefused) as refused:
        requests.answer_from_workbook(ctx, other.request_id, _filled(ctx, issued, selection_answers()))
    assert refused.value.issues[0].problem.code == "error.workbook.other_request"


def test_the_risk_tier_sets_how_often_the_vendor_is_asked_again_and_an_override_needs_a_reason(ctx):
    from tracker.services import risk, schedule

    low = factories.link(ctx, factories.party(ctx, "低リスク株式会社"), business_id=factories.business(ctx))
    high = factories.link(ctx, factories.party(ctx, "高リスク株式会社"), business_id=factories.business(ctx, "番号"),
                          categories=("my_number",))
    assert (risk.link_risk(ctx, low).tier, risk.link_risk(ctx, high).tier) == ("low", "high")
    assert risk.link_risk(ctx, high).derived.reasons == ("my_number",)

    def reevaluation(link_id):
        rows, _ = schedule.due_page(ctx, limit=None, kinds=["reevaluation"])
        return next(r["due_on"] for r in rows if r["engagement_id"] == link_id)

    assert reevaluation(low) == "2028-11-22" and reevaluation(high) == "2027-11-22"
    with pytest.raises(PermissionDenied):
        risk.set_override(context_for(ctx.db_path, Role.PROCUREMENT), low, 3, "high", "x")
    view = risk.link_risk(ctx, low)
    with pytest.raises(RuleViolation):
        risk.set_override(ctx, low, view.version, "high", " ")
    risk.set_override(ctx, low, view.version, "high", "委託先で過去に重大事故")
    assert risk.link_risk(ctx, low).tier == "high" and reevaluation(low) == "2027-11-22"


def test_open_requests_are_on_the_schedule_until_settled(ctx, sent):
    from tracker.services import schedule

    link, issued = sent
    rows, _ = schedule.due_page(ctx, limit=None, kinds=["request"])
    assert [(r["ref_id"], r["due_on"]) for r in rows] == []  # a proposed link is not scheduled yet
    active = factories.link(ctx, factories.party(ctx, "稼働中株式会社"), business_id=factories.business(ctx, "稼働"))
    other = requests.create_request(ctx, RequestDraft(active, "annual_report", DUE))
    rows, _ = schedule.due_page(ctx, limit=None, kinds=["request"])
    assert [(r["ref_id"], r["due_on"]) for r in rows] == [(other.request_id, DUE.isoformat())]
    requests.withdraw(ctx, other.request_id, 1)
    assert schedule.due_page(ctx, limit=None, kinds=["request"])[1] == 0


def test_a_request_goes_out_by_e_mail_and_is_chased_with_a_new_link(ctx, sent, smtp_server):
    import email
    from email.policy import default

    from tracker.services import request_mail
    from tracker.settings import Smtp

    inbox, port = smtp_server
    smtp = Smtp(host="127.0.0.1", port=port, security="none", sender="tracker@example.jp")
    _, issued = sent
    assert request_mail.send_invitations(ctx, [issued], smtp).sent == 1
    message = email.message_from_bytes(inbox.messages[0].content, policy=default)
    assert inbox.messages[0].rcpt_tos == ["hanako@example.jp"] and issued.link in message.get_body().get_content()
    attachment = next(message.iter_attachments())
    assert attachment.get_filename().endswith(f"R{issued.request_id}.xlsx")
    assert load_workbook(BytesIO(attachment.get_content())).sheetnames[0] == MAIN_SHEET

    week_before = ctx.__class__(ctx.db_path, ctx.actor, DUE - timedelta(days=7))
    printed = []
    assert request_mail.chase(week_before, smtp, dry_run=True, echo=printed.append).sent == 1
    assert len(inbox.messages) == 1 and f"R{issued.request_id}" in printed[0]  # a dry run sends and changes nothing
    request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, week_before.today).view()
    assert request_mail.chase(week_before, smtp).sent == 1
    chased = email.message_from_bytes(inbox.messages[1].content, policy=default).get_body().get_content()
    new_link = re.search(r"http\S+answer=[\w-]+", chased).group(0)
    assert new_link != issued.link
    with pytest.raises(LinkRefused):  # the old link stops working; the new one opens the same request
        request_answers.open_link(ctx.db_path, token_of(issued), CLIENT, week_before.today).view()
    assert request_answers.open_link(ctx.db_path, new_link.split("answer=")[1], CLIENT,
                                        week_before.today).view().id == issued.request_id
    two_days_before = ctx.__class__(ctx.db_path, ctx.actor, DUE - timedelta(days=2))
    assert request_mail.chase(two_days_before, smtp).sent == 0  # not every day
