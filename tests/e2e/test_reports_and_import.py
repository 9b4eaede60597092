"""A manager downloads the oversight report; procurement uploads a ledger, sees the preview and
imports it."""

import io

import openpyxl
from playwright.sync_api import expect

from tests.e2e.streamlit_ui import click, go, ja, sign_in, wait_idle
from tracker.i18n import t
from tracker.store import connection


def ledger() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = t("ledger.sheet.parties")
    sheet.append([t("party.name"), t("party.corporate_number")])
    sheet.append(["E2E取込株式会社", "7000012050002"])
    sheet = book.create_sheet(t("ledger.sheet.engagements"))
    sheet.append([t(k) for k in ("ledger.ref", "engagement.business", "business.owner_department", "ledger.entrustee",
                                 "engagement.work", "engagement.data_categories", "engagement.status")])
    sheet.append(["X1", "E2E取込業務", "総務部", "7000012050002", "名簿の印刷", t("category.ordinary"),
                  t("status.active")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_manager_downloads_the_report(app, page):
    url, _ = app
    sign_in(page, url, "manager", path="reports")
    expect(page.get_by_role("heading", name=ja("nav.reports"))).to_be_visible()
    page.get_by_role("button", name=ja("reports.make")).click()
    download_button = page.get_by_role("button", name=ja("reports.download"))
    expect(download_button).to_be_visible(timeout=30_000)  # written in the background, progress shown meanwhile
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename.startswith("委託先監督レポート_")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames[:3] == [ja("report.sheet.overview"), ja("report.sheet.summary"), ja("report.sheet.parties")]
    assert book[ja("report.sheet.chain")].max_row > 10


def test_procurement_uploads_a_ledger_previews_and_imports_it(app, page):
    url, db_path = app
    sign_in(page, url, "procurement", path="import")
    expect(page.get_by_role("heading", name=ja("nav.import_ledger"))).to_be_visible()
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "ledger.xlsx", "buffer": ledger(),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    wait_idle(page)
    expect(page.get_by_role("heading", name=ja("import.preview"))).to_be_visible()
    with connection.reading(db_path) as db:  # the preview wrote nothing
        assert db.execute("SELECT count(*) FROM parties WHERE name = 'E2E取込株式会社'").fetchone()[0] == 0
    click(page, ja("import.confirm"))
    expect(page.get_by_text(ja("import.done"))).to_be_visible()
    with connection.reading(db_path) as db:
        assert db.execute("""SELECT e.status, e.selection_override_reason IS NOT NULL FROM engagements e
                             JOIN parties p ON p.id = e.entrustee_party_id WHERE p.name = 'E2E取込株式会社'""").fetchall() \
            == [("active", 1)]

    go(page, ja("nav.home"))  # the imported active link without a selection check is a finding
    expect(page.get_by_text("E2E取込株式会社").first).to_be_visible()
