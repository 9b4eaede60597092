"""A synthetic registry for benchmarks (`tracker demo --scale N`): written straight to the store,
bypassing the services for speed, on an initialised database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..store import synthetic
from ..store.synthetic import ENGAGEMENTS_PER_PARTY, MAX_TIER  # noqa: F401 - the shape of a scale, for callers
from .catalogue import catalogue
from .setup import initialise


def build(db_path: Path, parties: int, seed: int = 2026, today: date = date(2026, 11, 22)) -> dict[str, int]:
    """Fill an empty database; returns the counts made."""
    initialise(db_path)
    return synthetic.build(db_path, parties, [c.id for c in catalogue()], seed, today)
