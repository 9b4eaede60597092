"""Working days in Japan: not a Saturday or Sunday, not a national holiday (from the maintained
``holidays`` package, substitute holidays included) and not the year-end break 12/29–1/3."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Japan(years=year))


def is_year_end_break(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_year_end_break(day) and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
