"""A checksheet sent by an officer, answered by the vendor through its one-time link in a browser
that is not signed in, and accepted: the selection check records it, and the link is a receipt."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from tests import files
from tests.conftest import context_for
from tests.e2e.streamlit_ui import choose, click, expander, fill, go, ja, pick, sign_in, wait_idle
from tracker.services import selection

ENTRUSTEE = "株式会社ペイロールサービス東日本"


def _answer_every_question(page) -> None:
    """The first option of every yes/no and choice question (はい, or the first certification). A
    click made while an earlier one's rerun redraws the form can be lost: the form is read again
    until every question holds an answer."""
    groups = page.locator("[data-testid=stMain]").get_by_role("radiogroup")  # not the language switch
    for _ in range(4):
        wait_idle(page)
        unanswered = [i for i in range(groups.count()) if not groups.nth(i).locator("input:checked").count()]
        if not unanswered:
            return
        for index in unanswered:
            wait_idle(page)
            groups.nth(index).locator("label[data-testid=stRadioOption]").first.click()
        page.wait_for_timeout(500)
    raise AssertionError(f"questions left without an answer: {unanswered}")


def send_from_the_requests_screen(page, search: str, entrustee: str, set_title: str) -> tuple[int, str]:
    """An officer on the Requests screen sends one request, due 2026-12-20 (typed as digits, as people
    do); returns (request number, the vendor's token)."""
    form = expander(page, ja("request.new"))
    fill(form, ja("contract.engagement_search"), search)
    choose(form, ja("request.link"), entrustee)
    choose(form, ja("request.set"), set_title)
    group = form.get_by_role("group", name=ja("request.due_on"), exact=True)
    group.get_by_role("spinbutton").first.click()
    page.keyboard.type("20261220")
    click(form, ja("request.send"))
    expect(page.get_by_text(ja("request.sent"))).to_be_visible()
    link = page.locator("code").filter(has_text="answer=").first.inner_text()
    return int(re.match(r"R(\d+)", link).group(1)), re.search(r"answer=([\w-]+)", link).group(1)


def test_an_officer_sends_a_checksheet_the_vendor_answers_by_link_and_it_becomes_the_selection_check(
        app, page, browser):
    url, db = app
    sign_in(page, url, path="requests")
    request_id, token = send_from_the_requests_screen(page, "ペイロール", ENTRUSTEE, "委託先選定チェックシート")

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


def _vendor_page(browser, url: str, link: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP").new_page()
    page.set_default_timeout(20_000)
    token = re.search(r"answer=([\w-]+)", link).group(1)
    page.goto(f"{url}/?answer={token}")
    wait_idle(page)
    return page


def test_a_tier_one_vendor_forwards_the_declaration_and_the_new_sub_processor_awaits_our_approval(
        app, page, browser, tmp_path):
    from openpyxl import load_workbook

    from tracker.formats.request_workbook_layout import ANSWER, ANSWERED_BY_CELL, HEADER_ROW, MAIN_SHEET, table_sheet_name
    from tracker.services import catalogue, engagements, requests

    url, db = app
    officer = context_for(db)
    tier1 = next(r for r in engagements.search_engagements(officer, text=ENTRUSTEE)[0]
                 if r["entrustee_name"] == ENTRUSTEE)["id"]
    issued = requests.create_request(officer, requests.RequestDraft(tier1, "subprocessors", date(2026, 12, 20)))

    vendor = _vendor_page(browser, url, issued.link)
    form = expander(vendor, ja("vendor.forward"))
    choose(form, ja("vendor.forward_to") + " ＊", "東日本データ入力株式会社")
    click(form, ja("vendor.forward_send"))
    expect(form.get_by_text(ja("vendor.forwarded"))).to_be_visible()
    forwarded_link = form.locator("code").inner_text()

    tier2 = _vendor_page(browser, url, forwarded_link)
    expect(tier2.get_by_text("東日本データ入力株式会社").first).to_be_visible()
    excel = expander(tier2, ja("vendor.excel"))
    with tier2.expect_download() as download:
        excel.get_by_role("button", name=ja("vendor.excel_download")).click()
    blank = tmp_path / download.value.suggested_filename
    download.value.save_as(blank)
    assert blank.name.endswith(".xlsx")
    book = load_workbook(blank)
    question_set = catalogue.question_set("subprocessors")
    book[MAIN_SHEET][f"{ANSWER}{HEADER_ROW + 1}"] = "はい / Yes"
    book[MAIN_SHEET][ANSWERED_BY_CELL] = "東日本データ入力 総務部"
    table = book[table_sheet_name(question_set.question("subprocessors"))]
    for column, value in enumerate(["株式会社三次処理センター", "", "帳票の封入", "氏名・住所・個人番号", "日本", "JP",
                                    "2026-12-01", "いいえ / No"], start=1):
        table.cell(5, column, value)
    filled = tmp_path / "declaration.xlsx"
    book.save(filled)
    excel.locator('input[type="file"]').set_input_files(str(filled))
    wait_idle(tier2)
    click(excel, ja("vendor.excel_submit"))
    expect(tier2.get_by_text(ja("vendor.submitted"))).to_be_visible()

    vendor.reload()  # the tier-1 vendor sees that its sub-processor answered
    wait_idle(vendor)
    expect(vendor.get_by_text(f"東日本データ入力株式会社: {ja('request.state.answered')}")).to_be_visible()

    sign_in(page, url, path="requests")
    choose(page, ja("request.open"), "東日本データ入力株式会社")
    expect(page.get_by_text("株式会社三次処理センター").first).to_be_visible()
    click(page, ja("request.accept"))
    expect(page.get_by_text(ja("request.accepted"))).to_be_visible()
    go(page, ja("nav.approvals"))
    expect(page.get_by_text("株式会社三次処理センター").first).to_be_visible()


def test_a_termination_asks_every_party_below_for_its_certificate_and_their_answers_close_it(app, page, browser):
    from tracker.services import engagements, terminations

    url, db = app
    officer = context_for(db)
    root = next(r for r in engagements.search_engagements(officer, text="ヘルスケアデータ分析")[0]
                if r["entrustee_name"] == "株式会社ヘルスケアデータ分析")["id"]
    terminations.end_engagement(officer, root, officer.today, "委託終了")

    sign_in(page, url, path="requests")
    form = expander(page, ja("request.new"))
    form.get_by_role("tab", name=ja("request.new_termination"), exact=True).click()
    wait_idle(page)
    choose(form, ja("request.termination"), "株式会社ヘルスケアデータ分析")
    group = form.get_by_role("group", name=ja("request.due_on"), exact=True).last
    group.get_by_role("spinbutton").first.click()
    page.keyboard.type("20261215")
    click(form, ja("request.send_certificates"))
    expect(page.get_by_text(ja("request.sent"))).to_be_visible()
    links = page.locator("code").filter(has_text="answer=").first.inner_text().splitlines()
    assert len(links) == 2  # the ended link and the one below it

    for link in links:
        vendor = _vendor_page(browser, url, link)
        for label, text in (("対象の個人データ（項目）", "健診結果データ一式"), ("媒体（紙、サーバ、バックアップ等）", "サーバ"),
                            ("数量（件数・冊数・台数等）", "12,000件"), ("責任者（所属・氏名）", "情報管理部 責任者")):
            box = vendor.get_by_role("textbox", name=f"{label} ＊")
            box.fill(text)
        pick(vendor, "方法 ＊", "削除")
        vendor.get_by_role("textbox", name="実施日 ＊").fill("令和8年11月21日")  # as staff write it
        fill(vendor, ja("vendor.answered_by"), "情報管理部 責任者")
        click(vendor, ja("vendor.submit"))
        expect(vendor.get_by_text(ja("vendor.submitted"))).to_be_visible()

    for link in links:
        go(page, ja("nav.home"))
        go(page, ja("nav.requests"))
        choose(page, ja("request.open"), f"{link.split()[0]} · {ja('request.state.answered')}")
        click(page, ja("request.accept"))
        expect(page.get_by_text(ja("request.accepted"))).to_be_visible()
    go(page, ja("nav.terminations"))
    card = page.locator('[class*="st-key-open_termination_"]').filter(has_text="ヘルスケアデータ分析")
    expect(card).to_contain_text(ja("termination.progress", received=2, total=2))
    click(card, ja("termination.close"))
    expect(page.get_by_text(ja("termination.closed"))).to_be_visible()
