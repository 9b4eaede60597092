"""Sign-in policy: password strength, lock-out after repeated failures, session expiry.

Reference `003…` 4-8-6 (access control and access records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .problems import Problem


@dataclass(frozen=True)
class Policy:
    min_password_length: int = 12
    max_failed_attempts: int = 5
    lockout: timedelta = timedelta(minutes=15)
    session_timeout: timedelta = timedelta(minutes=30)


def password_problems(password: str, username: str, policy: Policy) -> list[Problem]:
    problems = []
    if len(password) < policy.min_password_length:
        problems.append(Problem("password", "error.password.too_short", {"length": policy.min_password_length}))
    if username and username.lower() in password.lower():
        problems.append(Problem("password", "error.password.contains_username"))
    return problems


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def after_failure(failed_attempts: int, now: datetime, policy: Policy) -> tuple[int, datetime | None]:
    """(failed attempts, locked until) after one more wrong password."""
    attempts = failed_attempts + 1
    if attempts >= policy.max_failed_attempts:
        return 0, now + policy.lockout
    return attempts, None


def session_expired(last_activity: datetime | None, now: datetime, policy: Policy) -> bool:
    return last_activity is not None and now - last_activity > policy.session_timeout
