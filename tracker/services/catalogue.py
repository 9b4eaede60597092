"""The clause catalogue and the question sets, loaded and validated once per process."""

from __future__ import annotations

import functools

from .. import config
from ..domain.clauses import Clause, load_catalogue
from ..domain.questionnaires import QuestionSet, load_sets


@functools.cache
def catalogue() -> tuple[Clause, ...]:
    """Every clause in catalogue order; a bad catalogue file fails here, naming file and field."""
    return load_catalogue(config.CLAUSES_DIR)


@functools.cache
def question_sets() -> dict[str, QuestionSet]:
    """Every question set by id; a bad file fails here, naming file and field."""
    return load_sets(config.QUESTIONNAIRES_DIR)


def question_set(set_id: str) -> QuestionSet:
    """The question set with this id; raises KeyError for an unknown one."""
    return question_sets()[set_id]
