"""A procurement clerk and a privacy officer at work, in Chromium against the running app."""

from playwright.sync_api import expect

from tests.e2e.streamlit_ui import check_every_area, go, sign_in, choose, click, expander, fill, ja, pick, tab, wait_idle
from tracker.i18n import t


def test_language_switch_turns_the_screen_to_english_and_back(app, page):
    url, _ = app
    sign_in(page, url, path="approvals")
    expect(page.get_by_role("heading", name=ja("nav.approvals"))).to_be_visible()
    page.get_by_role("radio", name="English").click()
    expect(page.get_by_role("heading", name=t("nav.approvals", "en"))).to_be_visible()
    expect(page.get_by_role("link", name=t("nav.chain", "en"))).to_be_visible()  # navigation too
    page.get_by_role("radio", name="日本語").click()
    expect(page.get_by_role("heading", name=ja("nav.approvals"))).to_be_visible()


def register_engagement(page, entrustee: str, work: str, parent: str | None = None, status: str | None = None):
    """Fill the new-engagement form of the Registry as a clerk does, and create it."""
    tab(page, ja("engagement.title"))
    form = expander(page, ja("engagement.new"))
    choose(form, ja("engagement.business"), "給与計算・年末調整")
    if parent:
        fill(form, ja("engagement.parent_search"), parent[:4])
        choose(form, ja("engagement.parent"), parent)
        expect(form.get_by_text(f"{ja('engagement.entruster')}: {parent}")).to_be_visible()
    fill(form, f"{ja('engagement.entrustee')} — {ja('common.search')}", entrustee[:6])
    choose(form, ja("engagement.entrustee"), entrustee)
    fill(form, ja("engagement.work"), work)
    choose(form, ja("engagement.data_categories"), ja("category.ordinary"))
    if status:
        choose(form, ja("engagement.status"), status)
    click(form, ja("common.create"))
    expect(page.get_by_text(ja("common.created"))).to_be_visible()


def test_register_parties_link_redelegate_approve_and_see_the_chain(app, page):
    url, _ = app
    sign_in(page, url, "procurement", path="registry")
    expect(page.get_by_role("heading", name=ja("nav.registry"))).to_be_visible()

    # procurement registers the processor and its sub-processor
    for name in ("E2E元請株式会社", "E2E再委託先株式会社"):
        form = expander(page, ja("party.new"))
        fill(form, ja("party.name"), name)
        click(form, ja("common.create"))
        expect(page.get_by_text(ja("common.created"))).to_be_visible()
        wait_idle(page)

    # a tier-1 engagement in the payroll business, activated by its selection check
    register_engagement(page, "E2E元請株式会社", "E2E 給与データ入力")
    go(page, ja("nav.selection"))
    fill(page, ja("contract.engagement_search"), "E2E元請")
    choose(page, ja("contract.engagement"), "E2E元請株式会社")
    choose(page, ja("selection.methods"), ja("selection.method.hearing"))
    check_every_area(page)
    pick(page, ja("selection.result"), ja("selection.result.approved"))
    page.get_by_text(ja("selection.activate")).click()
    click(page, ja("selection.save"))
    expect(page.get_by_text(ja("selection.recorded"))).to_be_visible()
    expect(page.get_by_text(ja("status.active")).first).to_be_visible()

    # and a re-delegation under it
    go(page, ja("nav.registry"))
    register_engagement(page, "E2E再委託先株式会社", "E2E 入力作業の再委託", parent="E2E元請株式会社")

    # the privacy officer approves it
    sign_in(page, url, "privacy", path="approvals")
    expect(page.get_by_role("heading", name=ja("approval.queue"))).to_be_visible()
    choose(page, ja("engagement.title"), "E2E再委託先株式会社")
    wait_idle(page)
    page.get_by_role("textbox", name=ja("approval.conditions"), exact=True).fill("年1回の報告を条件とする")
    pick(page, ja("approval.decision"), ja("approval.approve"))
    click(page, ja("approval.decide"))
    expect(page.get_by_text(ja("approval.recorded"))).to_be_visible()

    # and sees it approved in the chain of the business
    go(page, ja("nav.chain"))
    choose(page, ja("chain.business"), "給与計算・年末調整")
    wait_idle(page)
    page.get_by_role("tab", name=ja("chain.tree")).click()
    line = page.locator('[data-testid="stMarkdownContainer"] p').filter(has_text="E2E再委託先株式会社").first
    expect(line).to_contain_text(ja("approval.approved"))
    expect(line).to_contain_text(ja("engagement.tier_label", tier=2))
    page.get_by_role("tab", name=ja("chain.graph")).click()
    expect(page.locator("svg").get_by_text("E2E再委託先株式会社")).to_be_visible()
