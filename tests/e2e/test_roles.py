"""Each demo role signs in and sees only what it may do."""

import pytest
from playwright.sync_api import expect

from tests.e2e.streamlit_ui import go, ja, sign_in, wait_idle
from tracker.i18n import t

EVERYONE = ["nav.home", "nav.chain", "nav.approvals", "nav.schedule", "nav.reviews", "nav.selection", "nav.gaps",
            "nav.contracts", "nav.registry"]


@pytest.mark.parametrize(("user", "screens", "hidden", "edits", "decides"), [
    ("procurement", EVERYONE, ["nav.audit", "nav.users"], True, False),
    ("privacy", EVERYONE + ["nav.audit"], ["nav.users"], True, True),
    ("manager", EVERYONE + ["nav.audit"], ["nav.users"], False, False),
    ("admin", EVERYONE + ["nav.audit", "nav.users"], [], False, False),
])
def test_each_demo_role_sees_only_what_it_may_do(app, page, user, screens, hidden, edits, decides):
    url, _ = app
    sign_in(page, url, user, path="registry")
    navigation = page.locator('[data-testid="stSidebarNav"]')
    for key in screens:
        expect(navigation.get_by_role("link", name=ja(key), exact=True)).to_be_visible()
    for key in hidden:
        expect(navigation.get_by_role("link", name=ja(key), exact=True)).to_have_count(0)

    expect(page.get_by_role("heading", name=ja("nav.registry"))).to_be_visible()
    new_party = page.get_by_text(ja("party.new"), exact=True)
    if edits:
        expect(new_party).to_be_visible()
    else:
        expect(page.get_by_text(ja("common.read_only"))).to_be_visible()
        expect(new_party).to_have_count(0)

    go(page, ja("nav.approvals"))
    decide = page.get_by_role("button", name=ja("approval.decide"))
    if decides:
        expect(decide).to_be_visible()
    else:
        expect(page.get_by_text(ja("common.read_only"))).to_be_visible()
        expect(decide).to_have_count(0)


def test_clicking_the_chosen_language_keeps_it_and_the_page_works(app, page):
    """Found while testing the vendor page: clicking 日本語 while it was chosen deselected the switch,
    and setting the language back after the switch existed stopped the page with an exception."""
    url, _ = app
    sign_in(page, url, path="home")
    switch = page.locator('[data-testid="stSidebar"]')
    switch.get_by_text("日本語", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("StreamlitWidgetAlreadyInstantiatedError")).to_have_count(0)
    expect(page.get_by_role("heading", name=ja("home.title"))).to_be_visible()
    switch.get_by_text("English", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=t("home.title", "en"))).to_be_visible()
