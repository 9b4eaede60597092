"""Ending an engagement (DOMAIN.md §7): it ends every engagement below it, each party of that
sub-tree owes a deletion certificate, and the termination closes only when all are in — or by an
override whose reason stays visible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .chain import PATH_SEPARATOR, ids_in_path
from .problems import Problem


class DeletionMethod(StrEnum):
    RETURN = "return"
    DELETION = "deletion"
    DESTRUCTION = "destruction"


def subtree_bounds(path_key: str) -> tuple[str, str]:
    """[low, high) of the path keys strictly below a link: its descendants, in one index range."""
    prefix = path_key + PATH_SEPARATOR
    return prefix, prefix[:-1] + chr(ord(PATH_SEPARATOR) + 1)


@dataclass(frozen=True)
class CertificateDraft:
    items: str
    method: str
    responsible_person: str
    done_on: date | None
    media: str = ""
    quantity: str = ""
    witness: str = ""


def check_certificate(draft: CertificateDraft, today: date) -> list[Problem]:
    problems = []
    for name in ("items", "responsible_person"):
        if not getattr(draft, name).strip():
            problems.append(Problem(name, "error.required"))
    if draft.method not in DeletionMethod._value2member_map_:
        problems.append(Problem("method", "error.invalid_choice"))
    if draft.done_on is None:
        problems.append(Problem("done_on", "error.required"))
    elif draft.done_on > today:
        problems.append(Problem("done_on", "error.date_in_future"))
    return problems


def closing_problems(owed: int, override_reason: str) -> list[Problem]:
    """Closed when nothing is owed; otherwise only with the reason for closing anyway."""
    if owed and not override_reason.strip():
        return [Problem("override_reason", "error.termination.certificates_owed", {"count": owed})]
    return []


def topmost(links: list[tuple[int, str]]) -> list[int]:
    """Of (id, path key) links, those with none of the others above them: ending each ends the rest."""
    ids = {link_id for link_id, _ in links}
    return [link_id for link_id, key in sorted(links, key=lambda link: link[1])
            if not any(i in ids for i in ids_in_path(key)[:-1])]
