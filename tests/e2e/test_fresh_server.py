"""A deep link opened first on a freshly started server (its own server, which creates its database and loads the demo: no visit before)."""

from playwright.sync_api import expect

from tests.e2e.streamlit_ui import sign_in, ja


def test_deep_link_on_a_fresh_server_runs_inside_the_frame(fresh_app_server, page):
    url, _ = fresh_app_server
    sign_in(page, url, path="chain")
    expect(page.get_by_role("heading", name=ja("chain.title"))).to_be_visible()
    # The very first session of a fresh server gets Streamlit's one-time "Page not found" notice
    # (it checks the legacy pages/ folder before app.py declares the pages); the right page
    # renders behind it all the same, inside the frame.
    expect(page.get_by_role("radiogroup", name="表示言語 / Language")).to_be_visible()
