"""The request cycle fit for real vendors (issue 26): what the officer sees before deciding, and what
a vendor's staff can answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.conftest import TODAY
from tests.services.test_requests import selection_answers
from tracker.domain.answers import MAX_CELL, MAX_ROWS, MAX_TEXT
from tracker.domain.corporate_number import check_digit
from tracker.domain.problems import RuleViolation
from tracker.services import request_answers, requests
from tracker.services.requests import RequestDraft

CLIENT = "192.0.2.1"


def _sent(ctx, set_id: str, **link) -> tuple[int, str]:
    party = f.party(ctx, "株式会社回答", contact_person="回答 花子", email="hanako@example.jp")
    engagement = f.link(ctx, party, business_id=f.business(ctx), status="proposed", **link)
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
