"""`make bench`: the product at 1,000 / 10,000 / 50,000 parties (≈ 4 engagements each), each figure
beside a baseline measured in the same run. Medians of several runs; prints one table.

    python -m tracker.benchmark [--scales 1000,10000,50000] [--runs 5] [--keep DIR]

Pages are timed as server-side full reruns (Streamlit AppTest, the same script the browser runs).
The Excel report and the import run in child processes so that their peak memory (max RSS) is
their own. Targets (issue 9, this 2-core machine, 50,000 parties): page rerun ≤ 300 ms, full gap
computation ≤ 2 s, report ≤ 3 × its bare dump and ≤ 1 GiB, import of 10,000 rows ≤ 10 s, app ≤ 1 GiB.
No test asserts a time: this prints figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parents[1]


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _database(folder: Path, parties: int) -> Path:
    from .services import synthetic

    path = folder / f"bench-{parties}.db"
    if not path.exists():
        start = time.perf_counter()
        counts = synthetic.build(path, parties, seed=2026, today=TODAY)
        print(f"  built {path.name} in {time.perf_counter() - start:.0f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
    return path


def _context(path: Path):
    from .services.context import SYSTEM, Context

    return Context(path, SYSTEM, TODAY)


def _sql(path: Path, sql: str, params: list | None = None) -> Callable[[], object]:
    from .store import connection

    def run():
        with connection.reading(path) as db:
            return db.execute(sql, params or []).fetchall()
    return run


# --- pages (run in a child process: the app's own memory is measured there)

_PAGE_SCRIPT = r"""
import json, os, statistics, sys, time, resource
from streamlit.testing.v1 import AppTest
from tracker.domain.permissions import Role
from tracker.services.context import Actor
app, runs, pages = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
officer = Actor("bench", "ベンチ 担当", Role.PRIVACY_OFFICER)
result = {}
for name, (page, state, query) in pages.items():
    at = AppTest.from_file(app, default_timeout=600)
    at.session_state["actor"] = officer
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    for key, value in state.items():
        at.session_state[key] = value
    start = time.perf_counter(); at.run(); first = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{name}: {[e.value for e in at.exception]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter(); at.run(); times.append(time.perf_counter() - start)
    result[name] = {"first": first, "median": statistics.median(times)}
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def _pages(path: Path, runs: int) -> dict:
    from .store import connection

    with connection.reading(path) as db:
        largest = db.execute("SELECT business_id FROM engagements GROUP BY business_id ORDER BY count(*) DESC "
                             "LIMIT 1").fetchone()[0]
    pages = {
        "Home": ("pages/oversight/home.py", {}, {}),
        "Registry search": ("pages/registry/registry.py", {"reg_party_q": "合成サービス0012"}, {}),
        "Chain (largest business)": ("pages/oversight/chain.py", {}, {"business": str(largest)}),
        "Gaps": ("pages/contracts/gaps.py", {}, {}),
        "Schedule": ("pages/oversight/schedule.py", {}, {}),
    }
    env = {**os.environ, "TRACKER_DB": str(path), "TRACKER_TODAY": TODAY.isoformat()}
    return _child(_PAGE_SCRIPT, str(ROOT / "app.py"), str(runs), json.dumps(pages), env=env)


def _page_baselines(path: Path, runs: int) -> dict[str, float]:
    """The bare SQLite query returning the rows each page shows."""
    from .store import connection

    with connection.reading(path) as db:
        largest = db.execute("SELECT business_id FROM engagements GROUP BY business_id ORDER BY count(*) DESC "
                             "LIMIT 1").fetchone()[0]
    return {
        "Home": _median(_sql(path, "SELECT status, tier, count(*) FROM engagements GROUP BY 1, 2"), runs),
        "Registry search": _median(_sql(path, "SELECT * FROM parties WHERE name LIKE ? ORDER BY name LIMIT 50",
                                        ["%合成サービス0012%"]), runs),
        "Chain (largest business)": _median(_sql(path, "SELECT * FROM engagements WHERE business_id = ? "
                                                       "ORDER BY path_key LIMIT 50", [largest]), runs),
        "Gaps": _median(_sql(path, "SELECT engagement_id, covered_mask, partial_mask FROM contracts"), runs),
        "Schedule": _median(_sql(path, "SELECT * FROM due_items WHERE due_on < ? ORDER BY due_on LIMIT 50",
                                 [TODAY.isoformat()]), runs),
    }


# --- the full gap computation

def _gaps(path: Path, runs: int) -> tuple[float, float]:
    from .services import gaps, revision_cache

    ctx = _context(path)

    def compute():
        revision_cache.clear()  # uncached: the whole computation each time
        return gaps.registry_gaps(ctx)

    baseline = _sql(path, """SELECT e.id, e.parent_engagement_id, e.tier, e.data_categories, e.processing_countries,
                                    e.storage_countries, e.entrustee_party_id, c.covered_mask, c.partial_mask
                             FROM engagements e LEFT JOIN contracts c ON c.engagement_id = e.id
                             WHERE e.status <> 'ended'""")
    return _median(compute, runs), _median(baseline, runs)


# --- the Excel report and its bare dump (child processes, for their own peak memory)

_REPORT_SCRIPT = r"""
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
"""

_DUMP_SCRIPT = r"""
import json, resource, sys, time
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
"""


def _child(script: str, *args: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode:
        raise RuntimeError(f"benchmark step failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _report(path: Path, folder: Path, runs: int) -> dict:
    target = folder / f"report-{path.stem}.xlsx"
    results = [_child(_REPORT_SCRIPT, str(path), str(target), TODAY.isoformat()) for _ in range(runs)]
    dumps = [_child(_DUMP_SCRIPT, str(target), str(folder / "dump.xlsx"))["seconds"] for _ in range(runs)]
    return {"seconds": statistics.median(r["seconds"] for r in results), "rows": results[0]["rows"],
            "max_rss_mb": max(r["max_rss_mb"] for r in results), "size_mb": target.stat().st_size / 2 ** 20,
            "dump_seconds": statistics.median(dumps)}


# --- import of 10,000 rows, and one addendum

def _ledger_rows(rows: int) -> bytes:
    """A ledger of ``rows`` rows: half parties, half engagements (chains up to four deep)."""
    from openpyxl import Workbook

    from .domain.corporate_number import with_check_digit
    from .i18n import t

    parties = rows // 2
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t("ledger.sheet.parties"))
    sheet.append([t("party.name"), t("party.corporate_number")])
    for i in range(parties):
        sheet.append([f"取込{i:06d}株式会社", with_check_digit(f"{500000000000 + i:012d}")])
    sheet = book.create_sheet(t("ledger.sheet.engagements"))
    sheet.append([t(k) for k in ("ledger.ref", "engagement.business", "business.owner_department", "ledger.parent_ref",
                                 "ledger.entrustee", "engagement.work", "engagement.data_categories",
                                 "engagement.status")])
    for i in range(rows - parties):
        parent = f"R{i - 1}" if i % 4 else None
        sheet.append([f"R{i}", f"取込業務{i // 400:03d}", "総務部", parent, f"取込{i:06d}株式会社", "発送代行",
                      t("category.ordinary"), t("status.proposed")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_IMPORT_SCRIPT = r"""
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
"""

_READ_SCRIPT = r"""
import json, sys, time
from openpyxl import load_workbook
start = time.perf_counter()
book = load_workbook(sys.argv[1], read_only=True)
rows = sum(1 for ws in book for _ in ws.iter_rows(values_only=True))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""


def _import(folder: Path, runs: int) -> dict:
    ledger = folder / "ledger-10000.xlsx"
    ledger.write_bytes(_ledger_rows(10_000))
    times = []
    for n in range(runs):
        target = folder / f"import-{n}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        times.append(_child(_IMPORT_SCRIPT, str(target), str(ledger))["seconds"])
    reads = [_child(_READ_SCRIPT, str(ledger))["seconds"] for _ in range(runs)]
    return {"seconds": statistics.median(times), "read_seconds": statistics.median(reads)}


def _addendum(path: Path, runs: int) -> tuple[float, float]:
    from docx import Document

    from .services import addenda, gaps

    ctx = _context(path)
    link = next(g.engagement_id for g in gaps.registry_gaps(ctx).analysis.links)
    seconds = _median(lambda: addenda.build(ctx, addenda.AddendumRequest([link], "both")), runs)

    def bare():
        document = Document()
        for n in range(40):
            document.add_paragraph(f"第{n}条 本文" * 10)
        document.save(io.BytesIO())
    return seconds, _median(bare, runs)


# --- the table

def _row(name: str, value: float | None, baseline: float | None, unit: str = "ms", note: str = "") -> str:
    def fmt(v):
        if v is None:
            return "—"
        return f"{v * 1000:,.0f} ms" if unit == "ms" else f"{v:,.2f} s"
    ratio = f"{value / baseline:,.1f}×" if value and baseline else "—"
    return f"| {name} | {fmt(value)} | {fmt(baseline)} | {ratio} | {note} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the databases in between runs")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"# Benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}), medians of {args.runs} runs\n")
    imported = _import(folder, max(1, args.runs // 2))
    for parties in (int(s) for s in args.scales.split(",")):
        print(f"## {parties:,} parties", flush=True)
        path = _database(folder, parties)
        pages = _pages(path, args.runs)
        baselines = _page_baselines(path, args.runs)
        gap_seconds, gap_baseline = _gaps(path, max(3, args.runs // 2))
        report = _report(path, folder, max(1, args.runs // 2))
        addendum, addendum_baseline = _addendum(path, args.runs)
        lines = ["| measure | tracker | baseline | ratio | note |", "|---|---|---|---|---|"]
        for name in baselines:
            lines.append(_row(f"page rerun: {name}", pages[name]["median"], baselines[name],
                              note=f"first run {pages[name]['first'] * 1000:,.0f} ms; baseline: bare SQL of its rows"))
        lines.append(_row("full gap computation (uncached)", gap_seconds, gap_baseline, "s",
                          "baseline: bare SQL of the link facts"))
        lines.append(_row(f"Excel report ({report['rows']:,} rows, {report['size_mb']:.1f} MB)", report["seconds"],
                          report["dump_seconds"], "s", f"peak memory {report['max_rss_mb']:,.0f} MB; baseline: "
                          "bare openpyxl write-only dump of the same cells"))
        lines.append(_row("one addendum (ja + en)", addendum, addendum_baseline, "ms",
                          "baseline: bare python-docx document of 40 paragraphs"))
        lines.append(f"| app process peak memory | {pages['max_rss_mb']:,.0f} MB | — | — | every page above, one process |")
        print("\n".join(lines) + "\n", flush=True)
    print("## Import of 10,000 ledger rows (5,000 parties, 5,000 engagements) into an empty database\n")
    print("| measure | tracker | baseline | ratio | note |\n|---|---|---|---|---|")
    print(_row("import (checked, one transaction)", imported["seconds"], imported["read_seconds"], "s",
               "baseline: bare openpyxl read of the file"))


if __name__ == "__main__":
    main()
