"""Baseline: reading every row of a workbook with openpyxl, nothing else. Run by ``python -m tests.bench`` in a child process; prints one JSON line."""

import json, sys, time
from openpyxl import load_workbook
start = time.perf_counter()
book = load_workbook(sys.argv[1], read_only=True)
rows = sum(1 for ws in book for _ in ws.iter_rows(values_only=True))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
