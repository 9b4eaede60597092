"""One printing house in three chains (issue 30): from Home to where we depend on it, then a breach
there recorded once, in a hurry, for the businesses picked — each chain with its own deadlines."""

from playwright.sync_api import expect

from tests.e2e.streamlit_ui import choose, click, expander, fill, ja, sign_in, tab, wait_idle

PRINTER = "株式会社北斗印刷"  # tier 3 of payroll, tier 2 of the health check-ups and of the call centre
PAYROLL, HEALTH, CALLS = "給与計算・年末調整", "健康診断データ管理", "お客様コールセンター運営"


def _open_printer(page, url) -> None:
    sign_in(page, url)
    page.get_by_role("link", name=ja("concentration.home_item", name=PRINTER, businesses=3, links=3)).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=PRINTER, exact=True)).to_be_visible()


def test_home_leads_to_every_chain_the_printer_is_in(app, page):
    url, _ = app
    _open_printer(page, url)
    table = page.locator('[data-testid="stTable"]').filter(has_text=ja("concentration.links")).first
    for business in (PAYROLL, HEALTH, CALLS):
        expect(table).to_contain_text(business)
    # 3,200 + 3,100 + 120,000 people: each business once, though payroll's people pass three tiers
    summary = page.get_by_text(ja("concentration.summary", businesses=3, links=3, individuals="126,300",
                                  countries="X", unapproved=0).split("X")[0])
    expect(summary).to_be_visible()
    health = table.locator("tr").filter(has_text=HEALTH)
    expect(health).to_contain_text(ja("common.yes"))  # 要配慮 data in the health chain


def test_who_is_reminded_of_the_printers_certificates_is_saved_and_said(app, page):
    url, _ = app
    _open_printer(page, url)
    choose(page, ja("certification.owner"), "調達 花子")
    page.get_by_role("button", name=ja("common.save"), exact=True).first.click()
    expect(page.get_by_text(ja("common.saved"))).to_be_visible()  # at the screen's top


def test_a_breach_at_the_printer_recorded_once_for_the_businesses_picked(app, page):
    url, _ = app
    _open_printer(page, url)
    form = expander(page, ja("incident.party.new"))
    form.get_by_role("textbox", name=ja("incident.title"), exact=True).fill("印刷工場のファイルサーバーへの不正アクセス")
    form.get_by_text(ja("incident.party.scope_business"), exact=True).click()
    wait_idle(page)
    click(form, ja("incident.party.record", chains=0))  # no business picked yet: said next to the field
    expect(form.get_by_text(ja("error.incident.no_link_chosen"))).to_be_visible()

    for business in (HEALTH, PAYROLL):
        choose(form, ja("incident.party.businesses"), business)
    count = form.get_by_role("spinbutton", name=ja("incident.party.count", business=HEALTH), exact=True)
    count.fill("40")  # typed, then the button clicked at once
    click(form, ja("incident.party.record", chains=2))
    expect(page.get_by_text(ja("incident.party.recorded"))).to_be_visible()
    page.get_by_role("link", name=ja("incident.party.open")).click()
    wait_idle(page)

    side = page.locator('[data-testid="stTable"]').filter(has_text=ja("incident.party.chain"))
    expect(side.locator("tbody tr")).to_have_count(2)
    expect(side).to_contain_text(HEALTH)
    expect(side).to_contain_text(PAYROLL)
    expect(side).not_to_contain_text(CALLS)
    # the chain opened first: health (the same notice deadline as payroll's, recorded first), its 40
    # people of 要配慮 data reportable
    expect(side.locator("tbody tr").filter(has_text="◀")).to_contain_text(HEALTH)
    expect(page.locator("p").filter(has_text=ja("incident.reportable")).first).to_contain_text(
        ja("incident.reason.sensitive"))
    expect(page.get_by_text(f"{ja('incident.individuals_count')}: 40")).to_be_visible()
    # the payroll chain opened from the picker: its own count (at most the 3,200 the link holds)
    choose(page, ja("incident.party.open_chain"), PAYROLL)
    expect(side.locator("tbody tr").filter(has_text="◀")).to_contain_text(PAYROLL)
    expect(page.get_by_text(f"{ja('incident.individuals_at_most')}: 3200")).to_be_visible()
    expect(page.locator("p").filter(has_text=ja("incident.reportable")).first).not_to_contain_text(
        ja("incident.reason.sensitive"))  # the printer prints payslips: no 要配慮 data in that chain


def test_one_checksheet_to_the_printer_for_its_three_engagements(app, page):
    url, _ = app
    sign_in(page, url, path="requests")
    form = expander(page, ja("request.new"))
    tab(page, ja("request.new_company"))
    fill(form, f"{ja('request.company')} — {ja('common.search')}", PRINTER)  # the exact name picks it
    chips = form.locator('[data-testid="stMultiSelect"]').filter(has_text=ja("request.company_links"))
    for business in (PAYROLL, HEALTH, CALLS):  # every engagement it holds, to start with
        expect(chips).to_contain_text(business)
    choose(form, ja("request.set"), "委託先選定チェックシート")
    group = form.get_by_role("group", name=ja("request.due_on"), exact=True)
    group.get_by_role("spinbutton").first.click()
    page.keyboard.type("20261220")
    click(form, ja("request.send"))
    expect(page.get_by_text(ja("request.sent"))).to_be_visible()
    expect(page.locator("code").filter(has_text="answer=")).to_have_count(1)  # one link, once
    listed = page.locator('[data-testid="stDataFrame"]')
    expect(listed).to_contain_text(ja("request.and_more", count=2))


def test_the_printer_handed_over_to_a_successor_in_every_chain(app, page):
    """Last in this file: the successor's proposed engagements join the printer's chains."""
    url, _ = app
    _open_printer(page, url)
    form = expander(page, ja("succession.new_handover"))
    click(form, ja("succession.propose"))  # in a hurry: nothing chosen, said by each field
    expect(form.get_by_text(ja("error.required"))).to_have_count(2)
    fill(form, f"{ja('succession.successor')} — {ja('common.search')}", "システムサポート")
    choose(form, ja("succession.successor"), "株式会社システムサポート北海道")
    form.get_by_role("textbox", name=ja("succession.reason"), exact=True).fill("事業譲渡")
    click(form, ja("succession.propose"))  # typed and clicked at once
    expect(page.get_by_text(ja("succession.proposed"))).to_be_visible()
    handed = page.locator('[data-testid="stTable"]').filter(has_text=ja("succession.new"))
    expect(handed.locator("tbody tr")).to_have_count(3)
    expect(handed.locator("tbody tr").filter(has_text=ja("succession.waiting_approval"))).to_have_count(3)


def test_every_engagement_of_the_printer_ended_at_once(app, page):
    """After the hand-over above: the printer stops; its message shows by the button."""
    url, _ = app
    _open_printer(page, url)
    form = expander(page, ja("concentration.end_all"))
    click(form, ja("concentration.end_all_button"))  # in a hurry: no reason, the name not typed again
    expect(form.get_by_text(ja("error.termination.name_mismatch"))).to_be_visible()
    expect(form.get_by_text(ja("error.required"))).to_have_count(2)  # the reason's (the name's ends the same way)
    form.get_by_role("textbox", name=ja("termination.reason"), exact=True).fill("廃業")
    form.get_by_role("textbox", name=ja("concentration.confirm_name", name=PRINTER), exact=True).fill(PRINTER)
    click(form, ja("concentration.end_all_button"))
    expect(page.get_by_text(ja("concentration.ended_all"))).to_be_visible()
    expect(page.get_by_text(ja("party.chains_empty")).first).to_be_visible()
