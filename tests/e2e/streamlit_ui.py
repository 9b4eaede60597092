"""Driving Streamlit widgets the way a user does: by their visible labels."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tracker.i18n import t


def ja(key: str, **params) -> str:
    """The Japanese label the user sees, from the same catalogue the app uses."""
    return t(key, "ja", **params)


def _page(scope: Locator | Page) -> Page:
    return scope.page if isinstance(scope, Locator) else scope


def fill(scope, label: str, text: str) -> None:
    wait_idle(_page(scope))  # never type into a page that is still rendering
    box = scope.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_idle(_page(scope))


def choose(scope, label: str, option: str) -> None:
    """Pick ``option`` (its whole text, else the first that contains it) in the selectbox or multiselect labelled ``label``."""
    page = _page(scope)
    wait_idle(page)  # a rerun finishing under an open list would detach its options
    box = scope.get_by_role("combobox", name=label, exact=True)
    # The list is a popover that closes when the page scrolls: centre the box first so that the
    # options open in view and clicking one needs no scrolling.
    box.evaluate("element => element.scrollIntoView({block: 'center'})")
    options = page.get_by_role("option")
    for _ in range(3):  # right after a rerun the key can land before the box listens: press again
        box.focus()
        box.press("ArrowDown")  # opens the whole list, whatever the box shows now
        try:
            options.first.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:
            continue
    options.first.wait_for()
    exact = options.filter(has_text=re.compile(f"^\\s*{re.escape(option)}\\s*$"))
    (exact if exact.count() else options.filter(has_text=option)).first.click()
    # A multiselect's list stays open and hides the rest of the page from the accessibility tree;
    # Escape closes it. Never press it on a closed selectbox: there it clears the choice just made.
    listbox = page.get_by_role("listbox")
    if listbox.count() and listbox.first.is_visible():
        page.keyboard.press("Escape")
    wait_idle(page)


def click(scope, label: str) -> None:
    wait_idle(_page(scope))
    scope.get_by_role("button", name=label, exact=True).click()


def wait_idle(page: Page) -> None:
    """Wait for the rerun an action started to finish (as Streamlit's own browser tests do)."""
    page.wait_for_timeout(250)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=20_000)


def expander(page: Page, title: str) -> Locator:
    box = page.locator('[data-testid="stExpander"]').filter(has_text=title).first
    summary = box.locator("summary")
    if box.locator("details").get_attribute("open") is None:
        summary.click()
    return box


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
