"""Breach rules: each reportable category, the non-reportable case, deadline arithmetic over
weekends, holidays and the year end, and notices up a four-tier chain."""

from datetime import date

import pytest

from tracker.domain.incidents import (
    IncidentFacts, Reason, classify, deadlines, final_due, notices_up, our_knowledge, prompt_window,
)


@pytest.mark.parametrize(("facts", "reason"), [
    (IncidentFacts(individuals=3, sensitive=True), Reason.SENSITIVE),
    (IncidentFacts(individuals=3, financial=True), Reason.FINANCIAL),
    (IncidentFacts(individuals=1, wrongful=True), Reason.WRONGFUL),
    (IncidentFacts(individuals=1001), Reason.OVER_1000),
    (IncidentFacts(at_most=5000), Reason.OVER_1000),  # unknown, at most 5,000: it may have happened
    (IncidentFacts(individuals=101, my_number=True), Reason.MY_NUMBER_OVER_100),
    (IncidentFacts(individuals=2, my_number=True, public_exposure=True), Reason.MY_NUMBER_PUBLIC),
])
def test_each_reportable_category(facts, reason):
    result = classify(facts)
    assert result.reportable and result.reasons == (reason,)


@pytest.mark.parametrize("facts", [
    IncidentFacts(individuals=1000),  # exactly 1,000 is not "more than"
    IncidentFacts(individuals=101),  # over 100 matters only for My Number data
    IncidentFacts(individuals=100, my_number=True),
    IncidentFacts(individuals=2, public_exposure=True),
    IncidentFacts(),
])
def test_not_reportable(facts):
    assert classify(facts).reportable is False


def test_strong_encryption_exempts():
    result = classify(IncidentFacts(individuals=50_000, sensitive=True, encrypted=True))
    assert (result.reportable, result.exempt_by_encryption) == (False, True)


def test_final_report_counts_the_day_of_knowledge_as_day_one():
    assert final_due(date(2026, 4, 1), wrongful=False) == date(2026, 4, 30)  # Thursday, day 30
    assert final_due(date(2026, 4, 1), wrongful=True) == date(2026, 6, 1)  # day 60 = 5/30 (Sat) → Mon 6/1
    assert final_due(date(2026, 10, 2), wrongful=False) == date(2026, 11, 2)  # day 30 = 10/31 (Sat) → 11/2 (Mon)


def test_a_deadline_on_a_national_holiday_moves_to_the_next_working_day():
    assert final_due(date(2026, 10, 25), wrongful=False) == date(2026, 11, 24)  # day 30 = 11/23 勤労感謝の日
    assert final_due(date(2026, 8, 23), wrongful=False) == date(2026, 9, 24)  # 9/21–9/23: three holidays in a row


def test_a_deadline_on_12_30_moves_into_january():
    assert final_due(date(2026, 12, 1), wrongful=False) == date(2027, 1, 4)  # day 30 = 12/30
    assert prompt_window(date(2026, 12, 27)).closes == date(2027, 1, 4)  # day 5 = 12/31


def test_notices_travel_up_a_four_tier_chain():
    path = [(10, 1), (20, 2), (30, 3), (40, 4)]
    learned = date(2026, 11, 2)  # Monday, at tier 4
    told = {40: date(2026, 11, 4), 30: date(2026, 11, 6)}
    notices = notices_up(path, learned, told)
    assert [n.link_id for n in notices] == [40, 30, 20, 10]
    assert [n.learned_on for n in notices] == [learned, date(2026, 11, 4), date(2026, 11, 6), None]
    assert notices[0].window.opens == date(2026, 11, 4) and notices[0].window.closes == date(2026, 11, 6)
    assert notices[2].window.closes == date(2026, 11, 10)  # learned 11/6: day 5 = 11/10
    assert notices[3].window is None  # tier 1 has not been told yet
    assert our_knowledge(notices, None) is None
    assert our_knowledge(notices, date(2026, 11, 9)) == date(2026, 11, 9)  # heard directly
    told[20], told[10] = date(2026, 11, 9), date(2026, 11, 10)
    notices = notices_up(path, learned, told)
    knowledge = our_knowledge(notices, None)
    assert knowledge == date(2026, 11, 10)
    due = deadlines(classify(IncidentFacts(individuals=5, sensitive=True)), knowledge, wrongful=False)
    assert (due.preliminary.opens, due.preliminary.closes, due.final) == (
        date(2026, 11, 12), date(2026, 11, 16), date(2026, 12, 9))  # day 5 = 11/14 (Sat) → Mon 11/16


def test_a_notice_is_waiting_due_overdue_or_notified():
    path, learned = [(1, 1), (2, 2)], date(2026, 11, 2)
    below, above = notices_up(path, learned, {})
    assert (below.state(date(2026, 11, 3)), below.state(date(2026, 11, 7)), above.state(date(2026, 11, 7))) == (
        "due", "overdue", "waiting")
    assert notices_up(path, learned, {2: date(2026, 11, 3)})[0].state(date(2026, 11, 30)) == "notified"
