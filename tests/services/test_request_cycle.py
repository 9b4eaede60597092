"""The request cycle fit for real vendors (issue 26): what the officer sees before deciding, and what
a vendor's staff can answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories as f
from tests import files
from tests.conftest import TODAY
from tests.services.test_requests import selection_answers
from tracker.domain.answers import MAX_CELL, MAX_ROWS, MAX_TEXT
from tracker.domain.corporate_number import check_digit
from tracker.domain.dates import parse_date
from tracker.domain.problems import RuleViolation, StaleRecord
from tracker.services import request_answers, requests
from tracker.services.requests import RequestDraft
from tracker.store import connection

CLIENT = "192.0.2.1"


def _sent(ctx, set_id: str, name: str = "株式会社回答", **link) -> tuple[int, str]:
    party = f.party(ctx, name, contact_person="回答 花子", email="hanako@example.jp")
    engagement = f.link(ctx, party, business_id=f.business(ctx, f"{name}の業務"), status="proposed", **link)
    issued = requests.create_request(ctx, RequestDraft(engagement, set_id, TODAY + timedelta(days=30)))
    return issued.request_id, issued.link.split("answer=")[1]


def _declared(name: str, number: str = "") -> dict:
    return {"name": name, "corporate_number": number, "work": "帳票印刷", "data": "氏名、住所",
            "processing_country": "JP", "storage_country": "JP", "subsidiary": "no"}


def _submit(db_path, token, answers, by="回答 花子"):
    link = request_answers.open_link(db_path, token, CLIENT, TODAY)
    link.submit(link.view().version, answers, by)


def test_a_link_opened_for_a_page_run_writes_nothing_once_the_request_is_withdrawn_meanwhile(ctx, db_path):
    request_id, token = _sent(ctx, "annual_report")
    link = request_answers.open_link(db_path, token, CLIENT, TODAY)  # the vendor's page run begins
    row = requests.request_view(ctx, request_id).row
    requests.withdraw(ctx, request_id, row["version"])  # we withdraw it while the vendor types
    with pytest.raises(StaleRecord):
        link.save_draft(link.view().version, {}, {"report_file": ("report.pdf", files.pdf())})
    after = requests.request_view(ctx, request_id).row
    assert (after["state"], after["answers"], after["answered_by"]) == ("withdrawn", row["answers"], None)
    with connection.reading(db_path) as db:  # no file row left behind by the refused submission
        assert db.execute("SELECT count(*) FROM attachments WHERE created_by = ?",
                          [f"vendor:R{request_id}"]).fetchone()[0] == 0


# --- 8. limits are per answer, as the form says

def test_forty_sub_processors_are_taken(ctx, db_path):
    _, token = _sent(ctx, "subprocessors")
    rows = [_declared(f"株式会社再委託{n:02d}" + "社" * 60) for n in range(40)]
    _submit(db_path, token, {"has_subprocessors": "yes", "subprocessors": rows})
    assert len(request_answers.open_link(db_path, token, CLIENT, TODAY).view().answers["subprocessors"]) == 40


def test_answers_of_four_thousand_characters_each_are_taken(ctx, db_path):
    _, token = _sent(ctx, "selection")
    _submit(db_path, token, selection_answers(comments="補" * MAX_TEXT, foreign_countries="国" * MAX_TEXT))
    assert len(request_answers.open_link(db_path, token, CLIENT, TODAY).view().answers["comments"]) == MAX_TEXT


def test_an_answer_too_long_is_named(ctx, db_path):
    _, token = _sent(ctx, "selection")
    with pytest.raises(RuleViolation) as refused:
        _submit(db_path, token, selection_answers(comments="補" * (MAX_TEXT + 1)))
    assert [(p.field, p.code) for p in refused.value.problems] == [("comments", "error.answer.too_long")]


@pytest.mark.parametrize(("answers", "field", "code"), [
    ({"subprocessors": [_declared("株式会社" + "長" * MAX_CELL)]}, "subprocessors[1].name", "error.answer.cell_too_long"),
    ({"subprocessors": [_declared(f"株式会社{n}") for n in range(MAX_ROWS + 1)]}, "subprocessors",
     "error.answer.too_many_rows"),
])
def test_each_refusal_names_its_answer(ctx, db_path, answers, field, code):
    _, token = _sent(ctx, "subprocessors")
    with pytest.raises(RuleViolation) as refused:
        _submit(db_path, token, {"has_subprocessors": "yes", "subprocessors": [_declared("株式会社A")]} | answers)
    assert [(p.field, p.code) for p in refused.value.problems] == [(field, code)]


# --- 6. a 法人番号 a vendor declares is checked when it submits

def test_a_declared_corporate_number_is_checked_at_submission_naming_its_row(ctx, db_path):
    base = "700110005901"
    good = f"{check_digit(base)}{base}"
    bad = f"{(check_digit(base) + 1) % 10}{base}"
    _, token = _sent(ctx, "subprocessors")
    with pytest.raises(RuleViolation) as refused:
        _submit(db_path, token, {"has_subprocessors": "yes",
                                 "subprocessors": [_declared("株式会社正", good), _declared("株式会社誤", bad)]})
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("subprocessors[2].corporate_number", "error.answer.corporate_number")]
    full_width = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    _submit(db_path, token, {"has_subprocessors": "yes", "subprocessors": [_declared("株式会社正", full_width)]})
    stored = request_answers.open_link(db_path, token, CLIENT, TODAY).view().answers["subprocessors"]
    assert stored[0]["corporate_number"] == good


# --- 10. dates as Japanese staff write them

@pytest.mark.parametrize(("written", "meant"), [
    ("2027年1月15日", date(2027, 1, 15)), ("２０２７年１月１５日", date(2027, 1, 15)), ("2027/1/15", date(2027, 1, 15)),
    ("2027.01.15", date(2027, 1, 15)), ("2027-01-15", date(2027, 1, 15)), ("令和8年10月1日", date(2026, 10, 1)),
    ("R8.10.1", date(2026, 10, 1)), ("r8/10/1", date(2026, 10, 1)), ("令和 8 年 10 月 1 日", date(2026, 10, 1)),
    # era boundaries (元号法; 平成 ended 2019-04-30, 昭和 1989-01-07)
    ("令和元年5月1日", date(2019, 5, 1)), ("R1.5.1", date(2019, 5, 1)), ("平成31年4月30日", date(2019, 4, 30)),
    ("H31.4.30", date(2019, 4, 30)), ("平成元年1月8日", date(1989, 1, 8)), ("昭和64年1月7日", date(1989, 1, 7)),
])
def test_dates_are_read_as_they_are_written(written, meant):
    assert parse_date(written) == meant


@pytest.mark.parametrize("written", ["12/20/2026", "20/12/2026", "平成31年5月1日", "令和元年4月30日", "平成元年1月7日",
                                     "令和0年1月1日", "2027-02-30", "2027年13月1日", "来週", "R8.10"])
def test_a_date_that_cannot_be_read_is_never_another_date(written):
    assert parse_date(written) is None


def test_a_vendor_may_write_a_date_in_wareki_and_an_unreadable_one_is_named(ctx, db_path):
    _, token = _sent(ctx, "subprocessors")
    rows = [_declared("株式会社和暦") | {"since": "令和8年10月1日"}]
    _submit(db_path, token, {"has_subprocessors": "yes", "subprocessors": rows})
    assert request_answers.open_link(db_path, token, CLIENT, TODAY).view().answers["subprocessors"][0]["since"] == \
        "2026-10-01"
    _, other = _sent(ctx, "subprocessors", "株式会社二件目")
    with pytest.raises(RuleViolation) as refused:
        _submit(db_path, other, {"has_subprocessors": "yes", "subprocessors": [_declared("株式会社米式") | {
            "since": "12/20/2026"}]})
    assert [(p.field, p.code) for p in refused.value.problems] == [("subprocessors[1].since", "error.answer.not_a_date")]


# --- 3, 2. contradictions before the decision, named by company, path and ledger ref

@pytest.fixture
def declaration(ctx, db_path):
    """A tier-1 link with two registered sub-processors; a declaration answered once and accepted,
    then again naming only one of them and a new company."""
    business = f.business(ctx, "給与計算")
    tier1 = f.link(ctx, f.party(ctx, "株式会社一次"), business_id=business)
    kept = f.link(ctx, f.party(ctx, "株式会社残る"), parent=tier1)
    left_out = f.link(ctx, f.party(ctx, "株式会社漏れ"), parent=tier1)
    first = requests.create_request(ctx, RequestDraft(tier1, "subprocessors", TODAY + timedelta(days=30)))
    token = first.link.split("answer=")[1]
    _submit(db_path, token, {"has_subprocessors": "yes", "subprocessors": [_declared("株式会社残る"),
                                                                          _declared("株式会社漏れ")]})
    row = requests.request_view(ctx, first.request_id).row
    requests.accept(ctx, first.request_id, row["version"], requests.Acceptance())
    second = requests.create_request(ctx, RequestDraft(tier1, "subprocessors", TODAY + timedelta(days=30)))
    token = second.link.split("answer=")[1]
    _submit(db_path, token, {"has_subprocessors": "yes", "subprocessors": [_declared("株式会社残る"),
                                                                          _declared("株式会社新顔")]})
    return second.request_id, tier1, kept, left_out


def test_a_registered_sub_processor_left_out_shows_before_the_decision(ctx, declaration):
    request_id, _, _, left_out = declaration
    view = requests.request_view(ctx, request_id)
    assert [(c.kind, c.links) for c in view.contradictions] == [("undeclared", (left_out,))]
    assert view.links[left_out].entrustee_name == "株式会社漏れ"
    assert view.links[left_out].path == ["株式会社一次", "株式会社漏れ"]
    assert view.changed == ["subprocessors"]


def test_no_sub_processors_while_some_are_registered_is_a_contradiction(ctx, db_path):
    tier1 = f.link(ctx, f.party(ctx, "株式会社一次"), business_id=f.business(ctx))
    registered = f.link(ctx, f.party(ctx, "株式会社登録済"), parent=tier1)
    issued = requests.create_request(ctx, RequestDraft(tier1, "subprocessors", TODAY + timedelta(days=30)))
    _submit(db_path, issued.link.split("answer=")[1], {"has_subprocessors": "no"})
    view = requests.request_view(ctx, issued.request_id)
    assert [(c.kind, c.links) for c in view.contradictions] == [("none_but_registered", (registered,))]


def test_a_certificate_past_its_expiry_is_a_contradiction(ctx, db_path):
    request_id, token = _sent(ctx, "selection")
    _submit(db_path, token, selection_answers(certification_valid_until="2026-10-31"))
    view = requests.request_view(ctx, request_id)
    assert [(c.kind, c.question_id, c.day) for c in view.contradictions] == [
        ("expired", "certification_valid_until", "2026-10-31")]


def test_what_accepting_did_names_companies_paths_and_refs(ctx, declaration):
    from tracker.i18n import t
    from tracker.outputs.request_text import request_lines

    request_id, tier1, _, left_out = declaration
    row = requests.request_view(ctx, request_id).row
    requests.accept(ctx, request_id, row["version"], requests.Acceptance())
    view = requests.request_view(ctx, request_id)
    proposed = view.effect["proposed_engagement_ids"]
    assert [view.links[i].entrustee_name for i in proposed] == ["株式会社新顔"]
    assert view.effect["undeclared_engagement_ids"] == [left_out]
    text = "\n".join(request_lines(view, "ja", "Asia/Tokyo", "株式会社委託元"))
    assert t("request.contradiction.undeclared", "ja", links=f"E{left_out} 株式会社漏れ（株式会社委託元 → 株式会社一次 → "
             "株式会社漏れ）") in text
    assert "#" not in text


def test_who_answered_and_when_in_the_organisations_time_zone(ctx, db_path):
    from tracker.outputs.request_text import request_lines

    request_id, token = _sent(ctx, "selection")
    _submit(db_path, token, selection_answers(), by="情報システム部 回答 花子")
    view = requests.request_view(ctx, request_id)
    text = "\n".join(request_lines(view, "en", "Asia/Tokyo", "Us"))
    assert "Answered by 情報システム部 回答 花子 (" in text and " JST)" in text


# --- 12. the declaration cites the My Number Act only where My Number data is entrusted

def test_the_declaration_cites_article_10_only_on_my_number_links():
    from tracker.services import catalogue

    declaration = catalogue.question_set("subprocessors")
    for lang, cited in (("ja", "番号法第10条"), ("en", "My Number Act Art. 10")):
        assert cited not in declaration.intro(lang)
        assert cited in declaration.intro(lang, my_number=True)


# --- 7. before sending: an open request of the same set, links that point at this server

def test_an_open_request_of_the_same_set_is_found_before_sending_another(ctx):
    request_id, _ = _sent(ctx, "selection")
    link = requests.request_view(ctx, request_id).row["engagement_id"]
    assert [r["id"] for r in requests.open_of(ctx, link, "selection")] == [request_id]
    assert requests.open_of(ctx, link, "annual_report") == []
    requests.withdraw(ctx, request_id, requests.request_view(ctx, request_id).row["version"])
    assert requests.open_of(ctx, link, "selection") == []


@pytest.mark.parametrize(("url", "local"), [("http://localhost:8501", True), ("http://127.0.0.1:8501", True),
                                       ("https://tracker.example.co.jp", False), ("http://10.1.2.3:8501", False)])
def test_links_that_point_at_this_server_are_noticed(url, local):
    from tracker.domain.request_tokens import local_address

    assert local_address(url) is local
