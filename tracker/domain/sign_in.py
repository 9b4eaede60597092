"""Sign-in policy: password strength, lock-out after repeated failures, session expiry.

Reference `003…` 4-8-6 (access control and access records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from zxcvbn import zxcvbn

from .email_address import problems as email_problems
from .permissions import USER_ROLES
from .problems import Problem


@dataclass(frozen=True)
class Policy:
    min_password_length: int = 12
    max_failed_attempts: int = 5
    lockout: timedelta = timedelta(minutes=15)
    session_timeout: timedelta = timedelta(minutes=30)


MIN_STRENGTH = 3  # zxcvbn's score from 0 (guessed at once) to 4; 3 resists an offline attack for years
MAX_USERNAME = 64  # what a sign-in form accepts and the trail records of a name typed there
# zxcvbn refuses a password longer than this (ValueError); a longer passphrase is estimated on its
# first 72 characters (already far past any guessing) and hashed whole
ESTIMATED_LENGTH = 72


def password_problems(password: str, username: str, policy: Policy) -> list[Problem]:
    """Long enough, not the user name, and hard to guess by a maintained estimator (zxcvbn: it knows
    repeats, sequences, keyboard patterns and the common passwords, which a hand list would not)."""
    problems = []
    if len(password) < policy.min_password_length:
        problems.append(Problem("password", "error.password.too_short", {"length": policy.min_password_length}))
    if username and username.lower() in password.lower():
        problems.append(Problem("password", "error.password.contains_username"))
    if not problems and zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[username])["score"] < MIN_STRENGTH:
        problems.append(Problem("password", "error.password.too_weak"))
    return problems


@dataclass(frozen=True)
class Throttle:
    """Failed sign-ins counted per key (a user name, a browser session) over a sliding window; a
    key with too many is refused without checking the password, whether the account exists or not.
    The failures are kept in the database, so that every app process behind the proxy counts the same."""

    limit: int
    window: timedelta

    def since(self, now: datetime) -> datetime:
        """The oldest failure that still counts."""
        return now - self.window

    def blocked(self, recent: int) -> bool:
        """``recent``: the key's failures since ``since(now)``."""
        return recent >= self.limit


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


@dataclass
class UserInput:
    username: str
    display_name: str
    role: str
    email: str = ""
    password: str = ""


def role_problems(role: str) -> list[Problem]:
    """A user's role is one a person may hold (not a vendor's)."""
    return [] if role in {r.value for r in USER_ROLES} else [Problem("role", "error.invalid_choice")]


def check_user(data: UserInput, policy, taken: bool) -> list[Problem]:
    """A new account: a name not ``taken``, a display name, a role, a valid address, and a password
    the policy accepts when one is set (else the user signs in through the company's sign-on)."""
    problems = []
    if not data.username.strip():
        problems.append(Problem("username", "error.required"))
    elif taken:
        problems.append(Problem("username", "error.user.duplicate"))
    if not data.display_name.strip():
        problems.append(Problem("display_name", "error.required"))
    problems += role_problems(data.role)
    problems += email_problems(data.email.strip())
    if data.password:
        problems += password_problems(data.password, data.username, policy)
    return problems
