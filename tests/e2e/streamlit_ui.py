"""Driving Streamlit widgets the way a user does: by their visible labels."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Locator, Page, expect
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


def _open_list(page: Page, box: Locator) -> list[str]:
    """Open the box's list and return its options' texts once it has stopped filling in."""
    options = page.get_by_role("option")
    for _ in range(4):  # a key can land before the box listens, or a late scroll can close the list
        box.focus()
        box.press("ArrowDown")  # opens the whole list, whatever the box shows now
        texts: list[str] = []
        for _ in range(10):
            page.wait_for_timeout(150)
            current = [text.strip() for text in options.all_inner_texts()]
            if current and current == texts:
                break
            texts = current
        if texts and box.get_attribute("aria-expanded") == "true":
            return texts
    raise AssertionError(f"the list of {box} did not open")


def choose(scope, label: str, option: str) -> None:
    """Pick ``option`` (its whole text, else the first that contains it) in the selectbox or
    multiselect labelled ``label``, with the keyboard as a user can: open the list, move to the
    option, Enter. (Clicking races the list's re-rendering, which detaches the options.)"""
    page = _page(scope)
    wait_idle(page)
    box = scope.get_by_role("combobox", name=label, exact=True)
    # The list is a popover that closes when the page scrolls: centre the box, let the scroll settle.
    box.evaluate("element => element.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    texts = _open_list(page, box)
    ids = page.get_by_role("option").evaluate_all("elements => elements.map(element => element.id)")
    target = texts.index(option) if option in texts else next(i for i, text in enumerate(texts) if option in text)
    for _ in range(len(texts) + 2):  # the active option is named by the box's aria-activedescendant
        active = box.get_attribute("aria-activedescendant")
        position = ids.index(active) if active in ids else None
        if position == target:
            break
        box.press("ArrowDown" if position is None or position < target else "ArrowUp")
    box.press("Enter")
    # A multiselect's list stays open and hides the rest of the page from the accessibility tree;
    # Escape closes it. A selectbox closes by itself, and Escape on it clears the choice just made,
    # so the kind of widget decides, never what happens to be on screen at that instant.
    if box.locator("xpath=ancestor::*[@data-testid='stMultiSelect']").count():
        page.keyboard.press("Escape")
    wait_idle(page)


def pick(scope, group: str, option: str) -> None:
    """Choose ``option`` of the radio group labelled ``group`` (nothing is chosen beforehand)."""
    wait_idle(_page(scope))
    scope.get_by_role("radiogroup", name=group, exact=True).get_by_text(option, exact=True).click()


def check_every_area(scope, result_key: str = "selection.result_area.ok") -> None:
    """Give each of the seven areas of a selection check or inspection a result, as the user must."""
    from tracker.domain.selection import AREAS

    for area in AREAS:
        pick(scope, ja(f"selection.area.{area}"), ja(result_key))


def click(scope, label: str) -> None:
    wait_idle(_page(scope))
    scope.get_by_role("button", name=label, exact=True).click()


def wait_idle(page: Page) -> None:
    """Wait for the rerun an action started to finish (as Streamlit's own browser tests do).

    A rerun starts within a moment of the action; one seen running is waited for until it ends, and
    if none is seen within 250 ms there was none (or it was over before it could be seen)."""
    app = page.locator('[data-testid="stApp"]')
    with contextlib.suppress(PlaywrightTimeout):
        app.and_(page.locator('[data-test-script-state="running"]')).wait_for(timeout=250)
    app.and_(page.locator('[data-test-script-state="notRunning"]')).wait_for(timeout=20_000)


def expander(page: Page, title: str) -> Locator:
    # by its own title (summary), not by text anywhere inside it
    box = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary").get_by_text(title, exact=True)).first
    details = box.locator("details")
    for _ in range(3):  # a rerun under way may redraw the expander closed just after the click opened it
        wait_idle(page)
        if details.get_attribute("open") is not None:
            break
        box.locator("summary").click()
        wait_idle(page)
    expect(details).to_have_attribute("open", re.compile(".*"))
    return box


def tab(page: Page, name: str) -> None:
    """Open a tab; a tab bar that builds only its open tab reruns the page first."""
    page.get_by_role("tab", name=name, exact=True).click()
    wait_idle(page)


DEMO_PASSWORDS = {"procurement": "demo-buyer-2026", "privacy": "demo-officer-2026", "manager": "demo-board-2026",
                  "admin": "demo-system-2026"}  # the demo database's accounts (README)


def sign_in(page: Page, url: str, username: str = "privacy", path: str = "") -> None:
    """Open ``url/path`` and sign in with a demo account; the requested screen then opens."""
    page.goto(f"{url}/{path}")
    notice = page.get_by_role("dialog")  # Streamlit's one-time notice on a fresh server's first deep link
    page.get_by_role("textbox", name=ja("sign_in.username")).wait_for()
    if notice.count():
        page.keyboard.press("Escape")
    page.get_by_role("textbox", name=ja("sign_in.username")).fill(username)
    page.get_by_role("textbox", name=ja("sign_in.password")).fill(DEMO_PASSWORDS[username])
    page.get_by_role("button", name=ja("sign_in.submit")).click()
    page.get_by_role("button", name=ja("sign_in.sign_out")).wait_for()
    wait_idle(page)


def go(page: Page, screen: str) -> None:
    """Open a screen from the sidebar, within the same session (a page load would start a new one)."""
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=screen, exact=True).click()
    wait_idle(page)
