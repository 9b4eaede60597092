"""Records as they are printed on the screens, the exports and the command line: E12 an engagement
(a link), R5 a request. Whatever prints one accepts it back (the bare number too)."""

from __future__ import annotations

import re

ENGAGEMENT = "E"
REQUEST = "R"


def ref(prefix: str, record_id: int) -> str:
    return f"{prefix}{record_id}"


def parse_ref(text: str, prefix: str) -> int | None:
    """The id ``text`` names ("E12", "e12", "12"), or None when it names none of this kind."""
    found = re.fullmatch(rf"\s*(?:{prefix})?(\d{{1,18}})\s*", text, re.IGNORECASE)
    return int(found.group(1)) if found else None
