"""Where things live (the database: --db, else TRACKER_DB, else data/tracker.db) and what day it is."""

from __future__ import annotations

import functools
import os
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = PROJECT_ROOT / "data" / "tracker.db"
DEMO_REGISTRY = PROJECT_ROOT / "data" / "demo_registry.toml"
CLAUSES_DIR = PROJECT_ROOT / "contract_clauses"
QUESTIONNAIRES_DIR = PROJECT_ROOT / "questionnaires"


def db_path(explicit: str | Path | None = None) -> Path:
    chosen = str(explicit or os.environ.get("TRACKER_DB") or DEFAULT_DB)
    return _resolved(chosen, "" if os.path.isabs(chosen) else os.getcwd())


@functools.lru_cache(maxsize=64)
def _resolved(chosen: str, folder: str) -> Path:  # folder: where a relative path starts
    # resolving asks the file system for every folder on the way; the answer is asked for on every
    # page run and every refreshed link, and does not change while the program runs
    return Path(chosen).expanduser().resolve()


def today() -> date:
    """The day the app works with: TRACKER_TODAY (YYYY-MM-DD) when set, so that tests and
    demonstrations can fix it; else the real date."""
    fixed = os.environ.get("TRACKER_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()
