"""Outbound webhooks: an administrator registers endpoints (an address, the events it wants, a
signing secret); a change that makes an event writes it to the outbox in the change's own
transaction (``emit``), so a change without its event, or an event without its change, cannot
happen. Delivery, signing and retries are ``webhook_delivery``'s."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, UTC
from typing import Any

from ..domain import webhooks as rules
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..store import records
from ..store import webhook_queries as wq
from .context import Context


@dataclass(frozen=True)
class NewEndpoint:
    endpoint_id: int
    secret: str  # shown once: the receiver verifies signatures with it


def add_endpoint(ctx: Context, url: str, events: list[str], allow_http: bool = False) -> NewEndpoint:
    """Register an endpoint (administrators only); returns its id and signing secret. Raises
    RuleViolation (an address not https or with credentials; no event or an unknown one),
    PermissionDenied."""
    ctx.require(Action.MANAGE_USERS)
    problems = rules.target_problems(url, allow_http)
    if not events:
        problems.append(Problem("events", "error.required"))
    problems += [Problem("events", "error.invalid_choice") for e in events if e not in set(rules.Event)][:1]
    raise_if_any(problems)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with ctx.write(Action.MANAGE_USERS) as db:
        endpoint_id = records.insert(db, "webhook_endpoints", {
            "url": url.strip(), "events": sorted(set(events)), "secret": secret, "allow_http": int(allow_http),
            "active": 1}, ctx.actor.username)
    return NewEndpoint(endpoint_id, secret)


def set_active(ctx: Context, endpoint_id: int, expected_version: int, active: bool) -> None:
    """Pause or resume an endpoint. Raises NotFound, StaleRecord, PermissionDenied."""
    with ctx.write(Action.MANAGE_USERS) as db:
        records.get(db, "webhook_endpoints", endpoint_id, "webhook endpoint")
        records.update(db, "webhook_endpoints", endpoint_id, expected_version, {"active": int(active)},
                       ctx.actor.username)


def endpoints(ctx: Context) -> list[dict]:
    """Every endpoint (never its secret). Raises PermissionDenied but to administrators."""
    ctx.require(Action.MANAGE_USERS)
    with ctx.read() as db:
        return wq.endpoints(db)


def deliveries(ctx: Context, limit: int = 100) -> list[dict]:
    """The latest deliveries, each with its last attempt. Raises PermissionDenied but to administrators."""
    ctx.require(Action.MANAGE_USERS)
    with ctx.read() as db:
        return wq.deliveries(db, limit)


def attempts(ctx: Context, delivery_id: int) -> list[dict]:
    """Every try of one delivery (when, the receiver's status, the error)."""
    ctx.require(Action.MANAGE_USERS)
    with ctx.read() as db:
        return wq.attempts_of(db, delivery_id)


def send_again(ctx: Context, delivery_id: int) -> None:
    """Queue a delivery again now, under the same message id. Raises NotFound, PermissionDenied."""
    with ctx.write(Action.MANAGE_USERS) as db:
        if not wq.resend(db, delivery_id, _now()):
            records.get(db, "webhook_deliveries", delivery_id, "webhook delivery")  # raises NotFound
        records.log(db, ctx.actor.username, "webhook_resend", "webhook_deliveries", delivery_id)


def emit(db, event: rules.Event, data: dict[str, Any], dedupe_key: str | None = None) -> int:
    """Write an event to the outbox, with a delivery for each endpoint that asked for it, inside the
    open transaction of the change that made it (nothing when no endpoint asked, or when an event of
    the same ``dedupe_key`` was written before); returns how many events were written (0 or 1)."""
    endpoints_of = wq.subscribed(db, event.value)
    if not endpoints_of:
        return 0
    at = _now()
    event_id = wq.add_event(db, "msg_" + secrets.token_hex(16), event.value,
                            {"type": event.value, "timestamp": at, "data": data}, at, dedupe_key)
    for endpoint_id in endpoints_of if event_id is not None else []:
        wq.add_delivery(db, event_id, endpoint_id, at)
    return int(event_id is not None)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
