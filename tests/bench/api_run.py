"""The API's figures beside their bare baselines, in one run (issue 29):

    python -m tests.bench.api_run DB [--clients 10] [--rounds 20] [--events 1000] [--workers 2] [--url PROXY]

On a copy of DB, `tracker serve` started here:
1. every engagement read page by page (limit 500) through GET /api/v1/engagements by one client
   over HTTP — beside the same pages' content read by bare SQL and json.dumps (and the engagements
   table alone);
2. one page's p50 / p95 with N clients at once reading pages anywhere, from the one process and
   from `tracker serve --workers 2` behind HAProxy (or through --url);
3. N webhook events delivered to a local receiver, signed, until the last is acknowledged;
4. the app killed (SIGKILL) a third of the way through delivering N events, then started again:
   every event delivered, copies only under the event's own webhook-id.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

import httpx
import orjson

from tracker.api import paging

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parents[2]


_ONE_TABLE = "SELECT * FROM engagements WHERE id > ? ORDER BY id LIMIT 500"
# the same page's content by bare SQL: the link with its business's and parties' names and its
# approval, then the names of the links on the page's paths (ids as the path keys give them)
_SAME_CONTENT = """SELECT e.id, e.ref, e.business_id, b.name AS business_name, e.tier, e.path_key,
    e.entruster_party_id, er.name AS entruster_name, e.entrustee_party_id, ee.name AS entrustee_name, e.work,
    e.status, e.data_categories, e.processing_countries, e.storage_countries, e.individuals_count, e.version,
    a.status AS approval_status, a.version AS approval_version
    FROM engagements e JOIN businesses b ON b.id = e.business_id JOIN parties ee ON ee.id = e.entrustee_party_id
    LEFT JOIN parties er ON er.id = e.entruster_party_id LEFT JOIN approvals a ON a.engagement_id = e.id
    WHERE e.id > ? ORDER BY e.id LIMIT 500"""
_PATH_NAMES = """SELECT e.id, e.ref, p.name FROM engagements e JOIN parties p ON p.id = e.entrustee_party_id
    WHERE e.id IN ({})"""


def _bare_pages(db: Path, same_content: bool) -> tuple[float, int]:
    """Every page by bare SQL, rows as dicts, then json.dumps: the engagements table alone
    (``same_content`` False), or the page's own content (names and paths: two queries)."""
    start, after, count = time.perf_counter(), 0, 0
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    while True:
        rows = conn.execute(_SAME_CONTENT if same_content else _ONE_TABLE, [after]).fetchall()
        if not rows:
            break
        items = [dict(r) for r in rows]
        if same_content:
            ids = sorted({int(i) for r in rows for i in r["path_key"].split("/")})
            names = {r[0]: dict(r) for r in conn.execute(_PATH_NAMES.format(",".join("?" * len(ids))), ids)}
            items.append(names)
        json.dumps(items, ensure_ascii=False)
        count += len(rows)
        after = rows[-1]["id"]
    conn.close()
    return time.perf_counter() - start, count


def _api_pages(base: str, headers: dict) -> tuple[float, int]:
    """Every engagement paged through GET /engagements?limit=500 by one client over HTTP (one
    connection kept open): the time the API took to answer, the client's parsing left out."""
    served, cursor, count = 0.0, None, 0
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        while True:
            start = time.perf_counter()
            answer = client.get("/api/v1/engagements", params={"limit": 500, **({"cursor": cursor} if cursor else {})})
            served += time.perf_counter() - start
            page = orjson.loads(answer.content)
            count += len(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
    return served, count


def _token(db: Path, username: str = "bench") -> str:
    from tracker.domain.permissions import Role
    from tracker.services import api_tokens, users
    from tracker.services.context import Actor, Context

    admin = Context(db, Actor("bench-admin", "Bench", Role.ADMIN), TODAY)
    if not any(u["username"] == username for u in users.list_users(admin)):
        users.create_user(admin, users.UserInput(username, "Bench", "manager", "", ""))
    return api_tokens.create_token(admin, f"bench-{time.time_ns()}", read_only=True, username=username).secret


@contextlib.contextmanager
def _served(db: Path, port: int, workers: int = 0, **env: str):
    """`tracker serve` on ``db`` until the block ends (or the caller kills it: the process is given);
    ``workers``: that many processes behind HAProxy (`make serve`), the proxy on ``port``."""
    from tests.bench.load import wait_until_up

    server = subprocess.Popen([str(Path(sys.executable).parent / "tracker"), "serve", "--host", "127.0.0.1",
                               "--port", str(port), *(["--workers", str(workers)] if workers else [])], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "TRACKER_DB": str(db), "TRACKER_TODAY": TODAY.isoformat(), **env})
    try:
        wait_until_up(port, workers or 1)
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=20)


def _concurrent(db: Path, secret: str, clients: int, rounds: int, base: str) -> list[float]:
    """Each of ``clients`` threads reads ``rounds`` pages of 500 at random places, all at once,
    from the app (or a proxy in front) at ``base``; the calls' times, sorted."""
    last_id = _last_engagement_id(db)
    times: list[float] = []
    lock = threading.Lock()

    def client(seed: int):
        pick = random.Random(seed)
        for _ in range(rounds):  # a page anywhere in the registry, as clients paging at once read
            cursor = paging.encode(pick.randrange(0, last_id))
            request = urllib.request.Request(f"{base}/api/v1/engagements?limit=500&cursor={cursor}",
                                             headers={"Authorization": f"Bearer {secret}"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
            with lock:
                times.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(times)


def _last_engagement_id(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT max(id) FROM engagements").fetchone()[0]
    finally:
        conn.close()


def _listing_this_machine(db: Path) -> Path:
    """A settings file that lets deliveries go to 127.0.0.1 (as an administrator lists an internal host)."""
    settings = db.parent / "bench-settings.toml"
    settings.write_text('[webhooks]\nprivate_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    os.environ["TRACKER_SETTINGS"] = str(settings)
    return settings


def _endpoint_with_events(db: Path, url: str, event, events: int) -> None:
    """An endpoint at ``url`` for ``event``, and that many events of it in the outbox."""
    from tracker.domain.permissions import Role
    from tracker.services import webhooks
    from tracker.services.context import Actor, Context
    from tracker.store import connection

    webhooks.add_endpoint(Context(db, Actor("a", "A", Role.ADMIN), TODAY), url, [event.value], allow_http=True)
    with connection.writing(db) as conn:
        for n in range(events):
            webhooks.emit(conn, event, {"n": n})


def _deliveries(db: Path, events: int) -> float:
    """Seconds to deliver ``events`` to a local receiver (the delivery runs in this process)."""
    from tests.services.test_webhooks import Receiver
    from tracker.domain.webhooks import Event
    from tracker.services import webhook_delivery

    receiver = Receiver()
    _listing_this_machine(db)
    try:
        _endpoint_with_events(db, receiver.url, Event.APPROVAL_DECIDED, events)
        start = time.perf_counter()
        while webhook_delivery.deliver_due(db, limit=100):
            pass
        elapsed = time.perf_counter() - start
        assert len(receiver.received) == events, len(receiver.received)
        return elapsed
    finally:
        receiver.close()


def _killed_mid_delivery(db: Path, events: int) -> str:
    """`tracker serve` killed (SIGKILL) a third of the way through delivering ``events``, then started
    again: how many were delivered in all, how many more than once, and whether every copy of an
    event carried the event's one webhook-id."""
    from tests.services.test_webhooks import Receiver
    from tracker.domain.webhooks import Event

    receiver = Receiver(delay=0.01)
    settings = _listing_this_machine(db)
    try:
        _endpoint_with_events(db, receiver.url, Event.REQUEST_ANSWERED, events)
        with _served(db, 8598, TRACKER_SETTINGS=str(settings)) as server:
            _wait(lambda: len(receiver.received) >= events // 3, 120)
            server.kill()
            server.wait()
        before = len(receiver.received)
        start = time.perf_counter()
        with _served(db, 8598, TRACKER_SETTINGS=str(settings)):
            _wait(lambda: len({h["webhook-id"] for h, _ in receiver.received}) >= events, 300)
        ids_of: dict[int, set[str]] = {}
        for headers, body in receiver.received:
            ids_of.setdefault(json.loads(body)["data"]["n"], set()).add(headers["webhook-id"])
        twice = len(receiver.received) - len(ids_of)
        one_id = all(len(ids) == 1 for ids in ids_of.values())
        return (f"killed after {before:,} of {events:,} deliveries; after the restart all {len(ids_of):,} delivered "
                f"in {time.perf_counter() - start:.0f} s, {twice} sent twice, "
                f"{'each under its event' + chr(39) + 's one webhook-id' if one_id else 'SOME UNDER ANOTHER ID'}")
    finally:
        receiver.close()


def _wait(done, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the deliveries did not arrive in time")
        time.sleep(0.1)


def _print_at_once(times: list[float], clients: int, where: str) -> None:
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"one page (500) with {clients} clients at once{where}, {len(times)} calls: "
          f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--url", default="", help="the clients at once go through this (make serve's proxy) "
                                                  "instead of the app started here")
    parser.add_argument("--workers", type=int, default=2,
                        help="the clients at once also through this many processes behind HAProxy (make serve), "
                             "started here on the same copy; 0: not")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "api.db"
        from tests.conftest import copy_database
        from tracker.services import setup

        copy_database(args.db, db)
        setup.initialise(db)  # migrations added since the registry was built
        os.environ["TRACKER_DB"], os.environ["TRACKER_TODAY"] = str(db), TODAY.isoformat()
        secret = _token(db)
        one_table, rows = _bare_pages(db, same_content=False)
        bare, _ = _bare_pages(db, same_content=True)
        with _served(db, 8599):
            base = "http://127.0.0.1:8599"
            api, seen = _api_pages(base, {"Authorization": f"Bearer {secret}"})
            times = _concurrent(db, secret, args.clients, args.rounds, args.url or base)
        behind_proxy = []
        if args.workers:
            with _served(db, 8598, workers=args.workers):
                proxy = "http://127.0.0.1:8598"
                _concurrent(db, secret, args.clients, 1, proxy)  # each fresh process's first calls (not counted)
                behind_proxy = _concurrent(db, secret, args.clients, args.rounds, proxy)
        print(f"engagements paged by 500 over HTTP: {seen:,} in {api:.1f} s; bare SQL of the same content "
              f"+ json.dumps in {bare:.1f} s (ratio {api / bare:.1f}×); the engagements table alone "
              f"({rows:,} rows) in {one_table:.1f} s (ratio {api / one_table:.1f}×)")
        _print_at_once(times, args.clients, f" through {args.url}" if args.url else ", one process")
        if behind_proxy:
            _print_at_once(behind_proxy, args.clients, f", {args.workers} processes behind HAProxy")
        print(f"{args.events:,} webhook events delivered to a local receiver in {_deliveries(db, args.events):.1f} s")
        print(f"kill -9 mid-delivery: {_killed_mid_delivery(db, args.events)}")


if __name__ == "__main__":
    main()
