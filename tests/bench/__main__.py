"""`make bench`: the product at 1,000 / 10,000 / 50,000 parties (≈ 4 engagements each), each figure
beside a baseline measured in the same run. Medians of several runs; prints one table.

    python -m tests.bench [--scales 1000,10000,50000] [--runs 5] [--keep DIR] [--load 1,10,25,50] [--no-api]

Pages are timed as server-side full reruns (Streamlit AppTest, the same script the browser runs),
also right after a contract is saved. Then many sessions at once against the running app over its
websocket protocol (``tests/bench/load.py``), and the API's pages and webhook deliveries
(``tests/bench/api_run.py``), on the largest registry.
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
ROOT = Path(__file__).resolve().parents[2]


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _database(folder: Path, parties: int) -> Path:
    from tracker.services import synthetic

    path = folder / f"bench-{parties}.db"
    if not path.exists():
        start = time.perf_counter()
        counts = synthetic.build(path, parties, seed=2026, today=TODAY)
        print(f"  built {path.name} in {time.perf_counter() - start:.0f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
    return path


def _context(path: Path):
    from tracker.services.context import SYSTEM, Context

    return Context(path, SYSTEM, TODAY)


def _sql(path: Path, sql: str, params: list | None = None) -> Callable[[], object]:
    from tracker.store import connection

    def run():
        with connection.reading(path) as db:
            return db.execute(sql, params or []).fetchall()
    return run


# --- pages (run in a child process: the app's own memory is measured there)

_PAGE_RERUNS = "tests.bench.page_reruns"


SHARED_LINKS = 2000  # the shared sub-processor measured: the one in about this many links


def _shared_party(path: Path) -> tuple[int, int, int]:
    """(party id, its open links, its businesses) of the party in the fewest links at or above
    SHARED_LINKS (else the party in the most)."""
    from tracker.store import connection

    with connection.reading(path) as db:
        held = db.execute("SELECT entrustee_party_id, count(*), count(DISTINCT business_id) FROM engagements "
                          "WHERE status <> 'ended' GROUP BY 1").fetchall()
    above = [h for h in held if h[1] >= SHARED_LINKS]
    return min(above, key=lambda h: h[1]) if above else max(held, key=lambda h: h[1])


def _pages(path: Path, runs: int) -> dict:
    from tracker.store import connection

    with connection.reading(path) as db:
        largest = db.execute("SELECT business_id FROM engagements GROUP BY business_id ORDER BY count(*) DESC "
                             "LIMIT 1").fetchone()[0]
    shared, _, _ = _shared_party(path)
    pages = {
        "Home": ("pages/oversight/home.py", {}, {}),
        "Registry search": ("pages/registry/registry.py", {"reg_party_q": "合成サービス0012"}, {}),
        "Chain (largest business)": ("pages/oversight/chain.py", {}, {"business": str(largest)}),
        "Gaps": ("pages/contracts/gaps.py", {}, {}),
        "Schedule": ("pages/oversight/schedule.py", {}, {}),
        "Party (a shared sub-processor)": ("pages/registry/party.py", {}, {"party": str(shared)}),
    }
    env = {**os.environ, "TRACKER_DB": str(path), "TRACKER_TODAY": TODAY.isoformat()}
    return _child(_PAGE_RERUNS, str(ROOT / "app.py"), str(runs), json.dumps(pages), env=env)


def _page_baselines(path: Path, runs: int) -> dict[str, float]:
    """The bare SQLite query returning the rows each page shows."""
    from tracker.store import connection

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
        "Party (a shared sub-processor)": _median(_sql(path, _SHARED_LINKS_SQL, [_shared_party(path)[0]]), runs),
    }


# the rows the concentration view sums: every open link of the party with its business and approval
_SHARED_LINKS_SQL = """SELECT e.*, b.name, a.status FROM engagements e JOIN businesses b ON b.id = e.business_id
                       LEFT JOIN approvals a ON a.engagement_id = e.id
                       WHERE e.entrustee_party_id = ? AND e.status <> 'ended'"""


def _concentration(path: Path, runs: int) -> dict:
    """Where we depend on the shared party (its links summed by business), and an incident there
    recorded once for every chain and shown side by side (on a copy: the registry stays as built)."""
    from tests.conftest import copy_database
    from tracker.domain.incidents import IncidentInput
    from tracker.services import concentration, gaps, party_incidents, revision_cache

    party, links, businesses = _shared_party(path)
    ctx = _context(path)
    gaps.registry_gaps(ctx)  # computed once per change of the registry, as the running app does
    seconds = _median(lambda: concentration.of_party(ctx, party), runs)
    copy = path.parent / "concentration" / path.name
    copy.parent.mkdir(exist_ok=True)
    copy_database(path, copy)
    writer = _context(copy)
    start = time.perf_counter()
    group = party_incidents.record(writer, party, IncidentInput("bench", TODAY, sensitive=True))
    recorded = time.perf_counter() - start
    def side_by_side():  # built afresh each time (the screen keeps it until something changes)
        revision_cache.clear()
        return party_incidents.party_incident(writer, group)
    shown = _median(side_by_side, runs)
    copy.unlink()
    return {"party": party, "links": links, "businesses": businesses, "seconds": seconds, "recorded": recorded,
            "shown": shown, "baseline": _median(_sql(path, _SHARED_LINKS_SQL, [party]), runs)}


def _concentration_rows(measured: dict) -> list[str]:
    where = f"a party in {measured['links']:,} links of {measured['businesses']:,} businesses"
    return [
        _row(f"where we depend on {where}", measured["seconds"], measured["baseline"],
             note="summed by business with approvals, countries and contract coverage (the gap analysis "
                  "as computed once per change); baseline: bare SQL of its links"),
        _row(f"an incident there recorded once ({measured['businesses']:,} chains)", measured["recorded"],
             measured["baseline"], note="one incident per business, one transaction; baseline: the same bare SQL"),
        _row("its chains side by side (every chain's notices and deadlines)", measured["shown"], measured["baseline"],
             note="baseline: the same bare SQL"),
    ]


# --- the full gap computation

def _gaps(path: Path, runs: int) -> tuple[float, float]:
    from tracker.services import gaps, revision_cache

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

_REPORT_RUN = "tests.bench.report_run"

_BARE_DUMP = "tests.bench.bare_dump"


def _child(module: str, *args: str, env: dict | None = None) -> dict:
    """Run a step's module in its own process (its peak memory is its own); its last line is JSON."""
    out = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode:
        raise RuntimeError(f"benchmark step failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _report(path: Path, folder: Path, runs: int) -> dict:
    target = folder / f"report-{path.stem}.xlsx"
    results = [_child(_REPORT_RUN, str(path), str(target), TODAY.isoformat()) for _ in range(runs)]
    dumps = [_child(_BARE_DUMP, str(target), str(folder / "dump.xlsx"))["seconds"] for _ in range(runs)]
    return {"seconds": statistics.median(r["seconds"] for r in results), "rows": results[0]["rows"],
            "max_rss_mb": max(r["max_rss_mb"] for r in results), "size_mb": target.stat().st_size / 2 ** 20,
            "dump_seconds": statistics.median(dumps)}


# --- import of 10,000 rows, and one addendum

def _ledger_rows(rows: int) -> bytes:
    """A ledger of ``rows`` rows: half parties, half engagements (chains up to four deep)."""
    from openpyxl import Workbook

    from tracker.domain.corporate_number import with_check_digit
    from tracker.i18n import t

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


_IMPORT_RUN = "tests.bench.import_run"

_BARE_READ = "tests.bench.bare_read"


def _import(folder: Path, runs: int) -> dict:
    ledger = folder / "ledger-10000.xlsx"
    ledger.write_bytes(_ledger_rows(10_000))
    runs_done = []
    for n in range(runs):
        target = folder / f"import-{n}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        runs_done.append(_child(_IMPORT_RUN, str(target), str(ledger)))
    reads = [_child(_BARE_READ, str(ledger))["seconds"] for _ in range(runs)]
    return {"seconds": statistics.median(r["seconds"] for r in runs_done), "read_seconds": statistics.median(reads),
            "lock_seconds": statistics.median(r["lock_seconds"] for r in runs_done)}


def _addendum(path: Path, runs: int) -> tuple[float, float]:
    from docx import Document

    from tracker.services import addenda, gaps

    ctx = _context(path)
    link = next(g.engagement_id for g in gaps.registry_gaps(ctx).analysis.links)
    seconds = _median(lambda: addenda.build(ctx, addenda.AddendumRequest([link], "both")), runs)

    def bare():
        document = Document()
        for n in range(40):
            document.add_paragraph(f"第{n}条 本文" * 10)
        document.save(io.BytesIO())
    return seconds, _median(bare, runs)


# --- requests to vendors: a bulk send, then the Requests screen with them (on a copy of the registry)

BULK_REQUESTS = 10_000


def _requests(path: Path, folder: Path, runs: int) -> dict:
    from datetime import timedelta

    from tests.conftest import copy_database
    from tracker.services import requests, setup
    from tracker.store import connection

    copy = folder / "requests" / path.name  # a folder of its own: the audit key lives beside the database
    copy.parent.mkdir(exist_ok=True)
    copy_database(path, copy)
    start = time.perf_counter()
    setup.initialise(copy)  # a registry kept from an earlier version: migrated as the app's start would
    migrated = time.perf_counter() - start
    ctx = _context(copy)
    with connection.reading(copy) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM engagements WHERE status = 'active' ORDER BY id LIMIT ?",
                                        [BULK_REQUESTS])]
    start = time.perf_counter()
    requests.create_many(ctx, ids, "annual_report", TODAY + timedelta(days=30))
    seconds = time.perf_counter() - start

    def bare_insert():  # the same number of rows, bare, in one transaction (rolled back)
        db = connection.connect(copy)
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            db.conn.executemany(
                "INSERT INTO requests(engagement_id, set_id, set_version, state, due_on, token_hash, created_at, "
                "created_by, updated_at, updated_by) VALUES (?, 'annual_report', 1, 'sent', '2026-12-22', ?, '', '', "
                "'', '')", [(i, f"bare{i}") for i in ids])
            db.conn.rollback()
        finally:
            db.close()
    env = {**os.environ, "TRACKER_DB": str(copy), "TRACKER_TODAY": TODAY.isoformat()}
    page = _child(_PAGE_RERUNS, str(ROOT / "app.py"), str(runs), json.dumps(
        {"Requests": ("pages/oversight/requests.py", {}, {})}), env=env)["Requests"]
    page_baseline = _median(_sql(copy, "SELECT r.*, p.name FROM requests r JOIN engagements e ON e.id = r.engagement_id "
                                       "JOIN parties p ON p.id = e.entrustee_party_id ORDER BY r.due_on, r.id LIMIT 50"),
                            runs)
    return {"seconds": seconds, "baseline": _median(bare_insert, 1), "page": page, "page_baseline": page_baseline,
            "count": len(ids), "migrated": migrated}


# --- the table

def _request_rows(measured: dict) -> list[str]:
    page = measured["page"]
    return [
        f"| opening it (migrations; a database of this version: none) | {measured['migrated']:.2f} s | — | — | "
        "an older database gets the requests tables and its schedule rebuilt once |",
        _row(f"send {measured['count']:,} requests at once (one transaction)", measured["seconds"], measured["baseline"], "s",
             "each checked, a link made and hashed, audited; the schedule refreshed once; baseline: bare insert "
             "of the same rows"),
        _row("page rerun: Requests (with them)", page["median"], measured["page_baseline"],
             note=f"first run {page['first'] * 1000:,.0f} ms; after a write {page['after_write'] * 1000:,.0f} ms; "
                  "baseline: bare SQL of its rows"),
    ]


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
    parser.add_argument("--load", default="1,10,25,50",
                        help="sessions at once against the largest scale's running app ('' to skip)")
    parser.add_argument("--api", action=argparse.BooleanOptionalAction, default=True,
                        help="the API's pages and webhook deliveries against the largest scale (tests/bench/api_run.py)")
    parser.add_argument("--only-requests", action="store_true",
                        help="measure only the requests rows (bulk send, Requests screen) at each scale")
    parser.add_argument("--only-shared", action="store_true",
                        help="measure only the shared sub-processor's rows (its screen, its concentration, an incident)")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"# Benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}), medians of {args.runs} runs\n")
    if args.only_requests:
        for parties in (int(s) for s in args.scales.split(",")):
            print(f"## {parties:,} parties", flush=True)
            print("\n".join(["| measure | tracker | baseline | ratio | note |", "|---|---|---|---|---|",
                             *_request_rows(_requests(_database(folder, parties), folder, args.runs))]) + "\n")
        return
    if args.only_shared:
        for parties in (int(s) for s in args.scales.split(",")):
            print(f"## {parties:,} parties", flush=True)
            path = _database(folder, parties)
            name = "Party (a shared sub-processor)"
            page = _pages(path, args.runs)[name]
            print("\n".join(["| measure | tracker | baseline | ratio | note |", "|---|---|---|---|---|",
                             _row(f"page rerun: {name}", page["median"], _page_baselines(path, args.runs)[name],
                                  note=f"first run {page['first'] * 1000:,.0f} ms; baseline: bare SQL of its links"),
                             *_concentration_rows(_concentration(path, args.runs))]) + "\n")
        return
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
        for name in baselines:
            lines.append(_row(f"page rerun right after a write: {name}", pages[name]["after_write"], baselines[name],
                              note="a contract saved just before: the gaps and what they feed recomputed"))
        lines.append(_row("full gap computation (uncached)", gap_seconds, gap_baseline, "s",
                          "baseline: bare SQL of the link facts"))
        lines.append(_row(f"Excel report ({report['rows']:,} rows, {report['size_mb']:.1f} MB)", report["seconds"],
                          report["dump_seconds"], "s", f"peak memory {report['max_rss_mb']:,.0f} MB; baseline: "
                          "the same cells dumped by the report's row writer (xlsx_rows), nothing else"))
        lines.append(_row("one addendum (ja + en)", addendum, addendum_baseline, "ms",
                          "baseline: bare python-docx document of 40 paragraphs"))
        lines.append(f"| app process peak memory | {pages['max_rss_mb']:,.0f} MB | — | — | every page above, one process |")
        lines += _concentration_rows(_concentration(path, args.runs))
        lines += _request_rows(_requests(path, folder, args.runs))
        print("\n".join(lines) + "\n", flush=True)
    if args.load:  # many people at once, against the largest registry (its own server process)
        print(f"## Many people at once: {parties:,} parties\n", flush=True)
        from .load import main as load

        load([str(path), "--sessions", args.load, "--think", "5", "--rounds", "2"])
        print()
    if args.api:
        print(f"## The API and webhooks: {parties:,} parties\n", flush=True)
        from .api_run import main as api_run

        api_run([str(path)])
        print()
    print("## Import of 10,000 ledger rows (5,000 parties, 5,000 engagements) into an empty database\n")
    print("| measure | tracker | baseline | ratio | note |\n|---|---|---|---|---|")
    print(f"| import: write lock held (others wait to save) | {imported['lock_seconds']:.2f} s | — | — | the one "
          "transaction that checks and applies the rows; reading the file holds no lock |")
    print(_row("import (checked, one transaction)", imported["seconds"], imported["read_seconds"], "s",
               "baseline: bare openpyxl read of the file"))


if __name__ == "__main__":
    main()
