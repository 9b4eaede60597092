"""Certifications a party holds (ISMS, Pマーク …): evidence for selection; an expired one is a finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .problems import Problem


class Scheme(StrEnum):
    ISMS = "isms"  # ISO/IEC 27001
    PRIVACY_MARK = "pmark"  # JIS Q 15001
    SOC2 = "soc2"
    OTHER = "other"


@dataclass(frozen=True)
class CertificationDraft:
    scheme: str
    number: str
    valid_until: date | None
    issuer: str = ""
    scheme_name: str = ""  # what "other" is


def check_certification(draft: CertificationDraft) -> list[Problem]:
    problems = []
    if draft.scheme not in Scheme._value2member_map_:
        problems.append(Problem("scheme", "error.invalid_choice"))
    elif draft.scheme == Scheme.OTHER and not draft.scheme_name.strip():
        problems.append(Problem("scheme_name", "error.required"))
    if not draft.number.strip():
        problems.append(Problem("number", "error.required"))
    if draft.valid_until is None:
        problems.append(Problem("valid_until", "error.required"))
    return problems
