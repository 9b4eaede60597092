"""A vendor fills every answer and name with Markdown and HTML in a real browser; on its receipt and on
the officer's review nothing of it is interpreted: no image is requested, no link made, no tag drawn
(issue 25, point 1)."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests import files
from tests.conftest import TODAY, context_for
from tests.e2e.streamlit_ui import click, fill, ja, sign_in, wait_idle
from tests.e2e.test_vendor_requests import _answer_every_question
from tracker.services import request_answers, requests
from tracker.services.requests import RequestDraft
from tracker.store import connection

LEAK = "http://127.0.0.1:9"  # nothing listens there; a request to it is the proof of interpretation
HOSTILE = f"![画像]({LEAK}/leak.png) [リンク]({LEAK}/) <img src='{LEAK}/x.png'> <b>太字</b> **強調**"


def _assert_nothing_interpreted(page, leaks: list[str], where: str) -> None:
    app = page.locator('[data-testid="stApp"]')
    expect(app.get_by_text("画像").first).to_be_visible()  # the hostile text is there, as text
    assert not app.locator(f'img[src^="{LEAK}"], a[href^="{LEAK}"]').count(), where
    assert not app.locator("strong, b").filter(has_text=re.compile(r"^(太字|強調)$")).count(), where
    assert not leaks, (where, leaks)


def _fill_until_kept(vendor, main) -> None:
    """Every free-text answer the hostile text, every choice answered. An input made while an earlier
    one's rerun redraws the form can be lost (as the first browser test knows of clicks): the form is
    read again until every answer holds."""
    areas = main.locator("textarea")
    for _ in range(5):
        wait_idle(vendor)
        lost = [i for i in range(areas.count()) if areas.nth(i).input_value() != HOSTILE]
        for index in lost:
            areas.nth(index).fill(HOSTILE)
            areas.nth(index).press("Tab")
            wait_idle(vendor)
        _answer_every_question(vendor)
        vendor.wait_for_timeout(500)
        if not lost and all(areas.nth(i).input_value() == HOSTILE for i in range(areas.count())):
            return
    raise AssertionError("answers did not hold")


def _request(db, set_id: str) -> tuple[int, str]:
    ctx = context_for(db)
    with connection.reading(db) as read:
        link = read.execute("SELECT id FROM engagements WHERE status = 'active' AND tier = 1 ORDER BY id").fetchone()[0]
    issued = requests.create_request(ctx, RequestDraft(link, set_id, TODAY + timedelta(days=30), "回答 花子", ""))
    return issued.request_id, re.search(r"answer=([\w-]+)", issued.link).group(1)


def _declared_by_service(db, token: str) -> None:
    """A declaration whose table rows hold the hostile text (the grid is typed in elsewhere)."""
    view = request_answers.open_link(db, token, "192.0.2.1", TODAY).view()
    row = {"name": HOSTILE[:90], "corporate_number": "", "work": HOSTILE[:90], "data": HOSTILE[:90],
           "processing_country": "JP", "storage_country": "JP", "since": "", "subsidiary": "no"}
    request_answers.open_link(db, token, "192.0.2.1", TODAY).submit(view.version,
                           {"has_subprocessors": "yes", "subprocessors": [row]}, HOSTILE[:100])


def test_markup_typed_by_a_vendor_stays_text_on_its_receipt_and_on_our_review(app, page, browser):
    url, db = app
    checksheet, token = _request(db, "selection")
    declaration, declaration_token = _request(db, "subprocessors")
    _declared_by_service(db, declaration_token)
    leaks: list[str] = []

    vendor = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP").new_page()
    vendor.set_default_timeout(20_000)
    vendor.on("request", lambda request: leaks.append(request.url) if request.url.startswith(LEAK) else None)
    vendor.goto(f"{url}/?answer={token}")
    wait_idle(vendor)
    main = vendor.locator("[data-testid=stMain]")
    main.locator('input[type="file"]').first.set_input_files(
        {"name": "![画像](leak.png) <b>太字</b>.pdf", "mimeType": "application/pdf", "buffer": files.pdf("hostile")})
    wait_idle(vendor)
    _fill_until_kept(vendor, main)
    fill(vendor, ja("vendor.answered_by"), HOSTILE[:100])
    click(vendor, ja("vendor.submit"))
    expect(vendor.get_by_text(ja("vendor.submitted"))).to_be_visible()
    vendor.goto(f"{url}/?answer={token}")  # the receipt
    wait_idle(vendor)
    _assert_nothing_interpreted(vendor, leaks, "receipt")
    vendor.goto(f"{url}/?answer={declaration_token}")
    wait_idle(vendor)
    _assert_nothing_interpreted(vendor, leaks, "declaration receipt")

    page.on("request", lambda request: leaks.append(request.url) if request.url.startswith(LEAK) else None)
    for request_id in (checksheet, declaration):
        sign_in(page, url, path=f"requests?request={request_id}")
        wait_idle(page)
        expect(page.get_by_role("button", name=ja("request.accept"))).to_be_visible()
        _assert_nothing_interpreted(page, leaks, f"review of R{request_id}")
