"""Importing a ledger into an empty database, timed, with this process's peak memory. Run by ``python -m tests.bench`` in a child process; prints one JSON line."""

import json, resource, sys, time
from datetime import date
from pathlib import Path
from tracker.services import ledger_import, setup
from tracker.services.context import SYSTEM, Context
path = Path(sys.argv[1]); data = Path(sys.argv[2]).read_bytes()
setup.initialise(path)
start = time.perf_counter()
result = ledger_import.import_ledger(Context(path, SYSTEM, date(2026, 11, 22)), data)
assert result.applied, result.issues[:3]
print(json.dumps({"seconds": time.perf_counter() - start,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
