"""The real app in a real browser: Streamlit on a free port with a temporary database, driven by
Playwright in Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import copy_database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not come up in {timeout}s")


def _start(tmp_path_factory, template: Path | None):
    """Start the app as the README does, on its own database (a copy of ``template``, or none, so the
    app creates it and loads the demo itself); yield (base url, database path)."""
    db = tmp_path_factory.mktemp("e2e") / "tracker.db"
    if template is not None:
        copy_database(template, db)
    port = _free_port()
    env = {**os.environ, "TRACKER_DB": str(db), "TRACKER_TODAY": "2026-11-22"}  # the demo data's "today"
    log = (tmp_path_factory.getbasetemp() / f"streamlit-{port}.log").open("w")
    process = subprocess.Popen(  # `make run`'s command: the screens and the API in one process
        [str(Path(sys.executable).parent / "tracker"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url, db
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, demo_template):
    """The app on a fresh copy of the demo database (loading the demo on each start costs seconds)."""
    yield from _start(tmp_path_factory, demo_template)


@pytest.fixture(scope="module")
def fresh_app_server(tmp_path_factory):
    """The app on no database at all: it creates one and loads the demo, as on a user's first start."""
    yield from _start(tmp_path_factory, None)


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium not found: `make test` installs Debian's chromium package")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # a first rerun on a cold server can take seconds

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app(app_server, browser):
    """The server after one visit to its front page: Streamlit has learnt the pages from app.py,
    so deep links no longer meet its one-time "Page not found" notice (see test_fresh_server)."""
    url, _ = app_server
    context = browser.new_context()
    warm = context.new_page()
    warm.goto(url)
    warm.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=60_000)
    context.close()
    return app_server


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
