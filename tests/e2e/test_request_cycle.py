"""The request cycle as real people walk it (issue 26): an officer sends a sub-processor declaration;
the vendor, without an account and in English, attaches a PDF, writes a 4,000-character comment,
forwards once, and declares 40 sub-processors through the workbook; the sub-processor answers its
copy by workbook with a date written 令和8年10月1日; the officer sees the contradiction and the
changed answers before deciding, opens the PDF, accepts, and every result names companies.

Screenshots of each step go to $TRACKER_SCREENSHOTS (default: a temporary folder)."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests import files
from tests.conftest import TODAY, context_for
from tests.e2e.streamlit_ui import choose, click, expander, ja, sign_in, wait_idle
from tests.e2e.test_vendor_requests import send_from_the_requests_screen
from tracker.i18n import t
from tracker.formats.request_workbook_layout import ANSWER, ANSWERED_BY_CELL, HEADER_ROW, MAIN_SHEET, table_sheet_name
from tracker.services import catalogue, request_answers, requests
from tracker.services.requests import RequestDraft

TIER1 = "株式会社コールセンター・ソリューションズ"  # the demo's call-centre entrustee (E8)
REGISTERED = ("株式会社テレコール沖縄", "Bayside Contact Center Inc.", "株式会社クラウドベース・ジャパン")
SHOTS = Path(os.environ.get("TRACKER_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tracker-screenshots")


def en(key: str, **params) -> str:
    return t(key, "en", **params)


def shot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main area, so the window is made tall for it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 3200})
    wait_idle(page)
    page.screenshot(path=str(SHOTS / f"request-cycle-{name}.png"))
    page.set_viewport_size(size)
    wait_idle(page)


def _row(name: str, since: str = "2026-04-01") -> dict:
    return {"name": name, "corporate_number": "", "work": "Call handling overflow", "data": "Name, phone number",
            "processing_country": "JP", "storage_country": "JP", "since": since, "subsidiary": "no"}


def _accepted_declaration_before(db, link: int) -> None:
    """Last year's declaration, accepted: it named every registered sub-processor."""
    officer = context_for(db)
    issued = requests.create_request(officer, RequestDraft(link, "subprocessors", TODAY + timedelta(days=10)))
    token = issued.link.split("answer=")[1]
    view = request_answers.open_link(db, token, "192.0.2.1", TODAY).view()
    request_answers.open_link(db, token, "192.0.2.1", TODAY).submit(view.version,
                           {"has_subprocessors": "yes", "subprocessors": [_row(n) for n in REGISTERED]}, "前回 担当")
    row = requests.request_view(officer, issued.request_id).row
    requests.accept(officer, issued.request_id, row["version"], requests.Acceptance())


def _filled_workbook(path: Path, out: Path, rows: list[dict], by: str, comment: str | None = None) -> Path:
    question_set = catalogue.question_set("subprocessors")
    book = load_workbook(path)
    main = book[MAIN_SHEET]
    main[f"{ANSWER}{HEADER_ROW + 1}"] = "はい / Yes"
    if comment is not None:
        main[f"{ANSWER}{HEADER_ROW + 4}"] = comment  # the comments question, fourth in the set
    main[ANSWERED_BY_CELL] = by
    table = book[table_sheet_name(question_set.question("subprocessors"))]
    ids = [table.cell(4, c).value for c in range(1, len(question_set.question("subprocessors").columns) + 1)]
    for offset, row in enumerate(rows):
        for column, column_id in enumerate(ids, start=1):
            value = row.get(column_id, "")
            table.cell(5 + offset, column, "いいえ / No" if column_id == "subsidiary" else value)
    book.save(out)
    return out


def _upload_workbook(page, label: str, submit_label: str, filled: Path) -> None:
    excel = expander(page, label)
    excel.locator('input[type="file"]').set_input_files(str(filled))
    wait_idle(page)
    click(excel, submit_label)


def test_a_declaration_walked_by_an_officer_a_vendor_in_english_and_its_sub_processor(app, page, browser, tmp_path):
    from tracker.services import engagements

    url, db = app
    officer = context_for(db)
    link = next(r for r in engagements.search_engagements(officer, text=TIER1)[0] if r["entrustee_name"] == TIER1)
    _accepted_declaration_before(db, link["id"])

    # 1. the officer sends the declaration from the Requests screen
    sign_in(page, url, path="requests")
    request_id, token = send_from_the_requests_screen(page, "コールセンター・ソリューションズ", TIER1, "再委託先の届出")
    shot(page, "1-officer-sent")

    # 2. the vendor opens its link in an English browser: the page speaks English, our English name
    vendor = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US").new_page()
    vendor.set_default_timeout(20_000)
    vendor.goto(f"{url}/?answer={token}")
    wait_idle(vendor)
    expect(vendor.get_by_role("heading", name="Sub-processor declaration")).to_be_visible()
    expect(vendor.get_by_text("Minato Shoji Co., Ltd.").first).to_be_visible()
    vendor.locator('input[type="file"]').first.set_input_files(
        {"name": "subprocessing-contracts.pdf", "mimeType": "application/pdf", "buffer": files.pdf("contracts")})
    wait_idle(vendor)
    comment = ("We re-delegate overflow call handling to partners we audit every year. " * 60)[:4000]
    area = vendor.get_by_role("textbox", name=re.compile("^Comments"))
    area.fill(comment)
    area.press("Tab")
    click(vendor, en("vendor.save_draft"))
    expect(vendor.get_by_text(en("vendor.draft_saved"))).to_be_visible()
    shot(vendor, "2-vendor-english-draft")

    # 3. it forwards once to a registered sub-processor; a second forward is refused plainly
    forward = expander(vendor, en("vendor.forward"))
    choose(forward, en("vendor.forward_to") + " ＊", REGISTERED[0])
    forward.get_by_role("textbox", name=en("vendor.forward_contact") + " ＊").fill("Okinawa Desk")
    forward.get_by_role("textbox", name=en("vendor.forward_email")).fill("desk@telecall.example.jp")
    click(forward, en("vendor.forward_send"))
    expect(forward.get_by_text(en("vendor.forwarded"))).to_be_visible()
    forwarded_link = forward.locator("code").inner_text()
    click(forward, en("vendor.forward_send"))
    expect(vendor.get_by_text(re.compile("already has a forwarded copy"))).to_be_visible()
    shot(vendor, "3-vendor-forwarded")

    # 4. 40 sub-processors and the long comment through the workbook: Bayside is left out
    blank = tmp_path / "vendor.xlsx"
    blank.write_bytes(requests.workbook_of(officer, request_id)[1])
    rows = [_row(REGISTERED[0]), _row(REGISTERED[2])] + [_row(f"Partner Contact {n:02d} K.K.") for n in range(38)]
    filled = _filled_workbook(blank, tmp_path / "vendor-filled.xlsx", rows, "Vendor Compliance Office", comment)
    _upload_workbook(vendor, en("vendor.excel"), en("vendor.excel_submit"), filled)
    expect(vendor.get_by_text(en("vendor.submitted"))).to_be_visible()
    vendor.goto(f"{url}/?answer={token}")  # the receipt: its answers as tables, what it forwarded
    wait_idle(vendor)
    expect(vendor.get_by_text("Partner Contact 37 K.K.")).to_be_visible()
    expect(vendor.get_by_text(f"{REGISTERED[0]}: {en('request.state.sent')}")).to_be_visible()
    shot(vendor, "4-vendor-receipt")

    # 5. the sub-processor answers its copy by workbook, the date written in wareki
    sub_token = re.search(r"answer=([\w-]+)", forwarded_link).group(1)
    sub_request = request_answers.open_link(db, sub_token, "192.0.2.2", TODAY).view()
    sub_blank = tmp_path / "sub.xlsx"
    sub_blank.write_bytes(requests.workbook_of(officer, sub_request.id)[1])
    sub_filled = _filled_workbook(sub_blank, tmp_path / "sub-filled.xlsx",
                                  [_row("株式会社那覇データ", since="令和8年10月1日")], "テレコール沖縄 総務部")
    sub = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP").new_page()
    sub.set_default_timeout(20_000)
    sub.goto(f"{url}/?answer={sub_token}")
    wait_idle(sub)
    _upload_workbook(sub, ja("vendor.excel"), ja("vendor.excel_submit"), sub_filled)
    expect(sub.get_by_text(ja("vendor.submitted"))).to_be_visible()
    assert request_answers.open_link(db, sub_token, "192.0.2.2", TODAY).view().answers["subprocessors"][0]["since"] \
        == "2026-10-01"
    shot(sub, "5-sub-processor-receipt")

    # 6. the officer judges on the evidence: the contradiction and the changes before the decision
    page.goto(f"{url}/requests?request={request_id}")
    sign_in(page, url, path=f"requests?request={request_id}")
    expect(page.get_by_text(ja("request.contradictions"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"E12 Bayside Contact Center Inc\."))).to_be_visible()
    expect(page.get_by_text(re.compile(ja("request.changed_list", questions="")[:12]))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("subprocessing-contracts.pdf"))).to_be_visible()
    expect(page.get_by_text(re.compile("Vendor Compliance Office"))).to_be_visible()
    shot(page, "6-officer-review")
    with page.expect_download() as opened:
        page.get_by_role("button", name=re.compile("subprocessing-contracts.pdf")).click()
    assert opened.value.suggested_filename == "subprocessing-contracts.pdf"
    click(page, ja("request.accept"))
    expect(page.get_by_text(ja("request.accepted"))).to_be_visible()

    # 7. what accepting did names companies, paths and refs, never an internal number
    result = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text="Partner Contact 00 K.K.")
    expect(result).to_be_visible()
    expect(result).to_contain_text("E12 Bayside Contact Center Inc.")
    assert "#" not in result.inner_text()
    shot(page, "7-officer-accepted")
