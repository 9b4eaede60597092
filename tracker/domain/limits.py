"""What a piece of text may be: how long, and which characters. One table for the forms, the import
and every other way in, so a 300-character company name, a 900-MB cell or a pasted control character
is refused the same way everywhere, next to its field."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .problems import Problem

NAME = 100  # a company, a business, a person, a title: what headings, lists and graphs show
LINE = 300  # one line of text: an address, the work entrusted, a reason
PROSE = 5_000  # notes, descriptions, findings, conditions

MAX_LENGTH: dict[str, int] = {
    **dict.fromkeys(("name", "kana", "display_name", "owner_department", "contact_person", "title", "inspector",
                     "decided_by", "responsible_person", "witness", "issuer", "media", "quantity", "scheme_name",
                     "owner", "name_en", "representative_title", "representative_name", "contact_name"), NAME),
    **dict.fromkeys(("address", "work", "purpose", "reason", "remote_reason", "override_reason", "items",
                     "data_items", "individuals_notice_method", "original_name",
                     "selection_override_reason"), LINE),
    "username": 64, "email": 254, "phone": 30, "corporate_number": 13, "number": 100,
    # a vendor's whole answer set as stored (JSON): each answer has its own limit (domain/answers.py:
    # 4,000 characters a text, 200 rows a table, 300 a table cell); this only bounds the sum
    "answers": 2_000_000,
}


def length_problems(values: Mapping[str, object]) -> list[Problem]:
    """A problem for each text value longer than its field allows (``PROSE`` for any other field)."""
    problems = []
    for field, value in values.items():
        limit = MAX_LENGTH.get(field, PROSE)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(field, "error.too_long", {"max": limit, "length": len(value)}))
    return problems


# control characters other than tab and line breaks: no spreadsheet or XML document can hold them,
# so a value with one could be saved but never exported
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_problems(values: Mapping[str, object]) -> list[Problem]:
    """``length_problems``, and a problem for each text value with a control character in it."""
    return length_problems(values) + [Problem(field, "error.control_character") for field, value in values.items()
                                      if isinstance(value, str) and _CONTROL.search(value)]
