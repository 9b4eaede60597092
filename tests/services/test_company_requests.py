"""Requests to a shared party go once (issue 30, point 4): the printing house of three chains answers
one selection checksheet for the links chosen; its next checksheet starts from those answers, which
it confirms or changes, the changes marked for the officer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.conftest import TODAY
from tests.services.test_requests import selection_answers
from tracker.domain import answers as answer_rules
from tracker.domain.problems import RuleViolation
from tracker.domain.requests import Acceptance
from tracker.services import catalogue, request_answers, requests, selection
from tracker.services.requests import RequestDraft
from tracker.store import connection

CLIENT = "192.0.2.1"
DUE = TODAY + timedelta(days=30)


def _links(ctx, party_id):
    from tracker.store import registry_queries as q
    with ctx.read() as db:
        return [link_id for link_id, _ in q.open_links_of_party(db, party_id)]


def _answer(db_path, issued, answers):
    link = request_answers.open_link(db_path, issued.link.split("answer=")[1], CLIENT, TODAY)
    link.submit(link.view().version, answers, "印刷 担当")


def _accept(ctx, request_id):
    row = requests.request_view(ctx, request_id).row
    return requests.accept(ctx, request_id, row["version"], Acceptance(result="approved", decided_by="選定 担当"))


def test_one_checksheet_answered_once_counts_for_each_link_chosen(ctx, db_path):
    printer, _, _ = f.printing_house(ctx)
    held = _links(ctx, printer)
    chosen = held[:2]
    issued = requests.create_for_company(ctx, printer, chosen, "selection", DUE)
    view = requests.request_view(ctx, issued.request_id)
    assert view.row["engagement_id"] == chosen[0] and [x.id for x in view.also_for] == chosen[1:]
    # each link's own list finds it; the link left out does not
    for link_id in chosen:
        assert [r["id"] for r in requests.requests_page(ctx, engagement_ids=[link_id])[0]] == [issued.request_id]
    assert requests.requests_page(ctx, engagement_ids=[held[2]])[1] == 0

    _answer(db_path, issued, selection_answers())
    effect = _accept(ctx, issued.request_id)
    assert effect["also_for_engagement_ids"] == chosen[1:]
    def from_the_answer(link_id):
        return [(c["result"], c["note"]) for c in selection.selection_checks_of(ctx, link_id) if c["note"]]
    for link_id in chosen:  # one selection check per link, each naming the request
        assert from_the_answer(link_id) == [("approved", f"R{issued.request_id}")]
    assert from_the_answer(held[2]) == []


def test_the_next_request_starts_from_the_last_accepted_answers_and_marks_what_changed(ctx, db_path):
    printer, _, _ = f.printing_house(ctx)
    held = _links(ctx, printer)
    first = requests.create_for_company(ctx, printer, held, "selection", DUE)
    _answer(db_path, first, selection_answers())
    _accept(ctx, first.request_id)

    # the next one, to one of its links alone: the company's answers come back for it to confirm
    again = requests.create_request(ctx, RequestDraft(held[2], "selection", DUE + timedelta(days=30)))
    link = request_answers.open_link(db_path, again.link.split("answer=")[1], CLIENT, TODAY)
    started = link.view().answers
    assert started == selection_answers() and requests.request_view(ctx, again.request_id).row["starts_from_id"] == \
        first.request_id
    link.submit(link.view().version, started | {"past_incidents": "yes", "past_incidents_detail": "誤送付1件"},
                "印刷 担当")
    view = requests.request_view(ctx, again.request_id)
    assert set(view.changed) == {"past_incidents", "past_incidents_detail"}
    assert view.previous == selection_answers()


def test_only_a_checksheet_about_the_company_and_only_its_own_open_links(ctx):
    printer, _, _ = f.printing_house(ctx)
    held = _links(ctx, printer)
    stranger = f.link(ctx, f.party(ctx, "無関係株式会社"), business_id=f.business(ctx, "別業務"))
    for ids, set_id, field in ((held, "subprocessors", "set_id"), ([*held, stranger], "selection", "engagement_ids"),
                               ([], "selection", "engagement_ids")):
        with pytest.raises(RuleViolation) as refused:
            requests.create_for_company(ctx, printer, ids, set_id, DUE)
        assert field in {p.field for p in refused.value.problems}
    with connection.reading(ctx.db_path) as db:
        assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == 0


def test_files_and_reworded_questions_are_not_carried_over():
    question_set = catalogue.question_set("annual_report")
    some = next(q for q in question_set.questions if q.type != "file")
    a_file = next(q for q in question_set.questions if q.type == "file")
    kept = {some.id: {"v": some.version, "a": "yes"}, a_file.id: {"v": a_file.version, "a": 7},
            "gone": {"v": 1, "a": "x"}}
    assert answer_rules.carried_over(question_set, kept) == {some.id: {"v": some.version, "a": "yes"}}
    reworded = {some.id: {"v": some.version + 1, "a": "yes"}}
    assert answer_rules.carried_over(question_set, reworded) == {}
