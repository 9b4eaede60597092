"""Dates as Japanese staff write them, read as the date they mean: 2027-01-15, 2027/1/15, 2027.1.15,
2027年1月15日, 令和9年1月15日, 令和元年5月1日, R9.1.15, H31/4/30 (full-width digits too). A date in
another order (12/20/2026) or outside its era is not read: the caller says so, it never becomes
another date.

The eras and their first days are those of the law (元号法 and each era's 政令): a date written in an
era must fall within it (平成31年5月1日 does not exist: it is 令和元年5月1日)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

# name, Latin initial, first day (the next era's first day ends it)
ERAS = (("令和", "R", date(2019, 5, 1)), ("平成", "H", date(1989, 1, 8)), ("昭和", "S", date(1926, 12, 25)),
        ("大正", "T", date(1912, 7, 30)))

_SEP = r"\s*[-/.・年]\s*"
_WESTERN = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP.replace('年', '月')}(\d{{1,2}})\s*日?$")
_ERA_NAMES = "|".join(name for name, _, _ in ERAS) + "|" + "|".join(initial for _, initial, _ in ERAS)
_JAPANESE = re.compile(rf"^({_ERA_NAMES})\s*(元|\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP.replace('年', '月')}(\d{{1,2}})\s*日?$",
                       re.IGNORECASE)


def _era(name: str) -> tuple[date, date | None]:
    """(first day, first day of the next era or None) of an era by name or initial."""
    for index, (era_name, initial, first) in enumerate(ERAS):
        if name in (era_name, initial) or name.upper() == initial:
            return first, ERAS[index - 1][2] if index else None
    raise KeyError(name)


def parse_date(text: str) -> date | None:
    """The date ``text`` means, or None when it cannot be read as one."""
    plain = unicodedata.normalize("NFKC", text).strip()
    try:
        if found := _WESTERN.match(plain):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _JAPANESE.match(plain):
            first, ends = _era(found[1])
            year = 1 if found[2] == "元" else int(found[2])
            meant = date(first.year + year - 1, int(found[3]), int(found[4]))
            within = meant >= first and (ends is None or meant <= ends - timedelta(days=1))
            return meant if year >= 1 and within else None
    except ValueError:  # 2027-02-30
        return None
    return None
