"""Local user accounts and sign-in (argon2 password hashes, lock-out, access records)."""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta, UTC
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .. import settings as app_settings
from ..domain.permissions import Action, Role
from ..domain.problems import raise_if_any
from ..domain.sign_in import (MAX_USERNAME, Throttle, UserInput, after_failure, check_user, is_locked,
                              password_problems, role_problems)
from ..store import connection, records
from ..store import user_queries as uq
from .context import Actor, Context

_hasher = PasswordHasher()
# argon2 takes 64 MB for each check while it runs, and its four lanes keep ~1.5 cores busy (125 ms of
# wall time, 186 ms of CPU here): at most one check per two cores at a time, so that many people
# signing in together queue for a moment instead of holding 64 MB each — the peak memory of a
# process (issue 31: 25 people signing in, 444 MB with two at once on 2 cores; two at once gained
# only 25 % in checks per second)
_HASHING = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
# verified against when the user does not exist, so that a wrong name takes as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class SignInRefused(Exception):
    def __init__(self, reason: str):  # "invalid" (name or password), "locked", "inactive"
        super().__init__(reason)
        self.reason = reason


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def _now() -> datetime:
    return datetime.now(UTC)


def create_user(ctx: Context, data: UserInput) -> int:
    """Create a local user; returns its id. Raises RuleViolation (a weak password among them),
    PermissionDenied."""
    with ctx.write(Action.MANAGE_USERS) as db:
        raise_if_any(check_user(data, app_settings.load().sign_in, uq.username_taken(db, data.username.strip())))
        return records.insert(db, "users", {
            "username": data.username.strip(), "display_name": data.display_name.strip(), "role": data.role,
            "email": data.email.strip() or None,
            "password_hash": _hash(data.password) if data.password else None,
        }, ctx.actor.username)


def set_password(ctx: Context, user_id: int, password: str) -> None:
    """Set a user's password. Raises NotFound, RuleViolation, PermissionDenied."""
    with ctx.write(Action.MANAGE_USERS) as db:
        user = records.get(db, "users", user_id, "user")
        raise_if_any(password_problems(password, user["username"], app_settings.load().sign_in))
        records.update_unversioned(db, "users", user_id, {"password_hash": _hash(password)},
                                   ctx.actor.username)


def update_user(ctx: Context, user_id: int, expected_version: int, role: str, active: bool,
                display_name: str) -> None:
    """Change a user's role, activity and display name. Raises RuleViolation, StaleRecord,
    PermissionDenied."""
    with ctx.write(Action.MANAGE_USERS) as db:
        raise_if_any(role_problems(role))
        records.update(db, "users", user_id, expected_version,
                       {"role": role, "active": int(active), "display_name": display_name.strip()},
                       ctx.actor.username)


def unlock(ctx: Context, user_id: int) -> None:
    """Release a user locked out by failed sign-ins. Raises PermissionDenied."""
    with ctx.write(Action.MANAGE_USERS) as db:
        records.update_unversioned(db, "users", user_id, {"failed_attempts": 0, "locked_until": None},
                                   ctx.actor.username)


def list_users(ctx: Context) -> list[dict]:
    """Every user account, without password hashes. Raises PermissionDenied."""
    ctx.require(Action.MANAGE_USERS)
    with ctx.read() as db:
        return uq.users(db)


def owner_choices(ctx: Context) -> dict[int, str]:
    """Active users anyone may assign reviews to: id → display name (no contact data)."""
    with ctx.read() as db:
        return uq.active_names(db)


def count_users(db_path: Path) -> int:
    """How many user accounts are active (none: the first start offers to create one)."""
    with connection.reading(db_path) as db:
        return uq.count_active(db)


# Failed sign-ins per typed name and per browser session, counted in the database (an attacker trying
# many names, or one name from many sessions, is slowed down whether the accounts exist or not, by
# every app process alike)
_BY_NAME = Throttle(limit=10, window=timedelta(minutes=15))
_BY_SESSION = Throttle(limit=20, window=timedelta(minutes=15))
SIGN_IN_WAIT_MS = 120_000  # a sign-in waits this long for someone's large import to finish, rather than fail


def sign_in(db_path: Path, username: str, password: str, now: datetime | None = None, session: str = "") -> Actor:
    """The actor for a correct name and password; every attempt is an access record in the trail.

    Every refusal takes the same time (one argon2 verification, against a stand-in hash when there
    is no usable one) and reaches the screen as the same message, so nobody learns which accounts
    exist, are locked or are disabled; ``SignInRefused.reason`` is for the trail and the tests. The
    password is checked before the write transaction, which only records the outcome."""
    now = now or _now()
    policy = app_settings.load().sign_in
    name = username.strip()[:MAX_USERNAME]
    keys = {f"name:{name.lower()}": _BY_NAME} | ({f"session:{session}": _BY_SESSION} if session else {})
    with connection.reading(db_path) as db:
        recent = uq.sign_in_failures(db, {key: _stamp(rule.since(now)) for key, rule in keys.items()})
        user = uq.for_sign_in(db, name)
    throttled = any(rule.blocked(recent[key]) for key, rule in keys.items())
    password_hash = user[4] if user and user[4] else None
    matches = _verify(password_hash or _DUMMY_HASH, password[:1024]) and password_hash is not None and not throttled
    with connection.writing(db_path, busy_timeout_ms=SIGN_IN_WAIT_MS) as db:
        outcome = _record(db, name, user, matches, bool(throttled), now, policy)
        if isinstance(outcome, SignInRefused):  # counted with its access record, in the same transaction
            uq.add_sign_in_failure(db, list(keys), _stamp(now), _stamp(now - max(_BY_NAME.window, _BY_SESSION.window)))
    if isinstance(outcome, SignInRefused):
        raise outcome  # after the commit: the failed attempt and its access record are kept
    return outcome


def _record(db, name: str, user, matches: bool, throttled: bool, now: datetime, policy) -> Actor | SignInRefused:
    """The outcome of a checked attempt, written in one short transaction."""
    if throttled:
        records.log(db, name or "?", "sign_in_throttled")
        return SignInRefused("throttled")
    if user is None:
        records.log(db, name or "?", "sign_in_failed")
        return SignInRefused("invalid")
    user_id, username, display, role = user[0], user[1], user[2], user[3]
    failed, locked_until, active = uq.sign_in_state(db, user_id)
    if is_locked(datetime.fromisoformat(locked_until) if locked_until else None, now):
        records.log(db, username, "sign_in_refused_locked", "users", user_id)
        return SignInRefused("locked")
    if not matches:
        attempts, lock = after_failure(failed, now, policy)
        uq.set_sign_in_state(db, user_id, attempts, lock.isoformat(timespec="seconds") if lock else None)
        records.log(db, username, "sign_in_failed", "users", user_id)
        return SignInRefused("locked" if lock else "invalid")
    if not active:
        records.log(db, username, "sign_in_refused_inactive", "users", user_id)
        return SignInRefused("inactive")
    uq.set_sign_in_state(db, user_id, 0, None)
    records.log(db, username, "sign_in", "users", user_id)
    return Actor(username, display, Role(role))


def actor_for_email(db_path: Path, email: str) -> Actor | None:
    """The registered user behind a single-sign-on identity (matched by e-mail), if any and active."""
    with connection.writing(db_path) as db:
        row = uq.active_by_email(db, email)
        if row is None:
            return None
        records.log(db, row[1], "sign_in_sso", "users", row[0])
        return Actor(row[1], row[2], Role(row[3]))


def actor_for_username(db_path: Path, username: str) -> Actor | None:
    """A registered, active user by name, for commands run on the server on their behalf (the
    server's shell is the authentication; their role's permissions still apply to what they do)."""
    with connection.reading(db_path) as db:
        row = uq.active_by_username(db, username)
    return Actor(row[1], row[2], Role(row[3])) if row else None


def _verify(password_hash: str, password: str) -> bool:
    try:
        with _HASHING:
            return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _hash(password: str) -> str:
    with _HASHING:
        return _hasher.hash(password)
