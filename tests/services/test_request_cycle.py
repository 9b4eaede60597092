"""The request cycle fit for real vendors (issue 26): what the officer sees before deciding, and what
a vendor's staff can answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories as f
from tests.conftest import TODAY
from tests.services.test_requests import selection_answers
from tracker.domain.answers import MAX_CELL, MAX_ROWS, MAX_TEXT
from tracker.domain.corporate_number import check_digit
from tracker.domain.dates import parse_date
from tracker.domain.problems import RuleViolation
from tracker.services import request_answers, requests
from tracker.services.requests import RequestDraft

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
    view = request_answers.open_request(db_path, token, CLIENT, TODAY)
    request_answers.submit(db_path, token, CLIENT, TODAY, view.version, answers, by)


# --- 8. limits are per answer, as the form says

def test_forty_sub_processors_are_taken(ctx, db_path):
    _, token = _sent(ctx, "subprocessors")
    rows = [_declared(f"株式会社再委託{n:02d}" + "社" * 60) for n in range(40)]
    _submit(db_path, token, {"has_subprocessors": "yes", "subprocessors": rows})
    assert len(request_answers.open_request(db_path, token, CLIENT, TODAY).answers["subprocessors"]) == 40


def test_answers_of_four_thousand_characters_each_are_taken(ctx, db_path):
    _, token = _sent(ctx, "selection")
    _submit(db_path, token, selection_answers(comments="補" * MAX_TEXT, foreign_countries="国" * MAX_TEXT))
    assert len(request_answers.open_request(db_path, token, CLIENT, TODAY).answers["comments"]) == MAX_TEXT


def test_an_answer_too_long_is_named(ctx, db_path):
    _, token = _sent(ctx, "selection")
    with pytest.raises(RuleViolation) as refused:
        _submit(db_path, token, selection_answers(comments="補" * (MAX_TEXT + 1)))
    assert [(p.field, p.code) for p in refused.value.problems] == [("comments", "error.answer.too_long")]


@pytest.mark.parametrize("answers,field,code", [
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
    stored = request_answers.open_request(db_path, token, CLIENT, TODAY).answers["subprocessors"]
    assert stored[0]["corporate_number"] == good


# --- 10. dates as Japanese staff write them

@pytest.mark.parametrize("written,meant", [
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
    assert request_answers.open_request(db_path, token, CLIENT, TODAY).answers["subprocessors"][0]["since"] == \
        "2026-10-01"
    _, other = _sent(ctx, "subprocessors", "株式会社二件目")
    with pytest.raises(RuleViolation) as refused:
        _submit(db_path, other, {"has_subprocessors": "yes", "subprocessors": [_declared("株式会社米式") | {
            "since": "12/20/2026"}]})
    assert [(p.field, p.code) for p in refused.value.problems] == [("subprocessors[1].since", "error.answer.not_a_date")]
