"""The API's figures beside their bare baselines, in one run (issue 29):

    python -m tests.bench.api_run DB [--clients 10] [--rounds 20] [--events 1000]

1. every engagement read page by page (limit 500) through GET /api/v1/engagements, in process
   (FastAPI, the services, JSON) — beside the same pages read by bare SQL and json.dumps;
2. one page's p50 / p95 with N clients at once against `tracker serve` on a copy of DB;
3. N webhook events delivered to a local receiver, signed, until the last is acknowledged.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
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

import orjson

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


def _api_pages(client, headers) -> tuple[float, int]:
    """The time the API took to serve the pages (the client's parsing of them left out)."""
    served, cursor, count = 0.0, None, 0
    while True:
        start = time.perf_counter()
        answer = client.get("/engagements", params={"limit": 500, **({"cursor": cursor} if cursor else {})},
                            headers=headers)
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


def _concurrent(db: Path, secret: str, clients: int, rounds: int) -> list[float]:
    port = 8599
    env = {**os.environ, "TRACKER_DB": str(db), "TRACKER_TODAY": TODAY.isoformat()}
    server = subprocess.Popen([str(Path(sys.executable).parent / "tracker"), "serve", "--host", "127.0.0.1",
                               "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/engagements?limit=500"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        times: list[float] = []
        lock = threading.Lock()

        def client():
            for _ in range(rounds):
                request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})
                start = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as answer:
                    answer.read()
                with lock:
                    times.append(time.perf_counter() - start)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sorted(times)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _deliveries(db: Path, events: int) -> float:
    from tests.services.test_webhooks import Receiver
    from tracker.domain.permissions import Role
    from tracker.domain.webhooks import Event
    from tracker.services import webhook_delivery, webhooks
    from tracker.services.context import Actor, Context
    from tracker.store import connection

    receiver = Receiver()
    settings = db.parent / "bench-settings.toml"
    settings.write_text('[webhooks]\nprivate_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    os.environ["TRACKER_SETTINGS"] = str(settings)
    try:
        webhooks.add_endpoint(Context(db, Actor("a", "A", Role.ADMIN), TODAY), receiver.url,
                              [Event.APPROVAL_DECIDED.value], allow_http=True)
        with connection.writing(db) as conn:
            for n in range(events):
                webhooks.emit(conn, Event.APPROVAL_DECIDED, {"engagement": f"E{n}", "decision": "approved"})
        start = time.perf_counter()
        while webhook_delivery.deliver_due(db, limit=100):
            pass
        elapsed = time.perf_counter() - start
        assert len(receiver.received) == events, len(receiver.received)
        return elapsed
    finally:
        receiver.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "api.db"
        from tests.conftest import copy_database
        from tracker.services import setup

        copy_database(args.db, db)
        setup.initialise(db)  # migrations added since the registry was built
        os.environ["TRACKER_DB"], os.environ["TRACKER_TODAY"] = str(db), TODAY.isoformat()
        from fastapi.testclient import TestClient

        from tracker.api.app import create_api

        secret = _token(db)
        client = TestClient(create_api())
        headers = {"Authorization": f"Bearer {secret}"}
        one_table, rows = _bare_pages(db, same_content=False)
        bare, _ = _bare_pages(db, same_content=True)
        api, seen = _api_pages(client, headers)
        print(f"engagements paged by 500: {seen:,} via the API in {api:.1f} s; bare SQL of the same content "
              f"+ json.dumps in {bare:.1f} s (ratio {api / bare:.1f}×); the engagements table alone "
              f"({rows:,} rows) in {one_table:.1f} s (ratio {api / one_table:.1f}×)")
        times = _concurrent(db, secret, args.clients, args.rounds)
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"one page (500) with {args.clients} clients at once, {len(times)} calls: "
              f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
        print(f"{args.events:,} webhook events delivered to a local receiver in {_deliveries(db, args.events):.1f} s")


if __name__ == "__main__":
    main()
