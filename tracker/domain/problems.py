"""How a rule says no: a list of problems, each tied to a form field and a message key; and the two
refusals every layer shares (a record that does not exist, a record changed by someone else)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One broken rule. ``code`` is a message-catalogue key; ``field`` names the input at fault."""

    field: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


class RuleViolation(Exception):
    """Raised by services when the input breaks one or more rules; nothing has been saved."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


def raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise RuleViolation(problems)


def unique(problems: list[Problem]) -> list[Problem]:
    """Each (field, message) once, in order: two rules may find the same fault."""
    seen, kept = set(), []
    for problem in problems:
        if (problem.field, problem.code) not in seen:
            seen.add((problem.field, problem.code))
            kept.append(problem)
    return kept


class NotFound(Exception):
    """The record asked for does not exist (raised by the store's lookups)."""

    def __init__(self, what: str, row_id: int | str):
        super().__init__(f"{what} {row_id} does not exist")
        self.what = what
        self.row_id = row_id


class StaleRecord(Exception):
    """The row changed since the form was opened; ``current`` is what it holds now."""

    def __init__(self, table: str, row_id: int, current: dict[str, Any] | None):
        super().__init__(f"{table} {row_id} was changed by someone else")
        self.table = table
        self.row_id = row_id
        self.current = current
