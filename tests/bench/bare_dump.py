"""Baseline: the cells of a workbook written again with the writer the report uses for its rows
(``xlsx_rows.RowWriter`` into a zip part per sheet), nothing else — no header, styles, tables or
print set-up. Run by ``python -m tests.bench`` in a child process; prints one JSON line."""

import json, sys, time, zipfile
from openpyxl import load_workbook
from tracker.outputs.xlsx_rows import RowWriter
source = load_workbook(sys.argv[1], read_only=True)
sheets = [list(ws.iter_rows(values_only=True)) for ws in source]
source.close()
start = time.perf_counter()
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as book:
    for number, rows in enumerate(sheets, start=1):
        with book.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
            writer = RowWriter(part, {}, 1, 2, columns=max((len(r) for r in rows), default=1))
            writer.write(iter(rows), len(rows) + 1)
            writer.flush()
print(json.dumps({"seconds": time.perf_counter() - start}))
