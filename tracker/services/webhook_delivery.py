"""Delivering the outbox: each due delivery signed per Standard Webhooks (webhook-id, -timestamp,
-signature), sent to its endpoint if the address is allowed, and tried again with backoff for a day.
Deliveries are leased in a write transaction before sending, so two processes never send the same
one at once; a process killed mid-send leaves it to be sent again after the lease, under the same
webhook-id (a receiver keeps the first)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta, UTC
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from standardwebhooks.webhooks import Webhook

from .. import settings as app_settings
from ..domain import refs
from ..domain import webhooks as rules
from ..domain.webhooks import Event
from ..store import connection
from ..store import request_queries as rq
from ..store import webhook_queries as wq
from . import incidents, webhooks
from .context import SYSTEM, Context

_LOG = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # longer than a delivery's timeout: a live sender finishes first
TIMEOUT_SECONDS = 10
Sender = Callable[[str, bytes, dict[str, str]], int]  # url, body, headers → the receiver's status


def http_sender(client: httpx.Client) -> Sender:
    """POST through ``client`` without following redirects (a redirect could lead to an address the
    guard refuses); one client per run keeps connections to the same receiver open."""
    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        return client.post(url, content=body, headers=headers, timeout=TIMEOUT_SECONDS,
                           follow_redirects=False).status_code
    return send


def resolves_to_allowed(url: str, private_hosts: frozenset[str]) -> bool:
    """Whether every address the endpoint's host resolves to may be called (public, or a listed host)."""
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return False
    return bool(found) and all(rules.address_allowed(info[4][0], parts.hostname, private_hosts) for info in found)


def deliver_due(db_path: Path, now: datetime | None = None, send: Sender | None = None, limit: int = 50) -> int:
    """Send the deliveries due now (at most ``limit``), recording every attempt in one transaction
    at the end; returns how many were tried."""
    now = now or datetime.now(UTC)
    with connection.writing(db_path) as db:
        due = wq.claim_due(db, _iso(now), _iso(now + LEASE), limit)
    if not due:
        return 0
    private_hosts = app_settings.load().webhook_private_hosts
    allowed: dict[str, bool] = {}  # host → resolves to allowed addresses, looked up once a run
    outcomes = []
    with httpx.Client() as client:
        sender = send or http_sender(client)
        for delivery in due:
            url = delivery["url"]
            if url not in allowed:
                allowed[url] = resolves_to_allowed(url, private_hosts)
            status, error = _try(delivery, now, sender, allowed[url])
            if status is not None and 200 <= status < 300:
                state, next_at = "delivered", None
            else:
                again = None if error == "address not allowed" else rules.next_attempt(
                    datetime.fromisoformat(delivery["created_at"]), delivery["attempts"] + 1, now)
                state, next_at = ("pending", _iso(again)) if again else ("failed", None)
            outcomes.append((delivery["id"], status, error, state, next_at))
    with connection.writing(db_path) as db:
        for delivery_id, status, error, state, next_at in outcomes:
            wq.record_attempt(db, delivery_id, _iso(now), status, error, state, next_at)
    return len(due)


def _try(delivery: dict, now: datetime, send: Sender, address_allowed: bool) -> tuple[int | None, str | None]:
    if not delivery["active"]:
        return None, "endpoint paused"
    if rules.target_problems(delivery["url"], bool(delivery["allow_http"])) or not address_allowed:
        return None, "address not allowed"
    body = delivery["payload"].encode("utf-8")
    headers = {"content-type": "application/json", "webhook-id": delivery["message_id"],
               "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(delivery["secret"]).sign(delivery["message_id"], now, body)}
    try:
        status = send(delivery["url"], body, headers)
    except httpx.HTTPError as failure:
        return None, f"{failure.__class__.__name__}: {failure}"[:300]
    return status, None if 200 <= status < 300 else f"HTTP {status}"


def emit_due(db_path: Path, today: date) -> int:
    """The events a day brings rather than a change: each request past its due date still with the
    vendor (request.overdue, once), each open incident whose next deadline is tomorrow
    (incident.deadline, once per deadline). Returns how many were written."""
    with connection.reading(db_path) as db:
        wanted = {e for e in (Event.REQUEST_OVERDUE, Event.INCIDENT_DEADLINE) if wq.subscribed(db, e.value)}
    if not wanted:
        return 0
    tomorrow = today + timedelta(days=1)
    deadlines = [v for v in incidents.incidents_list(Context(db_path, SYSTEM, today), limit=None)[0]
                 if v.next_deadline == tomorrow] if Event.INCIDENT_DEADLINE in wanted else []
    written = 0
    with connection.writing(db_path) as db:
        for row in rq.overdue(db, today) if Event.REQUEST_OVERDUE in wanted else []:
            written += webhooks.emit(db, Event.REQUEST_OVERDUE, {
                "request": refs.ref(refs.REQUEST, row["id"]), "engagement": row["engagement_ref"],
                "set": row["set_id"], "due_on": row["due_on"], "entrustee": row["entrustee_name"]},
                dedupe_key=f"request.overdue:{row['id']}")
        for view in deadlines:
            written += webhooks.emit(db, Event.INCIDENT_DEADLINE, {
                "incident": view.row["id"], "engagement": view.link.ref, "title": view.row["title"],
                "deadline": view.next_deadline_kind, "due_on": view.next_deadline.isoformat()},
                dedupe_key=f"incident.deadline:{view.row['id']}:{view.next_deadline_kind}:{view.next_deadline}")
    return written


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Worker:
    """Delivers the outbox every few seconds in a thread of the app process, until stopped."""

    def __init__(self, db_path: Callable[[], Path], today: Callable[[], date], every_seconds: float = 2.0):
        self._db_path, self._today, self._every = db_path, today, every_seconds
        self._scanned: datetime | None = None  # when the day's events were last looked for
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-delivery", daemon=True)

    def start(self) -> None:
        """Begin delivering."""
        self._thread.start()

    def stop(self) -> None:
        """Finish the delivery under way, then stop."""
        self._stop.set()
        self._thread.join(timeout=TIMEOUT_SECONDS + 5)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                path = self._db_path()
                if not path.exists():
                    continue
                now = datetime.now(UTC)
                if self._scanned is None or now - self._scanned > timedelta(minutes=1):
                    emit_due(path, self._today())
                    self._scanned = now
                while deliver_due(path) and not self._stop.is_set():
                    pass
            except Exception:  # a bad moment (the database busy) must not end deliveries: said, then on
                _LOG.exception("webhook delivery run failed; trying again shortly")
