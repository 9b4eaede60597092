"""Every screen in Japanese and English at 1440×900, as a user sees it: each opens without an
error, with its title, and Streamlit's own words are not left in English on a Japanese screen. The
screenshots are written to $TRACKER_SCREENSHOTS (default: a folder in the system's temporary
directory, never in git) for a person to look at."""

import os
import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.streamlit_ui import go, sign_in, wait_idle
from tracker.i18n import t

SCREENS = ["nav.home", "nav.chain", "nav.approvals", "nav.schedule", "nav.reviews", "nav.selection",
           "nav.incidents", "nav.terminations", "nav.gaps", "nav.contracts", "nav.addenda", "nav.clauses",
           "nav.registry", "nav.party", "nav.reports", "nav.import_ledger", "nav.audit", "nav.users"]
STREAMLIT_ENGLISH = re.compile(r"Choose options|Choose an option|Drag and drop file|per file|\bUpload\b|Deploy")


def screenshot_folder() -> Path:
    folder = Path(os.environ.get("TRACKER_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tracker-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_screen_in_both_languages(app, page):
    url, _ = app
    page.set_viewport_size({"width": 1440, "height": 900})
    folder = screenshot_folder()
    for old in folder.glob("*.png"):  # this run's pictures only
        old.unlink()
    sign_in(page, url, "privacy")  # sees every screen with its forms (the users screen: below, as admin)
    shoot(page, folder, SCREENS[:-1])
    sign_in(page, url, "admin")  # a new session
    shoot(page, folder, SCREENS[-1:])
    assert len(list(folder.glob("*.png"))) >= 2 * len(SCREENS)


def shoot(page, folder: Path, screens: list[str]) -> None:
    for lang in ("ja", "en"):
        if lang == "en":
            page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
            wait_idle(page)
        for key in screens:
            go(page, t(key, lang))
            main = page.locator('[data-testid="stMain"]')
            expect(main.get_by_role("heading", level=1).first).to_be_visible()
            assert not page.locator('[class*="stException"]').count(), f"{key} ({lang})"
            if lang == "ja":
                assert not STREAMLIT_ENGLISH.search(main.inner_text()), f"{key}: Streamlit's English on a ja screen"
            page.screenshot(path=str(folder / f"{key.removeprefix('nav.')}-{lang}.png"), full_page=True)
    page.locator('[data-testid="stSidebar"]').get_by_text("日本語", exact=True).click()  # back, for who comes next
    wait_idle(page)
