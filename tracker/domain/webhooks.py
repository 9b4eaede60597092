"""Outbound webhooks: which events there are, where a delivery may go (the SSRF guard), and when a
failed delivery is tried again. Payloads are signed per Standard Webhooks by the service."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from .problems import Problem


class Event(StrEnum):
    APPROVAL_REQUESTED = "approval.requested"  # a re-delegation proposed: its approval awaits a decision
    APPROVAL_DECIDED = "approval.decided"
    REQUEST_ANSWERED = "request.answered"  # a vendor submitted its answer
    REQUEST_OVERDUE = "request.overdue"  # past its due date, still with the vendor (once)
    INCIDENT_RECORDED = "incident.recorded"
    INCIDENT_DEADLINE = "incident.deadline"  # the day before each deadline of an open incident
    TERMINATION_CLOSED = "termination.closed"
    ENGAGEMENT_ACTIVATED = "engagement.activated"


# after the first try: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, then every 6 h until a day has passed
BACKOFF = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=6))
GIVE_UP_AFTER = timedelta(hours=24)


def next_attempt(first_at: datetime, attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed tries of an event made at ``first_at``; None: give up."""
    wait = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
    at = now + wait
    return at if at - first_at <= GIVE_UP_AFTER else None


def target_problems(url: str, allow_http: bool) -> list[Problem]:
    """An endpoint's address: https (http only when the administrator allowed it for this endpoint),
    a host name or address, no credentials in it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return [Problem("url", "error.webhook.url")]
    if parts.scheme == "http" and not allow_http:
        return [Problem("url", "error.webhook.https_only")]
    if parts.username or parts.password:
        return [Problem("url", "error.webhook.credentials")]
    return []


def address_allowed(address: str, host: str, listed: frozenset[str]) -> bool:
    """Whether a delivery may go to ``address`` (what ``host`` resolved to): a public address, or any
    address of a host the administrator listed (an internal 稟議 server)."""
    if host.lower() in listed:
        return True
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global
