"""What a hurried user enters is what is saved: a date typed and clicked in one go, a search
followed by a pick, a save without choosing (issue 13, points 1, 4 and 5)."""

import io
import re
from datetime import date

from docx import Document
from playwright.sync_api import expect

from tests.e2e.streamlit_ui import check_every_area, choose, click, expander, fill, go, ja, sign_in, tab, wait_idle
from tracker.domain.party_rules import PartyDraft
from tracker.services import approvals, engagements, incidents, parties, selection
from tracker.services.context import SYSTEM, Context
from tracker.services.incidents import IncidentInput

PAYROLL_BPO = "株式会社ペイロールサービス東日本"  # tier 1 of the demo's payroll chain
TODAY = date(2026, 11, 22)


def _ctx(db) -> Context:
    return Context(db, SYSTEM, TODAY)


def _link_of(ctx: Context, entrustee: str) -> dict:
    rows, _ = engagements.search_engagements(ctx, text=entrustee)
    return next(r for r in rows if r["entrustee_name"] == entrustee)


def type_date_and_click(page, field: str, day: str, button: str) -> None:
    """Type a date into its field (year, month and day segments, as the keyboard does) and press the
    button straight away: no Enter, no waiting for a rerun in between."""
    wait_idle(page)
    group = page.get_by_role("group", name=field, exact=True)
    group.get_by_role("spinbutton").first.click()
    page.keyboard.type(day.replace("-", ""))
    page.get_by_role("button", name=button, exact=True).click()
    wait_idle(page)


def test_a_notice_date_typed_and_clicked_at_once_is_the_date_saved(app, page):
    url, db = app
    ctx = _ctx(db)
    link = _link_of(ctx, PAYROLL_BPO)
    incident_id = incidents.record_incident(ctx, link["id"], IncidentInput("入力即保存の確認",
                                                                           learned_on=date(2026, 11, 18)))
    sign_in(page, url, path=f"incidents?incident={incident_id}")
    expect(page.get_by_role("heading", name=f"#{incident_id} 入力即保存の確認")).to_be_visible()
    type_date_and_click(page, ja("incident.notified_on"), "2026-11-20", ja("incident.record_notice"))
    expect(page.get_by_text(ja("common.saved"))).to_be_visible()
    view = incidents.incident(ctx, incident_id)
    assert view.notices[0].notice.notified_on == date(2026, 11, 20)  # not today (11-22)


def test_an_effective_date_typed_and_clicked_at_once_is_the_date_in_the_addendum(app, page):
    url, db = app
    link = _link_of(_ctx(db), PAYROLL_BPO)
    sign_in(page, url, "procurement", path=f"addenda?engagement={link['id']}")
    expect(page.get_by_role("heading", name=ja("addendum.new"))).to_be_visible()
    type_date_and_click(page, ja("addendum.effective_on"), "2026-12-01", ja("addendum.generate"))
    expect(page.get_by_text(ja("addendum.generated"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name=ja("addendum.download")).first.click()
    text = "\n".join(p.text for p in Document(io.BytesIO(download.value.path().read_bytes())).paragraphs)
    assert "2026年12月1日" in text and "2026年11月22日から" not in text


def test_a_search_selects_nothing_it_does_not_show(app, page):
    url, db = app
    ctx = _ctx(db)
    parties.create_party(ctx, PartyDraft(name="北斗情報株式会社"))
    payroll = _link_of(ctx, PAYROLL_BPO)

    # the engagement form: 北斗 matches two companies; neither is chosen for the user
    sign_in(page, url, "procurement", path="registry")
    tab(page, ja("engagement.title"))
    form = expander(page, ja("engagement.new"))
    fill(form, f"{ja('engagement.entrustee')} — {ja('common.search')}", "北斗")
    entrustee = form.get_by_role("combobox", name=ja("engagement.entrustee"), exact=True)
    expect(entrustee).to_have_value("")  # the placeholder, nothing chosen
    expect(entrustee).to_have_attribute("placeholder", ja("common.choose"))
    choose(form, ja("engagement.entrustee"), "北斗情報株式会社")
    expect(entrustee).to_have_value("北斗情報株式会社")
    # the exact name is the one match: chosen
    fill(form, f"{ja('engagement.entrustee')} — {ja('common.search')}", "株式会社北斗印刷")
    expect(entrustee).to_have_value(re.compile("^株式会社北斗印刷"))

    # the contracts screen, opened for the payroll link: a search for another company leaves it
    sign_in(page, url, "procurement", path=f"contracts?engagement={payroll['id']}")
    picker = page.get_by_role("combobox", name=ja("contract.engagement"), exact=True)
    expect(picker).to_have_value(re.compile(PAYROLL_BPO))
    fill(page, ja("contract.engagement_search"), "北斗情報")
    expect(picker).to_have_value("")
    expect(page.get_by_role("heading", name=ja("contract.title"), exact=True)).to_have_count(0)  # no record shown


def test_saving_without_a_decision_names_what_is_missing_and_records_nothing(app, page):
    url, db = app
    ctx = _ctx(db)
    sign_in(page, url, path="approvals")
    expect(page.get_by_role("heading", name=ja("approval.decide"))).to_be_visible()
    expect(page.get_by_role("radiogroup", name=ja("approval.decision")).get_by_role("radio", checked=True)
           ).to_have_count(0)
    pending_before = approvals.approval_queue(ctx)[1]
    click(page, ja("approval.decide"))
    expect(page.get_by_text(ja("error.approval.decision_required"))).to_be_visible()
    assert approvals.approval_queue(ctx)[1] == pending_before

    go(page, ja("nav.selection"))
    fill(page, ja("contract.engagement_search"), PAYROLL_BPO[:8])
    choose(page, ja("contract.engagement"), PAYROLL_BPO)
    choose(page, ja("selection.methods"), ja("selection.method.hearing"))
    checks_before = len(selection.selection_checks_of(ctx, _link_of(ctx, PAYROLL_BPO)["id"]))
    click(page, ja("selection.save"))
    expect(page.get_by_text(ja("error.selection.result_required"))).to_be_visible()
    missing = page.locator("p").filter(has_text=ja("selection.area.technical")).filter(
        has_text=ja("selection.area.foreign"))
    expect(missing.first).to_be_visible()  # the error lists every area left without a result
    check_every_area(page)
    click(page, ja("selection.save"))
    expect(page.get_by_text(ja("error.selection.result_required"))).to_be_visible()  # still no result chosen
    assert len(selection.selection_checks_of(ctx, _link_of(ctx, PAYROLL_BPO)["id"])) == checks_before


def test_what_was_typed_on_a_tab_is_kept_while_another_tab_is_open(app, page):
    # the registry builds only its open tab: the party half typed, a look at the engagements, and back
    url, db = app
    sign_in(page, url, "procurement", path="registry")
    form = expander(page, ja("party.new"))
    fill(form, ja("party.name"), "タブ往復株式会社")
    page.get_by_role("textbox", name=ja("common.search")).first.fill("みなと")
    tab(page, ja("engagement.title"))
    expect(page.get_by_role("textbox", name=ja("party.name"), exact=True)).to_have_count(0)  # not built
    tab(page, ja("party.title"))
    form = expander(page, ja("party.new"))
    expect(form.get_by_role("textbox", name=ja("party.name"), exact=True)).to_have_value("タブ往復株式会社")
    expect(page.get_by_role("textbox", name=ja("common.search")).first).to_have_value("みなと")
    click(form, ja("common.create"))
    expect(page.get_by_text(ja("common.created"))).to_be_visible()
    assert any(r["name"] == "タブ往復株式会社" for r in parties.search_parties(_ctx(db), text="タブ往復")[0])
