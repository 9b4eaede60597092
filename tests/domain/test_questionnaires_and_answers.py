"""Question sets (validated on load), answer validation per type, the risk tier rule, link tokens."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta

import pytest

from tracker import config
from tracker.domain import request_tokens as tokens
from tracker.domain.answers import check_answers, findings, parse
from tracker.domain.clauses import CatalogueError
from tracker.domain.questionnaires import AnswerType, Question, load_sets, parse_set
from tracker.domain.requests import RequestState, transition_problems
from tracker.domain.risk_tier import LinkRisk, RiskTier, derive, tier_of_row


def _selection() -> dict:
    with (config.QUESTIONNAIRES_DIR / "selection.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_the_shipped_sets_load_with_the_selection_checksheet_over_every_area():
    sets = load_sets(config.QUESTIONNAIRES_DIR)
    assert set(sets) == {"selection", "annual_report", "subprocessors", "deletion_certificate", "incident_notice"}
    selection = sets["selection"]
    assert 30 <= len(selection.questions) <= 50
    from tracker.domain.selection import AREAS
    assert set(AREAS) <= {q.section for q in selection.questions}


@pytest.mark.parametrize(("spoil", "field"), [
    (lambda d: d["questions"][0].update(type="maybe"), "questions.policy_basic_policy.type"),
    (lambda d: d["questions"][0].update(finding_if=["perhaps"]), "questions.policy_basic_policy.finding_if"),
    (lambda d: d["questions"][0].pop("finding_level"), "questions.policy_basic_policy.finding_level"),
    (lambda d: d["questions"][0].update(section="nowhere"), "questions.policy_basic_policy.section"),
    (lambda d: d.update(questions=[q for q in d["questions"] if q["id"] != "past_incidents"]), "questions"),
    (lambda d: d.update(id="other"), "id"),
])
def test_a_bad_set_file_names_its_file_and_field(spoil, field):
    data = _selection()
    spoil(data)
    with pytest.raises(CatalogueError) as error:
        parse_set(data, "selection.toml")
    assert (error.value.file, error.value.field) == ("selection.toml", field)


def _q(kind: AnswerType, **fields) -> Question:
    return Question(id="q", version=1, section="s", type=kind, required=True, text_ja="問", text_en="Q", **fields)


@pytest.mark.parametrize(("kind", "raw", "stored", "code"), [
    (AnswerType.YES_NO, "はい / Yes", "yes", None),
    (AnswerType.YES_NO, "N/A", "na", None),
    (AnswerType.YES_NO, "maybe", None, "error.answer.invalid_choice"),
    (AnswerType.DATE, "2026/04/01", "2026-04-01", None),
    (AnswerType.DATE, datetime(2026, 4, 1), "2026-04-01", None),
    (AnswerType.DATE, "31/02/2026", None, "error.answer.not_a_date"),
    (AnswerType.NUMBER, "1,500", 1500, None),
    (AnswerType.NUMBER, -3, None, "error.answer.not_a_number"),
    (AnswerType.NUMBER, True, None, "error.answer.not_a_number"),
    (AnswerType.COUNTRY, "日本", "JP", None),
    (AnswerType.COUNTRY, "Atlantis", None, "error.answer.country"),
    (AnswerType.TEXT, "x" * 4001, None, "error.answer.too_long"),
    (AnswerType.FILE, "12", None, "error.answer.file"),
    (AnswerType.FILE, 12, 12, None),
])
def test_each_answer_type_is_read_and_checked(kind, raw, stored, code):
    assert parse(_q(kind), raw) == (stored, code)


def test_yes_no_without_na_refuses_na_and_findings_come_must_first():
    sets = load_sets(config.QUESTIONNAIRES_DIR)
    selection = sets["selection"]
    assert parse(selection.question("policy_basic_policy"), "na") == (None, "error.answer.invalid_choice")
    clean, problems = check_answers(selection, {"policy_basic_policy": "no", "rules_handling_rules": "no"}, final=False)
    assert not problems
    assert [(f.question_id, f.level) for f in findings(selection, clean)] == [
        ("rules_handling_rules", "must"), ("policy_basic_policy", "should")]
    _, problems = check_answers(selection, {}, final=True)
    assert {p.field for p in problems} == {q.id for q in selection.questions if q.required}


def test_a_table_answer_names_the_row_and_column_at_fault():
    declaration = load_sets(config.QUESTIONNAIRES_DIR)["subprocessors"]
    rows = [{"name": "A社", "work": "印刷", "data": "氏名", "processing_country": "JP", "storage_country": "火星",
             "subsidiary": "いいえ"}, {}, {"name": "B社"}]
    clean, problems = check_answers(declaration, {"has_subprocessors": "yes", "subprocessors": rows}, final=True)
    fields = {p.field for p in problems}
    assert "subprocessors[1].storage_country" in fields and "subprocessors[2].work" in fields
    assert "subprocessors[2].name" not in fields  # blank rows are dropped, so B社 is row 2


@pytest.mark.parametrize(("risk", "tier"), [
    (LinkRisk(frozenset({"ordinary"}), 200, frozenset({"JP"}), 1, 0), RiskTier.LOW),
    (LinkRisk(frozenset({"ordinary"}), 5000, frozenset({"JP"}), 1, 0), RiskTier.MEDIUM),
    (LinkRisk(frozenset({"ordinary"}), None, frozenset({"JP", "SG"}), 1, 0), RiskTier.MEDIUM),
    (LinkRisk(frozenset({"ordinary"}), None, frozenset({"JP"}), 3, 0), RiskTier.MEDIUM),
    (LinkRisk(frozenset({"my_number"}), 10, frozenset({"JP"}), 1, 0), RiskTier.HIGH),
    (LinkRisk(frozenset({"ordinary"}), 200_000, frozenset({"JP"}), 1, 0), RiskTier.HIGH),
    (LinkRisk(frozenset({"ordinary"}), 200, frozenset({"JP"}), 1, 1), RiskTier.MEDIUM),  # a past incident: a step up
    (LinkRisk(frozenset({"ordinary"}), 5000, frozenset({"JP"}), 1, 2), RiskTier.HIGH),
    # the thresholds themselves: more than 1,000 people is medium, 100,000 or more high
    (LinkRisk(frozenset({"ordinary"}), 1000, frozenset({"JP"}), 1, 0), RiskTier.LOW),
    (LinkRisk(frozenset({"ordinary"}), 1001, frozenset({"JP"}), 1, 0), RiskTier.MEDIUM),
    (LinkRisk(frozenset({"ordinary"}), 99_999, frozenset({"JP"}), 1, 0), RiskTier.MEDIUM),
    (LinkRisk(frozenset({"ordinary"}), 100_000, frozenset({"JP"}), 1, 0), RiskTier.HIGH),
    (LinkRisk(frozenset({"ordinary"}), 0, frozenset({"JP"}), 2, 0), RiskTier.LOW),
])
def test_the_risk_tier_rule(risk, tier):
    decision = derive(risk)
    assert decision.tier == tier and (decision.reasons or tier == RiskTier.LOW)
    # as a row holds the link (the API's pages): the same tier, the country first, codes unsorted
    countries = tuple(sorted(risk.countries, key=lambda c: c != "JP"))
    assert tier_of_row(tuple(risk.categories), risk.individuals, countries, risk.tier, risk.past_incidents) == tier


def test_tokens_are_random_hashed_and_throttled():
    first, second = tokens.new_token(), tokens.new_token()
    assert first != second and len(first) >= 40 and tokens.plausible(first)
    assert tokens.token_hash(first) != first and len(tokens.token_hash(first)) == 64
    assert not tokens.plausible("' OR 1=1 --") and not tokens.plausible("short")
    now = datetime(2026, 11, 22, 12, 0)
    recent = [now - timedelta(minutes=1)] * tokens.MAX_FAILURES
    old = [now - tokens.FAILURE_WINDOW - timedelta(seconds=1)] * tokens.MAX_FAILURES
    assert tokens.throttled(recent, now) and not tokens.throttled(old, now)
    assert not tokens.throttled(recent[1:], now)


def test_a_request_moves_only_along_its_states():
    assert not transition_problems("answered", RequestState.ACCEPTED)
    assert transition_problems("sent", RequestState.ACCEPTED)
    assert transition_problems("accepted", RequestState.RETURNED)
    assert not transition_problems("returned", RequestState.ANSWERED)
