"""`make serve`: two app processes on one database behind HAProxy. A browser keeps to its process
(its upload and its download are kept in that process's memory), and when that process is killed
the browser reaches the other one, signs in again and finds everything it saved; the killed
process is started again."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import copy_database
from tests.e2e.conftest import ROOT, _free_port, _wait_until_up
from tests.e2e.streamlit_ui import click, ja, sign_in, wait_idle
from tests.e2e.test_reports_and_import import ledger
from tracker.cluster import HEALTH
from tracker.store import connection

STARTED = re.compile(r"process (\d) \(app\d\) on 127\.0\.0\.1:(\d+), pid (\d+)")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, demo_template):
    db = tmp_path_factory.mktemp("serve") / "tracker.db"
    copy_database(demo_template, db)
    port = _free_port()
    log_path = tmp_path_factory.getbasetemp() / f"serve-{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "tracker"), "serve", "--workers", "2", "--host", "127.0.0.1", "--port",
         str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "TRACKER_DB": str(db), "TRACKER_TODAY": "2026-11-22"})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        _wait_for(lambda: log_path.read_text().count(" is UP") >= 2, 60)  # HAProxy sees both processes
        yield url, db, log_path
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_for(done, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.2)


def _pids(log_path: Path) -> dict[str, int]:
    """app name → pid of its latest start, from the cluster's own lines."""
    return {f"app{n}": int(pid) for n, _, pid in STARTED.findall(log_path.read_text())}


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _ports(log_path: Path) -> dict[str, int]:
    """app name → the port it listens on."""
    return {f"app{n}": int(port) for n, port, _ in STARTED.findall(log_path.read_text())}


def _node(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "tracker_node")


def test_a_browser_keeps_to_its_process_and_moves_when_it_dies(cluster, page):
    url, db, log_path = cluster
    sign_in(page, url, "procurement", path="import")
    node = _node(page)
    with page.expect_download() as template:  # kept in the memory of the session's process
        page.get_by_role("button", name=ja("import.template")).click()
    assert template.value.path().read_bytes()[:2] == b"PK"
    page.locator('input[type="file"]').set_input_files(files=[{  # and the upload must reach it too
        "name": "ledger.xlsx", "buffer": ledger(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    wait_idle(page)
    click(page, ja("import.confirm"))
    expect(page.get_by_text(ja("import.done"))).to_be_visible()
    assert _node(page) == node

    killed = _pids(log_path)[node]
    os.kill(killed, signal.SIGKILL)
    # the browser reconnects through the proxy to the other process, where its session is new: its
    # next click asks it to sign in again (a click made while the old connection was dying is lost,
    # and the user clicks again)
    username = page.get_by_role("textbox", name=ja("sign_in.username"))
    deadline = time.monotonic() + 60
    while not username.is_visible():
        assert time.monotonic() < deadline, "never asked to sign in again"
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=ja("nav.registry"), exact=True).click()
        with contextlib.suppress(AssertionError):
            expect(username).to_be_visible(timeout=5_000)
    sign_in(page, url, "procurement", path="registry")
    assert _node(page) != node
    page.get_by_role("textbox", name=ja("common.search")).fill("E2E取込")
    page.keyboard.press("Enter")
    expect(page.get_by_text(ja("common.page_of", total=1, start=1, end=1))).to_be_visible()  # saved before the kill
    with connection.reading(db) as conn:
        assert conn.execute("SELECT count(*) FROM parties WHERE name = 'E2E取込株式会社'").fetchone()[0] == 1

    _wait_for(lambda: _pids(log_path)[node] != killed, 30)  # started again, on its port, where HAProxy's
    _wait_for(lambda: _answers(f"http://127.0.0.1:{_ports(log_path)[node]}{HEALTH}"), 60)  # checks find it
