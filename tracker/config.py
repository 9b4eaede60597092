"""Where things live. The database path comes from --db, else TRACKER_DB, else data/tracker.db."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = PROJECT_ROOT / "data" / "tracker.db"
DEMO_REGISTRY = PROJECT_ROOT / "data" / "demo_registry.toml"
CLAUSES_DIR = PROJECT_ROOT / "contract_clauses"


def db_path(explicit: str | Path | None = None) -> Path:
    chosen = explicit or os.environ.get("TRACKER_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()
