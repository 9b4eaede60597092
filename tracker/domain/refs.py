"""Records as they are printed on the screens, the exports and the command line: a link by its
ledger number (the office's own, such as IT-2024-003, else E12 given once), R5 a request. Whatever
prints one accepts it back (a link's internal number too, when no ledger number is that text)."""

from __future__ import annotations

import re
from collections.abc import Callable

from .problems import Problem

ENGAGEMENT = "E"
REQUEST = "R"


def ref(prefix: str, record_id: int) -> str:
    return f"{prefix}{record_id}"


def parse_ref(text: str, prefix: str) -> int | None:
    """The id ``text`` names ("E12", "e12", "12"), or None when it names none of this kind."""
    found = re.fullmatch(rf"\s*(?:{prefix})?(\d{{1,18}})\s*", text, re.IGNORECASE)
    return int(found.group(1)) if found else None


MAX_LEDGER_REF = 40


def ledger_ref_problems(ref: str) -> list[Problem]:
    """A ledger number as a person types it: one line, at most 40 characters."""
    if len(ref) > MAX_LEDGER_REF:
        return [Problem("ref", "error.too_long", {"max": MAX_LEDGER_REF, "length": len(ref)})]
    if any(not c.isprintable() for c in ref):
        return [Problem("ref", "error.control_character")]
    return []


def given_ref(link_id: int, taken: Callable[[str], bool]) -> str:
    """The number a link without a ledger number keeps: E<id>, or E<id>-2 … when an imported
    ledger already uses that text for another link."""
    candidate, n = ref(ENGAGEMENT, link_id), 1
    while taken(candidate):
        n += 1
        candidate = f"{ref(ENGAGEMENT, link_id)}-{n}"
    return candidate


def is_given_ref(text: str, link_id: int) -> bool:
    """Whether ``text`` is a number we gave the link (E<id>, E<id>-n), not one a ledger gave it."""
    return re.fullmatch(rf"{ENGAGEMENT}{link_id}(-\d+)?", text) is not None
