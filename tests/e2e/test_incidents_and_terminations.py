"""A breach at tier 3 and its notices up the chain; ending a mid-chain engagement and closing it
once every party below has sent its deletion certificate."""

from playwright.sync_api import expect

from tests import files

from tests.e2e.streamlit_ui import choose, click, expander, fill, ja, sign_in, wait_idle

NIMBUS = "Nimbus Cloud Services Pte. Ltd."  # tier 3 of the health-check chain (special-care data)
TIER2 = "東日本データ入力株式会社"  # tier 2 of the payroll chain, with 株式会社北斗印刷 below it
TIER3 = "株式会社北斗印刷"


def test_an_incident_at_tier_three_shows_its_deadlines_and_notice_chain(app, page):
    url, _ = app
    sign_in(page, url, path="incidents")
    form = expander(page, ja("incident.new"))
    fill(form, ja("contract.engagement_search"), "Nimbus")
    choose(form, ja("incident.where"), NIMBUS)
    fill(form, ja("incident.title"), "健診データの誤公開")
    page.get_by_role("spinbutton", name=ja("incident.individuals_count"), exact=True).fill("120")
    page.get_by_role("spinbutton", name=ja("incident.individuals_count"), exact=True).press("Enter")
    wait_idle(page)
    click(form, ja("common.create"))
    expect(page.get_by_text(ja("common.created"))).to_be_visible()

    expect(page.get_by_role("heading", name="健診データの誤公開")).to_be_visible()
    verdict = page.locator("p").filter(has_text=ja("incident.reportable"))
    expect(verdict).to_contain_text(ja("incident.reason.sensitive"))  # special-care data (preset from the link)
    expect(page.get_by_text(ja("incident.waiting_for_notice"))).to_be_visible()
    cards = page.locator('[class*="st-key-chain_notice_"]')
    expect(cards).to_have_count(3)  # tier 3 → tier 2 → tier 1 → us
    expect(cards.nth(0)).to_contain_text(NIMBUS)
    expect(cards.nth(1)).to_contain_text(ja("incident.not_yet_told"))
    expect(cards.nth(2)).to_contain_text(ja("incident.not_yet_told"))

    click(page, ja("incident.record_notice"))  # tier 3 told tier 2 today
    expect(cards.nth(0)).to_contain_text(ja("incident.notified", day="2026-11-22"))
    expect(cards.nth(1)).not_to_contain_text(ja("incident.not_yet_told"))


def test_ending_a_mid_chain_engagement_and_closing_it_with_certificates(app, page):
    url, _ = app
    sign_in(page, url, "procurement", path="terminations")
    form = expander(page, ja("termination.new"))
    fill(form, ja("contract.engagement_search"), "東日本データ")
    choose(form, ja("termination.which"), TIER2)
    click(form, ja("termination.end"))
    expect(page.get_by_text(ja("termination.ended"))).to_be_visible()
    card = page.locator('[class*="st-key-open_termination_"]')
    expect(card).to_contain_text(ja("termination.progress", received=0, total=2))  # tier 2 and tier 3 below it

    for party in (TIER2, TIER3):
        certificate = expander(page, ja("termination.record_for", name=party))
        fill(certificate, ja("termination.items"), "扶養控除等申告書データ一式")
        fill(certificate, ja("termination.responsible"), "情報管理責任者")
        certificate.locator('input[type="file"]').first.set_input_files(
            files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": files.pdf("signed")}])
        wait_idle(page)
        click(certificate, ja("termination.record_certificate"))
        expect(page.get_by_text(ja("termination.certificate_recorded"))).to_be_visible()
    expect(card).to_contain_text(ja("termination.progress", received=2, total=2))

    click(card, ja("termination.close"))
    expect(page.get_by_text(ja("termination.closed"))).to_be_visible()
    expect(page.get_by_text(ja("termination.none_open"))).to_be_visible()
