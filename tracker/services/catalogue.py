"""The clause catalogue, loaded and validated once per process."""

from __future__ import annotations

import functools

from .. import config
from ..domain.clauses import Clause, load_catalogue


@functools.cache
def catalogue() -> tuple[Clause, ...]:
    """Every clause in catalogue order; a bad catalogue file fails here, naming file and field."""
    return load_catalogue(config.CLAUSES_DIR)


def clause(clause_id: str) -> Clause:
    return next(c for c in catalogue() if c.id == clause_id)
