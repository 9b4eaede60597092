"""Settings an organisation may change, from a TOML file: $TRACKER_SETTINGS, else data/settings.toml
next to the database; every value has a default, so the file is optional."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from . import config
from .domain.sign_in import Policy


@dataclass(frozen=True)
class Settings:
    sign_in: Policy = Policy()
    attachment_max_bytes: int = 20 * 1024 * 1024


def load(path: Path | None = None) -> Settings:
    path = path or Path(os.environ.get("TRACKER_SETTINGS") or config.db_path().parent / "settings.toml")
    if not path.exists():
        return Settings()
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    sign_in = data.get("sign_in", {})
    defaults = Policy()
    return Settings(
        sign_in=Policy(
            min_password_length=int(sign_in.get("min_password_length", defaults.min_password_length)),
            max_failed_attempts=int(sign_in.get("max_failed_attempts", defaults.max_failed_attempts)),
            lockout=timedelta(minutes=float(sign_in.get("lockout_minutes", defaults.lockout.total_seconds() / 60))),
            session_timeout=timedelta(minutes=float(sign_in.get(
                "session_timeout_minutes", defaults.session_timeout.total_seconds() / 60))),
        ),
        attachment_max_bytes=int(data.get("attachments", {}).get("max_megabytes", 20) * 1024 * 1024),
    )
