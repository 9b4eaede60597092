"""A user makes an API token on its screen, and the company's system calls the API with it, on the
same server and port as the screens."""

from playwright.sync_api import expect

from tests.e2e.api_client import call
from tests.e2e.streamlit_ui import click, fill, ja, pick, sign_in


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

    status, parties = call(url, "/parties?limit=5", secret)
    assert status == 200 and len(parties["items"]) == 5
    status, refused = call(url, "/requests", secret, {"engagement": "E1", "set": "annual_report",
                                                       "due_on": "2026-12-20"})
    assert status == 403 and refused["status"] == 403
    status, _ = call(url, "/parties", secret + "x")
    assert status == 401
