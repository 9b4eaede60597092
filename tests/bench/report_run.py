"""The Excel report of a database, timed, with this process's peak memory. Run by ``python -m tests.bench`` in a child process; prints one JSON line."""

import json, resource, sys, time
from datetime import date
from pathlib import Path
from tracker.services.context import SYSTEM, Context
from tracker.services import reports
ctx = Context(Path(sys.argv[1]), SYSTEM, date.fromisoformat(sys.argv[3]))
start = time.perf_counter()
counts = reports.write_report(ctx, sys.argv[2], reports.ReportFilter(), "ja")
print(json.dumps({"seconds": time.perf_counter() - start, "rows": sum(counts.values()),
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
