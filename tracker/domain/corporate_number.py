"""法人番号 (corporate number): 13 digits, the first a check digit over the other twelve.

check = 9 − (Σ Pn·Qn mod 9), Pn the n-th digit from the right of the 12-digit base,
Qn = 1 for odd n and 2 for even n (DOMAIN.md §9; 法人番号の指定等に関する省令 第2条).
"""

from __future__ import annotations

import re

from .problems import Problem

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULL_WIDTH_DIGIT = re.compile("[０-９]")
_SEPARATORS = (" ", "\u3000", "-", "‐", "－", "\t")


def normalise(raw: str) -> str:
    """Full-width digits to ASCII; spaces (also full-width) and hyphens removed."""
    # translate walks every character through a dict: only when there is a full-width digit to change
    text = raw.translate(_FULL_WIDTH_DIGITS) if _FULL_WIDTH_DIGIT.search(raw) else raw
    for separator in _SEPARATORS:
        text = text.replace(separator, "")
    return text


def check_digit(base: str) -> int:
    """The check digit for a 12-digit base."""
    total = sum(int(digit) * (2 if n % 2 == 0 else 1) for n, digit in enumerate(reversed(base), start=1))
    return 9 - (total % 9)


def problem(raw: str, field: str = "corporate_number") -> Problem | None:
    """Why ``raw`` is not a valid corporate number, or None when it is (after normalising)."""
    number = normalise(raw)
    if not number.isdigit() or not number.isascii():
        return Problem(field, "error.corporate_number.not_digits")
    if len(number) != 13:
        return Problem(field, "error.corporate_number.length", {"length": len(number)})
    if int(number[0]) != check_digit(number[1:]):
        return Problem(field, "error.corporate_number.check_digit")
    return None


def is_valid(raw: str) -> bool:
    return problem(raw) is None


def with_check_digit(base: str) -> str:
    """A full number from a 12-digit base: used to make fictional demo and test numbers."""
    return f"{check_digit(base)}{base}"
