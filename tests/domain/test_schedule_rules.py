"""Schedule rules: month arithmetic over year ends and leap days, working days, what is due and
how urgent it is, and the SQL form of the status rule."""

import sqlite3
from datetime import date, timedelta

import pytest

from tracker.domain.schedule import (
    DueStatus, ScheduleFacts, ReviewKind, add_months, certification_item, due, link_items, status_bounds, status_of,
)
from tracker.domain.working_days import is_working_day, next_working_day, previous_working_day


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day, next year has none
    (date(2024, 2, 29), 48, date(2028, 2, 29)),  # four years on: a leap day again
    (date(2023, 2, 28), 12, date(2024, 2, 28)),  # not moved to the 29th
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year end
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 10, 31), 14, date(2027, 12, 31)),
    (date(2026, 1, 1), 60, date(2031, 1, 1)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_working_days_know_weekends_holidays_and_the_year_end_break():
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 23))  # 勤労感謝の日 (Monday)
    assert not is_working_day(date(2026, 12, 29)) and not is_working_day(date(2027, 1, 3))
    assert is_working_day(date(2026, 12, 28)) and is_working_day(date(2027, 1, 4))
    assert not is_working_day(date(2027, 1, 11))  # 成人の日, from the holiday package
    assert next_working_day(date(2026, 12, 30)) == date(2027, 1, 4)
    assert previous_working_day(date(2027, 1, 1)) == date(2026, 12, 28)


def test_a_due_date_on_a_day_off_moves_to_the_working_day_before():
    assert due(ReviewKind.INSPECTION, date(2027, 1, 1)).due_on == date(2026, 12, 28)
    assert due(ReviewKind.INSPECTION, date(2026, 12, 5)).due_on == date(2026, 12, 4)  # Saturday
    assert due(ReviewKind.INSPECTION, date(2027, 1, 11)).due_on == date(2027, 1, 8)  # holiday Monday
    item = due(ReviewKind.INSPECTION, date(2026, 12, 7))
    assert item.nominal_on == item.due_on == date(2026, 12, 7)


def kinds(items):
    return {(i.kind, i.nominal_on) for i in items}


def test_a_new_link_is_due_for_inspection_and_re_evaluation_a_year_after_its_start():
    items = link_items(ScheduleFacts(start=date(2024, 2, 29)))
    assert kinds(items) == {(ReviewKind.INSPECTION, date(2025, 2, 28)), (ReviewKind.REEVALUATION, date(2025, 2, 28))}


def test_each_review_counts_from_when_it_was_last_done():
    facts = ScheduleFacts(start=date(2022, 4, 1), inspection_interval=6, report_interval=3, abroad=True,
                      last_done={ReviewKind.INSPECTION: date(2026, 8, 31), ReviewKind.REPORT: date(2026, 11, 30),
                                 ReviewKind.REEVALUATION: date(2025, 12, 1)},
                      last_selection=date(2026, 3, 15))
    assert kinds(link_items(facts)) == {
        (ReviewKind.INSPECTION, date(2027, 2, 28)),  # 8/31 + 6 months: the month's last day
        (ReviewKind.REPORT, date(2027, 2, 28)),
        (ReviewKind.FOREIGN_CHECK, date(2023, 4, 1)),  # never done: a year after the start
        (ReviewKind.REEVALUATION, date(2027, 3, 15)),  # the later of re-evaluation and selection check
    }


def test_contracts_and_corrective_actions_are_due_on_their_own_dates():
    facts = ScheduleFacts(start=date(2026, 1, 5), contracts=((7, date(2027, 3, 31)),), open_actions=((3, date(2026, 12, 15)),))
    items = {i.kind: i for i in link_items(facts)}
    assert (items[ReviewKind.CONTRACT].ref_id, items[ReviewKind.CONTRACT].notice_days) == (7, 90)
    assert (items[ReviewKind.CORRECTIVE_ACTION].ref_id, items[ReviewKind.CORRECTIVE_ACTION].notice_days) == (3, 30)
    assert ReviewKind.REPORT not in items and ReviewKind.FOREIGN_CHECK not in items


def test_status_thresholds():
    today = date(2026, 11, 22)
    assert status_of(date(2026, 11, 21), 30, today) == DueStatus.OVERDUE
    assert status_of(today, 30, today) == DueStatus.DUE_SOON
    assert status_of(today + timedelta(days=30), 30, today) == DueStatus.DUE_SOON
    assert status_of(today + timedelta(days=31), 30, today) == DueStatus.UPCOMING
    certificate = certification_item(1, date(2027, 2, 19))  # a Friday, 89 days ahead
    assert status_of(certificate.due_on, certificate.notice_days, today) == DueStatus.DUE_SOON


def test_the_sql_status_condition_agrees_with_the_rule():
    today = date(2026, 12, 30)  # across a year end
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE due_items (id INTEGER PRIMARY KEY, due_on TEXT, notice_days INTEGER)")
    rows = [(today + timedelta(days=offset), notice) for offset in range(-3, 120) for notice in (30, 90)]
    db.executemany("INSERT INTO due_items (due_on, notice_days) VALUES (?, ?)", [(d.isoformat(), n) for d, n in rows])
    every = (DueStatus.OVERDUE, DueStatus.DUE_SOON, DueStatus.UPCOMING)
    for wanted in [{s} for s in every] + [set(every[:2]), set(every[1:]), {every[0], every[2]}, set(every)]:
        sql, params = status_bounds(wanted, today)
        found = {(date.fromisoformat(d), n) for d, n in
                 db.execute(f"SELECT due_on, notice_days FROM due_items d WHERE {sql}", params)}
        assert found == {(d, n) for d, n in rows if status_of(d, n, today) in wanted}, wanted


def test_handled_abroad_when_the_entrustee_or_any_country_of_processing_or_storage_is_foreign():
    from tracker.domain.schedule import handled_abroad

    assert not handled_abroad("JP", ["JP"], ["JP"])
    assert handled_abroad("SG", ["JP"], ["JP"])
    assert handled_abroad("JP", ["JP"], ["JP", "US"])


def test_contract_expiry_is_the_latest_end_of_the_signed_contracts_unless_one_never_ends():
    from tracker.domain.schedule import contract_expiry

    assert contract_expiry([(1, "master", "2027-03-31", False), (2, "dpa", "2028-01-31", False)]) == (
        2, date(2028, 1, 31))
    assert contract_expiry([(1, "master", "2027-03-31", False), (2, "addendum", "2029-01-01", False)]) == (
        1, date(2027, 3, 31))  # an addendum runs with the contract it amends
    assert contract_expiry([(1, "master", "2027-03-31", True)]) is None  # auto-renewing
    assert contract_expiry([(1, "master", None, False), (2, "dpa", "2027-01-01", False)]) is None  # open-ended


def test_requests_not_yet_settled_are_due_on_their_date_and_the_risk_tier_sets_the_reevaluation():
    from tracker.domain.schedule import DueItem, ReviewKind

    facts = ScheduleFacts(start=date(2026, 1, 10), reevaluation_months=24,
                          open_requests=((7, date(2026, 12, 20)),))
    items = {i.kind: i for i in link_items(facts)}
    assert items[ReviewKind.REQUEST] == DueItem(ReviewKind.REQUEST, date(2026, 12, 20), date(2026, 12, 20), 30, 7)
    assert items[ReviewKind.REEVALUATION].nominal_on == date(2028, 1, 10)
