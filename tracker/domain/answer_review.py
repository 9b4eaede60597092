"""What the officer must see in an answer before deciding, beside its findings: where it contradicts
what we know (a registered sub-processor left out, "no sub-processors" while some are registered, a
certificate past its expiry) and which answers changed since the last accepted one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .declarations import compare, declared_rows
from .questionnaires import AnswerType, QuestionSet


@dataclass(frozen=True)
class Contradiction:
    kind: str  # undeclared | none_but_registered | expired
    question_id: str | None = None
    links: tuple[int, ...] = ()  # the registered links it is about
    day: str | None = None  # an expiry date
    extra: dict = field(default_factory=dict)


EXPIRY_SUFFIX = "valid_until"  # a date answer that says until when something (a certificate) holds


def contradictions(question_set: QuestionSet, answers: dict[str, Any], registered: list[dict],
                   today: date) -> list[Contradiction]:
    """``registered``: the sub-links registered under the request's link (id, name, corporate_number)."""
    found = []
    if "has_subprocessors" in answers or "subprocessors" in answers:
        if answers.get("has_subprocessors") == "no" and registered:
            found.append(Contradiction("none_but_registered", "has_subprocessors",
                                       tuple(r["id"] for r in registered)))
        else:
            left_out = compare(declared_rows(answers), registered).undeclared
            if left_out:
                found.append(Contradiction("undeclared", "subprocessors", tuple(r["id"] for r in left_out)))
    for question in question_set.questions:
        value = answers.get(question.id)
        if question.type == AnswerType.DATE and question.id.endswith(EXPIRY_SUFFIX) and value and value < today.isoformat():
            found.append(Contradiction("expired", question.id, day=value))
    return found


def changed_answers(question_set: QuestionSet, answers: dict[str, Any], previous: dict[str, Any]) -> list[str]:
    """The questions answered differently from the last accepted answer (none without one). A file
    is compared by its attachment, so the same evidence sent again is no change only when it is the
    same upload."""
    if not previous:
        return []
    return [q.id for q in question_set.questions if answers.get(q.id) != previous.get(q.id)]
