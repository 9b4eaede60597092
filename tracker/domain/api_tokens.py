"""Personal API tokens: what one looks like, how long it lives, and what a name may be. A token
acts as its user, with the user's role; a read-only one writes nothing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from .limits import text_problems
from .problems import Problem

PREFIX = "trk_"  # recognisable in a log or a leaked file (secret scanners match on it)
DEFAULT_DAYS = 90
MAX_DAYS = 366  # a token lives a year at most: a forgotten one stops working


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """What the database keeps: a leaked database opens nothing."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def plausible(secret: str) -> bool:
    """A token's shape, checked before any lookup."""
    body = secret[len(PREFIX):]
    return secret.startswith(PREFIX) and 20 <= len(body) <= 100 and all(c.isalnum() or c in "-_" for c in body)


def expires_on(today: date, days: int) -> date:
    return today + timedelta(days=days)


def token_problems(name: str, days: int, read_only: bool | None) -> list[Problem]:
    """A token needs a name (what it is for: 稟議 workflow, e-contract), its access chosen (read only,
    or read and write: never assumed), and a life of 1 to 366 days."""
    problems = [] if name.strip() else [Problem("name", "error.required")]
    if read_only is None:
        problems.append(Problem("access", "error.required"))
    if not 1 <= days <= MAX_DAYS:
        problems.append(Problem("expires_days", "error.token.days", {"max": MAX_DAYS}))
    return problems + text_problems({"name": name})


def usable(row: dict, today: date) -> bool:
    """Not revoked, not expired (a token works through its last day)."""
    return row["revoked_at"] is None and date.fromisoformat(row["expires_on"]) >= today
