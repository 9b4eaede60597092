"""Procurement makes an addendum from the Gaps screen, downloads it, marks it sent and signed, and
sees the gaps close."""

import io

from docx import Document
from playwright.sync_api import expect

from tests.e2e.streamlit_ui import choose, click, go, ja, sign_in, wait_idle

ENTRUSTEE = "東日本データ入力株式会社"  # the demo's tier-2 payroll link lacks two clauses
CLAUSE = "持ち出しの禁止"


def gap_cards(page):
    return (page.locator('[data-testid="stLayoutWrapper"]').filter(has_text=CLAUSE)
            .filter(has_text=ja("engagement.tier_label", tier=2)).filter(has_text=ENTRUSTEE))


def test_addendum_from_gaps_to_signature_closes_the_gaps(app, page):
    url, _ = app
    sign_in(page, url, "procurement", path="gaps")
    choose(page, ja("gap.clause"), CLAUSE)
    expect(gap_cards(page).first).to_be_visible()
    gap_cards(page).first.get_by_role("link", name=ja("addendum.make")).click()

    expect(page.get_by_role("heading", name=ja("addendum.new"))).to_be_visible()
    expect(page.get_by_text("第1条（")).to_be_visible()  # the preview of the articles
    page.get_by_text(ja("addendum.language.both")).click()
    wait_idle(page)
    click(page, ja("addendum.generate"))
    expect(page.get_by_text(ja("addendum.generated"))).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name=ja("addendum.download")).first.click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    headings = [p.text for table in document.tables for row in table.rows for cell in row.cells
                for p in cell.paragraphs if p.style.name == "Article Heading"]  # two columns: ja | en
    assert f"第2条（{CLAUSE}）" in headings and "Article 2 (No removal from the work site)" in headings

    click(page, ja("addendum.mark_sent"))
    expect(page.get_by_text(ja("addendum.marked_sent"))).to_be_visible()
    click(page, ja("addendum.mark_signed"))
    expect(page.get_by_text(ja("addendum.marked_signed"))).to_be_visible()

    go(page, ja("nav.gaps"))
    choose(page, ja("gap.clause"), CLAUSE)
    expect(page.get_by_role("heading", name=ja("nav.gaps"))).to_be_visible()
    expect(gap_cards(page)).to_have_count(0)
