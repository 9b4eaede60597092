"""Personal API tokens: a user makes its own (shown once, kept as a hash); an administrator may make
one for any user. A token acts as its user, with the user's role, through the same services and
permission checks as the screens; a read-only one writes nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, UTC
from pathlib import Path

from ..domain import api_tokens as rules
from ..domain.permissions import Action, Role
from ..domain.problems import Problem, raise_if_any
from ..store import connection, records
from ..store import supervision_queries as sq
from ..store import token_queries as tq
from ..store.lookups import required
from .context import Actor, Context

_USE_RECORDED_EVERY = timedelta(minutes=1)  # a busy integration does not write on every call


@dataclass(frozen=True)
class IssuedToken:
    token_id: int
    secret: str  # shown once: only its hash is kept
    expires_on: date


def create_token(ctx: Context, name: str, read_only: bool | None = False, expires_days: int = rules.DEFAULT_DAYS,
                 username: str | None = None) -> IssuedToken:
    """A new token for the acting user, or with ``username`` for another user (administrators only).
    ``read_only`` None: not chosen (a form never assumes it). Raises RuleViolation (no name, a name the
    user already has, access not chosen, a life out of range), NotFound, PermissionDenied."""
    owner = username or ctx.actor.username
    ctx.require(Action.READ)  # anyone signed in makes their own
    if owner != ctx.actor.username:
        ctx.require(Action.MANAGE_USERS)
    raise_if_any(rules.token_problems(name, expires_days, read_only))
    secret, expires_on = rules.new_secret(), rules.expires_on(ctx.today, expires_days)
    with ctx.write(Action.READ) as db:
        user_id = _user_id(db, owner)
        if tq.name_taken(db, user_id, name.strip()):
            raise_if_any([Problem("name", "error.token.name_taken")])
        token_id = records.insert(db, "api_tokens", {
            "user_id": user_id, "name": name.strip(), "token_hash": rules.secret_hash(secret),
            "read_only": int(read_only), "expires_on": expires_on.isoformat()}, ctx.actor.username)
    return IssuedToken(token_id, secret, expires_on)


def tokens_of(ctx: Context, username: str | None = None) -> list[dict]:
    """A user's tokens, newest first (never their secrets); another user's for administrators only."""
    ctx.require(Action.READ)
    if username not in (None, ctx.actor.username):
        ctx.require(Action.MANAGE_USERS)
    with ctx.read() as db:
        return tq.of_user(db, _user_id(db, username or ctx.actor.username))


def revoke(ctx: Context, token_id: int) -> None:
    """Stop a token at once: the acting user's own, or any for an administrator. Raises NotFound,
    PermissionDenied."""
    with ctx.write(Action.READ) as db:
        token = records.get(db, "api_tokens", token_id, "token")
        if token["user_id"] != sq.user_id_of(db, ctx.actor.username):
            ctx.require(Action.MANAGE_USERS)
        if token["revoked_at"] is None:
            records.update(db, "api_tokens", token_id, token["version"],
                           {"revoked_at": records.now_utc()}, ctx.actor.username)


def context_for(db_path: Path, secret: str, today: date) -> Context | None:
    """The context a request bearing ``secret`` acts in: its user (active), the user's role, read-only
    when the token is; None for a token unknown, revoked, expired, or of an inactive user. Its last
    use is recorded (at most once a minute)."""
    if not rules.plausible(secret):
        return None
    with connection.reading(db_path) as db:
        token = tq.by_hash(db, rules.secret_hash(secret))
    if token is None or not token["active"] or not rules.usable(token, today):
        return None
    now = datetime.now(UTC)
    if token["last_used_at"] is None or now - datetime.fromisoformat(token["last_used_at"]) > _USE_RECORDED_EVERY:
        try:
            with connection.writing(db_path) as db:
                tq.mark_used(db, token["id"], now.isoformat(timespec="seconds"))
        except sqlite3.OperationalError as error:  # busy: bookkeeping only, the call goes on
            if not connection.is_busy(error):
                raise
    actor = Actor(f"{token['username']} (token {token['name']})", token["display_name"], Role(token["role"]))
    return Context(db_path, actor, today, read_only=bool(token["read_only"]))


def _user_id(db, username: str) -> int:
    return required(sq.user_id_of(db, username), "user", username)
