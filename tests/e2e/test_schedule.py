"""The privacy officer records the overdue inspection from the Schedule; it leaves the overdue list."""

from playwright.sync_api import expect

from tests.e2e.streamlit_ui import check_every_area, click, go, ja, sign_in

ENTRUSTEE = "株式会社ペイロールサービス東日本"  # its yearly inspection was due 2026-11-10 in the demo data


def overdue_inspection(page):
    return (page.locator('[class*="st-key-list_due_"]').filter(has_text=ja("schedule.status.overdue"))
            .filter(has_text=ja("schedule.kind.inspection")).filter(has_text=ENTRUSTEE))


def test_recording_an_inspection_takes_it_off_the_overdue_list(app, page):
    url, _ = app
    sign_in(page, url, path="schedule")
    expect(page.get_by_role("heading", name=ja("nav.schedule"))).to_be_visible()
    expect(overdue_inspection(page)).to_have_count(1)

    overdue_inspection(page).get_by_role("link", name=ja("schedule.record")).click()
    expect(page.get_by_role("heading", name=ja("review.record"))).to_be_visible()
    check_every_area(page)
    page.get_by_text(ja("selection.result_area.issue")).nth(4).click()  # physical measures: an issue found
    findings = page.get_by_role("textbox", name=ja("review.findings"))
    findings.fill("入退室記録の保存期間は1年に改善済み。サーバ室の施錠記録に漏れあり。")
    click(page, ja("review.save"))
    expect(page.get_by_text(ja("review.recorded"))).to_be_visible()
    expect(page.get_by_text("サーバ室の施錠記録に漏れあり").first).to_be_visible()  # in the history

    go(page, ja("nav.schedule"))
    expect(page.get_by_role("heading", name=ja("nav.schedule"))).to_be_visible()
    expect(overdue_inspection(page)).to_have_count(0)
    expect(page.get_by_role("tab", name=ja("schedule.done"))).to_be_visible()
