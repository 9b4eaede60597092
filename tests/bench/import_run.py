"""Importing a ledger into an empty database, timed, with how long it held the write lock (the
longest write transaction: nobody else can save meanwhile) and this process's peak memory. Run by
``python -m tests.bench`` in a child process; prints one JSON line."""

import json, resource, sys, time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from tracker.services import ledger_import, setup
from tracker.services.context import SYSTEM, Context
from tracker.store import connection

held = []
_writing = connection.writing


@contextmanager
def timed_writing(*args, **kwargs):
    start = time.perf_counter()
    with _writing(*args, **kwargs) as db:
        yield db
    held.append(time.perf_counter() - start)


path = Path(sys.argv[1]); data = Path(sys.argv[2]).read_bytes()
setup.initialise(path)
connection.writing = timed_writing  # every service opens its transaction through this
start = time.perf_counter()
result = ledger_import.import_ledger(Context(path, SYSTEM, date(2026, 11, 22)), data)
assert result.applied, result.issues[:3]
print(json.dumps({"seconds": time.perf_counter() - start, "lock_seconds": max(held, default=0.0),
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
