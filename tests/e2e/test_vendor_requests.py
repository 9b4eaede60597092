"""A checksheet sent by an officer, answered by the vendor through its one-time link in a browser
that is not signed in, and accepted: the selection check records it, and the link is a receipt."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import files
from tests.conftest import context_for
from tests.e2e.streamlit_ui import choose, click, expander, fill, go, ja, pick, sign_in, wait_idle
from tracker.services import selection

ENTRUSTEE = "株式会社ペイロールサービス東日本"


def _answer_every_question(page) -> None:
    """The first option of every yes/no and choice question (はい, or the first certification)."""
    groups = page.locator("[data-testid=stMain]").get_by_role("radiogroup")  # not the language switch
    for index in range(groups.count()):
        group = groups.nth(index)
        for _ in range(3):  # a click landing while the previous rerun redraws is lost: check, and again
            wait_idle(page)
            if group.locator("input:checked").count():
                break
            group.locator("label[data-testid=stRadioOption]").first.click()
        expect(group.locator("input:checked")).to_have_count(1)


def test_an_officer_sends_a_checksheet_the_vendor_answers_by_link_and_it_becomes_the_selection_check(
        app, page, browser):
    url, db = app
    sign_in(page, url, path="requests")
    form = expander(page, ja("request.new"))
    fill(form, ja("contract.engagement_search"), "ペイロール")
    choose(form, ja("request.link"), ENTRUSTEE)
    choose(form, ja("request.set"), "委託先選定チェックシート")
    group = form.get_by_role("group", name=ja("request.due_on"), exact=True)
    group.get_by_role("spinbutton").first.click()
    page.keyboard.type("20261220")
    click(form, ja("request.send"))
    expect(page.get_by_text(ja("request.sent"))).to_be_visible()
    link = page.locator("code").filter(has_text="answer=").first.inner_text()
    token = re.search(r"answer=([\w-]+)", link).group(1)
    request_id = int(re.match(r"R(\d+)", link).group(1))

    vendor = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP").new_page()
    vendor.goto(f"{url}/?answer={token}")
    expect(vendor.get_by_role("heading", name="委託先選定チェックシート")).to_be_visible()
    expect(vendor.get_by_text(ENTRUSTEE).first).to_be_visible()
    expect(vendor.get_by_role("link", name=ja("nav.home"))).to_have_count(0)  # nothing else of the app
    click(vendor, ja("vendor.submit"))  # nothing answered: every required question says so, nothing sent
    expect(vendor.get_by_text(ja("error.answer.required")).first).to_be_visible()
    _answer_every_question(vendor)
    vendor.locator('input[type="file"]').first.set_input_files(
        {"name": "取扱規程.pdf", "mimeType": "application/pdf", "buffer": files.pdf("rules")})
    wait_idle(vendor)
    fill(vendor, ja("vendor.answered_by"), "情報システム部 回答 花子")
    click(vendor, ja("vendor.submit"))
    expect(vendor.get_by_text(ja("vendor.submitted"))).to_be_visible()
    expect(vendor.get_by_text(re.compile(ja("vendor.receipt", at="X")[:8]))).to_be_visible()
    vendor.goto(f"{url}/?answer={token}")  # the same link later: only the receipt
    expect(vendor.get_by_text("取扱規程.pdf")).to_be_visible()
    expect(vendor.get_by_role("button", name=ja("vendor.submit"))).to_have_count(0)

    go(page, ja("nav.home"))  # and back: the officer's list now has the answer to review
    go(page, ja("nav.requests"))
    choose(page, ja("request.open"), f"R{request_id} · {ja('request.state.answered')}")
    click(page, ja("request.accept"))  # without a result: refused, the answer stays to review
    expect(page.get_by_text(ja("error.selection.result_required"))).to_be_visible()
    pick(page, ja("selection.result"), ja("selection.result.approved"))
    click(page, ja("request.accept"))
    expect(page.get_by_text(ja("request.accepted"))).to_be_visible()
    from tracker.services import engagements

    link_id = next(r for r in engagements.search_engagements(context_for(db), text=ENTRUSTEE)[0]
                   if r["entrustee_name"] == ENTRUSTEE)["id"]
    latest = selection.selection_checks_of(context_for(db), link_id)[0]
    assert latest["result"] == "approved" and "report" in latest["methods"]

    for wrong in (token[:-3] + "xyz", "not-a-token"):
        vendor.goto(f"{url}/?answer={wrong}")
        expect(vendor.get_by_text(ja("vendor.refused"))).to_be_visible()
        expect(vendor.get_by_text(ENTRUSTEE)).to_have_count(0)
