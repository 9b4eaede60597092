"""Rules for a party of the registry (委託先候補・委託先): only the name is mandatory."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import corporate_number, countries
from .email_address import problems as email_problems
from .problems import Problem

_PHONE = re.compile(r"^\+?[0-9０-９()（）\-‐－ ]{6,20}$")


@dataclass(frozen=True)
class PartyDraft:
    name: str
    kana: str = ""
    name_en: str = ""  # for documents in English (a 覚書); the Japanese name when empty
    corporate_number: str = ""
    address: str = ""
    country: str = "JP"
    contact_person: str = ""
    email: str = ""
    phone: str = ""
    parent_party_id: int | None = None
    representative_title: str = ""  # 代表取締役社長: who signs for the party
    representative_name: str = ""


def normalised(draft: PartyDraft) -> PartyDraft:
    """Trimmed text; corporate number with full-width digits and spaces normalised."""
    return PartyDraft(
        name=draft.name.strip(),
        kana=draft.kana.strip(),
        name_en=draft.name_en.strip(),
        corporate_number=corporate_number.normalise(draft.corporate_number),
        address=draft.address.strip(),
        country=draft.country.strip().upper(),
        contact_person=draft.contact_person.strip(),
        email=draft.email.strip(),
        phone=draft.phone.strip(),
        parent_party_id=draft.parent_party_id,
        representative_title=draft.representative_title.strip(),
        representative_name=draft.representative_name.strip(),
    )


def check_party(draft: PartyDraft, own_id: int | None = None, own_descendants: set[int] | None = None) -> list[Problem]:
    """Problems of a normalised draft. ``own_descendants``: subsidiaries (at any depth) of the party
    being edited, which cannot become its parent."""
    problems: list[Problem] = []
    if not draft.name:
        problems.append(Problem("name", "error.required"))
    if draft.corporate_number:
        bad = corporate_number.problem(draft.corporate_number)
        if bad:
            problems.append(bad)
    if not countries.is_known(draft.country):
        problems.append(Problem("country", "error.country.unknown", {"country": draft.country}))
    problems += email_problems(draft.email)
    if draft.phone and not _PHONE.match(draft.phone):
        problems.append(Problem("phone", "error.phone.invalid"))
    if draft.parent_party_id is not None and own_id is not None and (
            draft.parent_party_id == own_id or draft.parent_party_id in (own_descendants or set())):
            problems.append(Problem("parent_party_id", "error.party.parent_cycle"))
    return problems
