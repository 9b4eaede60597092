"""Baseline: the cells of a workbook written again with openpyxl's write-only mode, nothing else. Run by ``python -m tests.bench`` in a child process; prints one JSON line."""

import json, sys, time
from openpyxl import Workbook, load_workbook
source = load_workbook(sys.argv[1], read_only=True)
sheets = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in source]
source.close()
start = time.perf_counter()
book = Workbook(write_only=True)
for title, rows in sheets:
    out = book.create_sheet(title)
    for row in rows:
        out.append(row)
book.save(sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - start}))
