"""Procurement records that a contract covers a clause; the gap leaves the Gaps screen and the chain."""

from playwright.sync_api import expect

from tests.e2e.streamlit_ui import go, sign_in, choose, click, ja, wait_idle

ENTRUSTEE = "株式会社ペイロールサービス東日本"
CLAUSE = "作業場所・責任者の特定"  # the demo contract covers it only in part


def gap_rows(page):
    """Gap cards of the tier-1 payroll link for the clause (bordered containers)."""
    return (page.locator('[data-testid="stLayoutWrapper"]').filter(has_text=CLAUSE)
            .filter(has_text=ja("engagement.tier_label", tier=1)).filter(has_text=ENTRUSTEE))


def test_recording_coverage_closes_the_gap(app, page):
    url, _ = app
    sign_in(page, url, path="gaps")
    expect(page.get_by_role("heading", name=ja("nav.gaps"))).to_be_visible()
    choose(page, ja("gap.clause"), CLAUSE)
    expect(gap_rows(page)).to_have_count(1)
    expect(gap_rows(page)).to_contain_text(ja("gap.kind.partial"))

    gap_rows(page).get_by_role("link", name=ja("gap.open_contract")).click()  # the link on the gap itself
    expect(page.get_by_role("heading", name=ja("contract.checklist"))).to_be_visible()
    row = page.locator('[data-testid="stHorizontalBlock"]').filter(has_text=CLAUSE).first
    choose(row, ja("contract.status"), ja("contract.status.covered"))
    wait_idle(page)
    article = row.get_by_role("textbox")
    article.fill("第12条")
    article.press("Enter")
    wait_idle(page)
    click(page, ja("contract.save_checklist"))
    expect(page.get_by_text(ja("common.saved"))).to_be_visible()

    go(page, ja("nav.gaps"))
    choose(page, ja("gap.clause"), CLAUSE)
    expect(page.get_by_role("heading", name=ja("nav.gaps"))).to_be_visible()
    expect(gap_rows(page)).to_have_count(0)

    go(page, ja("nav.chain"))
    choose(page, ja("chain.business"), "給与計算・年末調整")
    page.get_by_role("tab", name=ja("chain.tree")).click()
    tree = page.locator('[data-testid="stMarkdownContainer"] p').filter(has_text=ENTRUSTEE).first
    expect(tree).to_contain_text(ENTRUSTEE)
    [line] = [text for text in tree.inner_text().splitlines() if ENTRUSTEE in text]
    assert ja("engagement.tier_label", tier=1) in line and ja("gap.count", count=1)[:2] not in line
