"""Many people at once: N sessions against the running app over its own protocol (Streamlit's
websocket messages, as a browser sends them; not AppTest, not N browsers). Each session signs in,
then goes round Home, a Registry search, the Chain of the largest business and Gaps; meanwhile
someone saves a contract now and then (through the services, as the app's own save does). Prints
p50 / p95 rerun time, the server's CPU per rerun and each process's memory for each N.

    python -m tests.bench.load DATABASE [--sessions 1,10,25,50] [--rounds 3] [--think 0,5] [--workers N]
                                        [--vendors 100 --within 300] [--app CHECKOUT]

``--vendors N``: meanwhile (in the rows of more than one session; one alone is the baseline) N
vendors open a one-time link each (the vendor page, over the same protocol), answer a sub-processor
declaration and submit it, arriving within ``--within`` seconds.

The app is `tracker serve` (``--workers N``: N processes behind HAProxy, as `make serve` starts
them); the server CPU per rerun is the CPU time of the app processes over the run ÷ its reruns.
"""

from __future__ import annotations

import argparse
import contextlib
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tracker.cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 22)
USER, PASSWORD = "bench-load", "many people at once, 2026"


class Session:
    """One browser tab: a websocket, the widgets the last run drew, the pages of the app."""

    def __init__(self, url: str):
        self.url = url
        self.widgets: dict[tuple[str, str], str] = {}  # (kind, label) → widget id
        self.pages: dict[str, str] = {}  # url path → page script hash
        self.page = ""
        self.socket = None

    async def open(self) -> None:
        # no keepalive pings: an overloaded server answers late, and that is the figure, not an error
        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=2 ** 26,
                                               ping_interval=None)

    async def run(self, widgets: dict[str, tuple[str, object]] | None = None, page: str | None = None,
                  query: str = "") -> float:
        """One rerun (with ``widgets``: id → (kind, value); ``query``: the page's query string, as a
        vendor's link gives it); returns its seconds, from the message sent to the script's end as the
        server reports it."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        # the default page (Home) has an empty path
        state.page_script_hash = (self.pages.get(page) or self.pages.get("", "")) if page else self.page
        for widget_id, (kind, value) in (widgets or {}).items():
            item = state.widget_states.widgets.add()
            item.id = widget_id
            if kind == "trigger":
                item.trigger_value = True
            else:  # text, and a radio's choice by its label
                item.string_value = value
        self.widgets = {}
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.socket.recv())
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":  # a page that failed is not a fast page
                    raise RuntimeError(f"the app raised: {element.exception.message}")
                if which in ("text_input", "button", "selectbox", "radio"):
                    widget = getattr(element, which)
                    self.widgets.setdefault((which, widget.label), widget.id)  # the first of a label
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
                self.page = forward.navigation.page_script_hash
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.widgets = {}  # st.rerun(): the next run follows, and counts in this one
                    continue
                return time.perf_counter() - started

    def widget(self, kind: str, label: str) -> str:
        return self.widgets[(kind, label)]


async def signed_in(url: str) -> Session:
    """A browser tab that has signed in."""
    from tracker.i18n import t

    session = Session(url)
    await session.open()
    await session.run()
    await session.run({session.widget("text_input", t("sign_in.username")): ("string", USER),
                       session.widget("text_input", t("sign_in.password")): ("string", PASSWORD),
                       session.widget("button", t("sign_in.submit")): ("trigger", None)})
    return session


async def user(session: Session, rounds: int, search: str, timings: list[float], think: float, seed: int) -> int:
    """A person, signed in, goes round the screens, pausing ``think`` seconds (on average) between
    clicks as people do (0: clicks back to back, a stress test); returns how many reruns it made."""
    from tracker.i18n import t

    pause = random.Random(seed)

    async def then(seconds: float) -> float:
        if think:
            await asyncio.sleep(pause.uniform(0.5, 1.5) * think)
        return seconds

    await asyncio.sleep(pause.uniform(0, think))  # people do not all start in the same second
    for _ in range(rounds):
        timings.append(await then(await session.run(page="home")))
        await session.run(page="registry")
        timings.append(await then(await session.run(
            {session.widget("text_input", t("common.search")): ("string", search)})))
        timings.append(await then(await session.run(page="chain")))
        timings.append(await then(await session.run(page="gaps")))
    return rounds * 5


async def vendor(url: str, token: str, timings: list[float], within: float, seed: int) -> None:
    """A vendor's staff member: opens the one-time link some time within ``within`` seconds, answers
    the sub-processor declaration ("none") with their name, and submits."""
    from tracker.domain.answers import YES_NO_LABELS
    from tracker.i18n import t

    await asyncio.sleep(random.Random(seed).uniform(0, within))
    session = Session(url)
    await session.open()
    try:
        timings.append(await session.run(query=f"answer={token}"))
        asked = next(widget_id for (kind, _), widget_id in session.widgets.items() if kind == "radio")
        timings.append(await session.run({
            asked: ("string", YES_NO_LABELS["no"][0]),
            session.widget("text_input", t("vendor.answered_by")): ("string", "負荷試験 回答者"),
            session.widget("button", t("vendor.submit")): ("trigger", None)}, query=f"answer={token}"))
    finally:
        await session.socket.close()


def vendor_links(database: Path, count: int) -> list[str]:
    """One-time links of ``count`` sub-processor declarations, sent to active links that have none open."""
    from urllib.parse import parse_qs, urlparse

    from tracker.domain.permissions import Role
    from tracker.services import requests
    from tracker.services.context import Actor, Context
    from tracker.services.requests import RequestDraft
    from tracker.store import connection

    ctx = Context(database, Actor("bench-officer", "負荷 担当", Role.PRIVACY_OFFICER), TODAY)
    with connection.reading(database) as db:
        ids = [r[0] for r in db.execute(
            """SELECT e.id FROM engagements e WHERE e.status = 'active' AND NOT EXISTS (
                   SELECT 1 FROM requests r WHERE r.engagement_id = e.id AND r.set_id = 'subprocessors')
               ORDER BY e.id LIMIT ?""", [count])]
    links = [requests.create_request(ctx, RequestDraft(i, "subprocessors", date(2027, 1, 31), "負荷 太郎")).link
             for i in ids]
    return [parse_qs(urlparse(link).query)["answer"][0] for link in links]


def answered(database: Path) -> int:
    """How many of the benchmark's declarations were submitted."""
    from tracker.store import connection

    with connection.reading(database) as db:
        return db.execute("SELECT count(*) FROM requests WHERE set_id = 'subprocessors' AND state = 'answered' "
                          "AND contact_name = '負荷 太郎'").fetchone()[0]


def saver(database: Path, stop: asyncio.Event) -> asyncio.Task:
    """Someone saves a contract every two seconds while the sessions run."""
    from tracker.domain.permissions import Role
    from tracker.services import contracts
    from tracker.services.context import Actor, Context
    from tracker.services.contracts import ContractInput

    ctx = Context(database, Actor("bench-saver", "保存する人", Role.PROCUREMENT), TODAY)

    async def loop() -> None:
        n = 0
        while not stop.is_set():
            row = contracts.get_contract(ctx, 1)
            contracts.update_contract(ctx, 1, row["version"], ContractInput(
                row["title"], row["kind"], row["signed_on"] and date.fromisoformat(row["signed_on"]),
                row["valid_until"] and date.fromisoformat(row["valid_until"]), bool(row["auto_renewal"]),
                f"load {n}", row["report_interval_months"]))
            n += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 2.0)

    return asyncio.get_running_loop().create_task(loop())


def memory_mb(pid: int) -> tuple[float, float]:
    """(now, peak) resident memory of a process, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def ensure_user(database: Path) -> None:
    from tracker.domain.permissions import Role
    from tracker.services import users
    from tracker.services.context import Actor, Context
    from tracker.services.users import UserInput

    ctx = Context(database, Actor("bench-admin", "ベンチ 管理者", Role.ADMIN), TODAY)
    if USER not in {u["username"] for u in users.list_users(ctx)}:
        users.create_user(ctx, UserInput(USER, "負荷 試験", Role.PRIVACY_OFFICER.value, "", PASSWORD))


@dataclass
class Vendors:
    """Vendors answering while the officers work: their links, the seconds they arrive within, and
    what happened (their reruns' times, the errors met)."""

    tokens: list[str]
    within: float
    timings: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def arrive(self, url: str) -> None:
        done = await asyncio.gather(*(vendor(url, token, self.timings, self.within, n)
                                      for n, token in enumerate(self.tokens)), return_exceptions=True)
        self.errors += [repr(e) for e in done if isinstance(e, BaseException)]


async def measure(url: str, database: Path, sessions: int, rounds: int, search: str, think: float,
                  processes: list[int] | None = None,
                  vendors: Vendors | None = None) -> tuple[list[float], float, list[tuple[float, float]]]:
    """Every session's click times, the app processes' CPU seconds per rerun while they clicked (the
    sign-ins before, with their argon2, left out), and each process's memory read while every session
    is still signed in; ``vendors`` arrive meanwhile."""
    processes = processes or []
    timings: list[float] = []
    stop = asyncio.Event()
    saving = saver(database, stop)
    opened = await asyncio.gather(*(signed_in(url) for _ in range(sessions)))
    used = cpu_seconds(processes)
    arriving = asyncio.get_running_loop().create_task(vendors.arrive(url)) if vendors else None
    reruns = await asyncio.gather(*(user(session, rounds, search, timings, think, n)
                                    for n, session in enumerate(opened)))
    if arriving:
        await arriving
    per_rerun = (cpu_seconds(processes) - used) / (sum(reruns) + (len(vendors.timings) if vendors else 0))
    stop.set()
    await saving
    held = [memory_mb(pid) for pid in processes]
    for session in opened:
        await session.socket.close()
    return timings, per_rerun, held


def app_processes(root_pid: int) -> list[int]:
    """The app processes under ``root_pid``: itself for `tracker serve`, its children running
    `tracker serve` for `tracker serve --workers N` (HAProxy left out), from /proc."""
    def children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
        return found

    apps = [pid for pid in children(root_pid)
            if b"serve" in Path(f"/proc/{pid}/cmdline").read_bytes() and b"haproxy" not in
            Path(f"/proc/{pid}/cmdline").read_bytes()]
    return apps or [root_pid]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--sessions", default="1,10,25,50")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--search", default="合成サービス0012")
    parser.add_argument("--think", default="0,5", help="seconds between a person's clicks, on average (0: none)")
    parser.add_argument("--vendors", type=int, default=0,
                        help="this many vendors open a one-time link and submit a declaration meanwhile")
    parser.add_argument("--within", type=float, default=300, help="seconds the vendors arrive within")
    parser.add_argument("--workers", type=int, default=0,
                        help="app processes behind HAProxy (tracker serve --workers N); 0: one process, no proxy")
    parser.add_argument("--app", type=Path, default=ROOT,
                        help="the checkout whose app is served (another commit's worktree: before and after in "
                             "one run, with this driver)")
    args = parser.parse_args(argv)
    ensure_user(args.database)
    port = free_port()
    env = {**os.environ, "TRACKER_DB": str(args.database), "TRACKER_TODAY": TODAY.isoformat(), "TRACKER_DEMO": "0"}
    if args.app.resolve() != ROOT:
        env["PYTHONPATH"] = str(args.app.resolve())  # its tracker package, not this one's
    command = [sys.executable, "-m", "tracker.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command + (["--workers", str(args.workers)] if args.workers else []), cwd=args.app,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        wait_until_up(port, args.workers or 1)
        apps = app_processes(server.pid)
        for _ in range(max(1, args.workers)):  # warm each process: the first run fills the caches
            asyncio.run(measure(url, args.database, 1, 1, args.search, 0))
        where = f"{args.workers} processes behind HAProxy" if args.workers else "one process"
        print(f"# Load ({os.cpu_count()} CPUs, {where}): each session signs in, then {args.rounds} rounds of "
              "Home, Registry search, Chain, Gaps; a contract saved every 2 s meanwhile\n")
        print("| sessions | pause between clicks | reruns | p50 | p95 | max | server CPU per rerun | memory per process, "
              "all signed in / peak |\n|---|---|---|---|---|---|---|---|")
        for think in (float(n) for n in args.think.split(",")):
            for count in (int(n) for n in args.sessions.split(",")):
                # one person alone is the baseline: vendors come with the rows of several sessions
                vendors = Vendors(vendor_links(args.database, args.vendors), args.within) \
                    if args.vendors and count > 1 else None
                before = answered(args.database)
                timings, per_rerun, held = asyncio.run(measure(url, args.database, count, args.rounds, args.search,
                                                               think, apps, vendors))
                ordered = sorted(timings)
                p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
                memory = ", ".join(f"{now:,.0f} / {peak:,.0f} MB" for now, peak in held)
                print(f"| {count} | {think:g} s | {len(timings)} | {statistics.median(timings) * 1000:,.0f} ms | "
                      f"{p95 * 1000:,.0f} ms | {ordered[-1] * 1000:,.0f} ms | {per_rerun * 1000:,.0f} ms | {memory} |",
                      flush=True)
                if vendors:
                    theirs = sorted(vendors.timings)
                    print(f"|   with {len(vendors.tokens)} vendors within {args.within:g} s: "
                          f"{answered(args.database) - before:,} declarations submitted, {len(vendors.errors)} errors "
                          f"{vendors.errors[:3]}; their reruns p50 {statistics.median(theirs) * 1000:,.0f} ms, "
                          f"p95 {theirs[min(len(theirs) - 1, int(len(theirs) * 0.95))] * 1000:,.0f} ms | | | | | | | |",
                          flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(port: int, processes: int) -> None:
    """Until the app (or the proxy and every process behind it) answers."""
    import urllib.request

    deadline = time.monotonic() + 120
    answered = 0
    while answered < processes * 3 and time.monotonic() < deadline:  # a proxy spreads the checks
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            answered += 1
        except OSError:
            time.sleep(0.3)
    time.sleep(3 if processes > 1 else 0)  # HAProxy's own health checks see every process up


if __name__ == "__main__":
    main()
