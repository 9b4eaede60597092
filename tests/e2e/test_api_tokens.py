"""A user makes an API token on its screen, and the company's system calls the API with it, on the
same server and port as the screens."""

import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.e2e.streamlit_ui import click, fill, ja, pick, sign_in


def _call(url: str, path: str, secret: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}/api/v1{path}", data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def test_a_read_only_token_made_on_the_screen_reads_the_api_and_writes_nothing(app, page):
    url, _ = app
    sign_in(page, url, username="procurement", path="tokens")
    expect(page.get_by_role("heading", name=ja("tokens.title"))).to_be_visible()
    fill(page, ja("tokens.name"), "稟議ワークフロー")
    click(page, ja("tokens.create"))  # in a hurry: access not chosen
    expect(page.get_by_text(ja("error.required")).first).to_be_visible()
    pick(page, ja("tokens.access"), ja("tokens.read_only"))
    click(page, ja("tokens.create"))
    expect(page.get_by_text(ja("tokens.shown_once"))).to_be_visible()
    secret = page.locator('[data-testid="stCode"] code').inner_text().strip()
    assert secret.startswith("trk_")
    expect(page.get_by_test_id("stTableStyledTable").get_by_text("稟議ワークフロー", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stTableStyledTable").get_by_text(ja("tokens.read_only"))).to_be_visible()

    status, parties = _call(url, "/parties?limit=5", secret)
    assert status == 200 and len(parties["items"]) == 5
    status, refused = _call(url, "/requests", secret, {"engagement": "E1", "set": "annual_report",
                                                       "due_on": "2026-12-20"})
    assert status == 403 and refused["status"] == 403
    status, _ = _call(url, "/parties", secret + "x")
    assert status == 401
