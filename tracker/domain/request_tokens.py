"""The one-time links vendors answer through: an unguessable token, kept by us only as its hash,
and the throttle on wrong guesses."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit
from datetime import datetime, timedelta

TOKEN_BYTES = 32  # 256 bits: guessing one is not a question of rate limits
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 10  # wrong tokens from one client within the window, before it is refused for the window
# wrong tokens recorded per minute from all clients together: guessing from many addresses is still
# refused, but past this it is not written down, so that it cannot grow the database (at most a
# day's worth is kept: 86,400 rows)
MAX_RECORDED_PER_MINUTE = 60


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps: a leaked database opens no request (a token is random enough that
    a plain hash cannot be reversed by guessing)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible(token: str) -> bool:
    """A token's shape, checked before any database lookup."""
    return 20 <= len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def throttled(recent_failures: list[datetime], now: datetime) -> bool:
    return sum(1 for at in recent_failures if now - at < FAILURE_WINDOW) >= MAX_FAILURES


def link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/?answer={token}"


def local_address(public_url: str) -> bool:
    """A base address only this machine can open (localhost, a loopback address)."""
    host = (urlsplit(public_url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".localhost")
