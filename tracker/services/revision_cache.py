"""Results that depend only on the database and the day, computed once per change of the database
(its revision, bumped by every committed write) and shared by every session: Home's counts and
the registry's gaps stay instant at 200,000 engagements without ever being stale."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from ..store import connection
from .context import Context

T = TypeVar("T")
_KEEP = 64  # entries; an old revision's results are dropped when the cache fills up
_cache: dict[tuple, object] = {}
_lock = threading.Lock()


def per_revision(ctx: Context, name: str, compute: Callable[[], T], *key: Hashable) -> T:
    if ctx.transaction is not None:  # inside an uncommitted change: the revision does not say it yet
        return compute()
    with ctx.read() as db:
        entry = (str(ctx.db_path), connection.revision(db), ctx.today, name, key)
    with _lock:
        if entry in _cache:
            return _cache[entry]  # type: ignore[return-value]
    result = compute()
    with _lock:
        if len(_cache) >= _KEEP:
            _cache.clear()
        _cache[entry] = result
    return result


def clear() -> None:
    with _lock:
        _cache.clear()
