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
Revision = int | tuple[int, ...]  # of the whole database, or of each table named
_KEEP = 256  # (database, result, day, key) entries; each holds its latest revision's result only
_cache: dict[tuple, tuple[int, object]] = {}
_computing: dict[tuple, threading.Event] = {}  # (entry, revision) being computed by some session now
_lock = threading.Lock()


def per_revision(ctx: Context, name: str, compute: Callable[[], T], *key: Hashable,
                 tables: tuple[str, ...] | None = None,
                 update: Callable[[T, Revision, Revision], T | None] | None = None) -> T:
    """The result for the database's current revision — of ``tables`` when given (those the result
    is read from: a write elsewhere leaves it valid), else of the whole database. A result of an
    older revision is replaced, never kept beside the new one: at 50,000 parties one registry's
    gaps are tens of MB, and a busy day makes hundreds of revisions. ``update(older result, its
    revision, the current one)`` brings an older result up to date when it can (else None: then
    ``compute``)."""
    if ctx.transaction is not None:  # inside an uncommitted change: the revision does not say it yet
        return compute()
    with ctx.read() as db:
        revision = connection.revision(db, tables)
    entry = (str(ctx.db_path), ctx.today, name, key)
    older: tuple[Revision, T] | None = None  # this entry's result of an earlier revision, if there was one
    while True:
        with _lock:
            found = _cache.get(entry)
            if found is not None and found[0] == revision:
                return found[1]  # type: ignore[return-value]
            if found is not None:
                del _cache[entry]  # stale: let it go before computing the new one
                older = found
            running = _computing.get((entry, revision))
            if running is None:  # this session computes; others asking meanwhile wait for it
                done = _computing[(entry, revision)] = threading.Event()
                break
        # Someone else is computing this very result (after a save, every open page asks at once):
        # wait for theirs rather than computing it again beside them on the same CPU.
        running.wait()
        with _lock:
            found = _cache.get(entry)
            if found is not None and found[0] == revision:
                return found[1]  # type: ignore[return-value]
        # theirs failed or was replaced already: compute it here (the loop registers us)
    try:
        result = update(older[1], older[0], revision) if update is not None and older is not None else None
        if result is None:
            result = compute()
        with _lock:
            if len(_cache) >= _KEEP:
                _cache.clear()
            # the same result under other keys (the Gaps screen's filters) but of another revision is
            # out of date too: let it go now rather than when its key is asked for again (each holds
            # a whole analysis, tens of MB at 50,000 parties)
            for stale in [k for k, (made, _) in _cache.items() if k[:3] == entry[:3] and made != revision]:
                del _cache[stale]
            _cache[entry] = (revision, result)
        return result
    finally:
        with _lock:
            del _computing[(entry, revision)]
        done.set()


def clear() -> None:
    """Forget every cached result (tests, and a database restored under the running app)."""
    with _lock:
        _cache.clear()
