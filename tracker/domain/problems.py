"""How a rule says no: a list of problems, each tied to a form field and a message key."""

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
