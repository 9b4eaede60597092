"""Every screen rendered with hostile text in the data: names, titles and a user's display name that
hold Markdown, HTML, Streamlit directives and image links. Nothing of it may be interpreted: no
request to the image's address, no link, no bold, no HTML element, no colour (issue 14, point 1)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.streamlit_ui import go, ja, sign_in, wait_idle
from tracker.domain.party_rules import PartyDraft
from tracker.services import businesses, engagements, parties, party_incidents, selection, successions, users
from tracker.domain.permissions import Role
from tracker.services.context import SYSTEM, Actor, Context
from tracker.services.engagements import EngagementInput
from tracker.services.incidents import IncidentInput
from tracker.services.selection import SelectionInput
from tracker.domain.selection import AREAS

LEAK = "http://127.0.0.1:9"  # nothing listens there; a request to it is the proof of interpretation
HOSTILE = f"**太字** ![画像]({LEAK}/leak.png) [リンク]({LEAK}/) <b>html</b> :red[赤] $x^2$"
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def hostile(app):
    """Hostile text in a business, three parties, the work of a re-delegation, an incident at a company,
    its hand-over to a successor and a user."""
    url, db = app
    ctx = Context(db, SYSTEM, TODAY)
    business = businesses.create_business(ctx, f"業務 {HOSTILE}", f"部 {HOSTILE}")
    first = parties.create_party(ctx, PartyDraft(name=f"元請 {HOSTILE}"[:100]))
    second = parties.create_party(ctx, PartyDraft(name=f"再委託 {HOSTILE}"[:100]))
    tier1 = engagements.create_engagement(ctx, EngagementInput(
        entrustee_party_id=first, work=f"作業 {HOSTILE}", data_categories=["ordinary"], business_id=business,
        status="proposed"))
    selection.record_selection_check(ctx, tier1, SelectionInput(
        TODAY, "approved", f"担当 {HOSTILE}"[:100], {a: "ok" for a in AREAS}, ["hearing"]), activate=True)
    tier2 = engagements.create_engagement(ctx, EngagementInput(
        entrustee_party_id=second, work=f"再委託作業 {HOSTILE}", data_categories=["ordinary"], business_id=business,
        parent_engagement_id=tier1, status="proposed"))
    # recorded at the company, for every chain it is in: the incident screen shows the chains side by side
    group = party_incidents.record(ctx, second, IncidentInput(f"事案 {HOSTILE}", learned_on=TODAY,
                                                              description=HOSTILE))
    incident = party_incidents.party_incident(ctx, group).chains[0].row["id"]
    successions.hand_over(ctx, second, parties.create_party(ctx, PartyDraft(name=f"後継 {HOSTILE}"[:100])),
                          f"理由 {HOSTILE}")
    admin = Context(db, Actor("setup", "setup", Role.ADMIN), TODAY)
    users.create_user(admin, users.UserInput("mallory", f"表示名 {HOSTILE}"[:100], "privacy_officer",
                                             password="a long hostile passphrase"))
    return {"party": second, "engagement": tier2, "incident": incident, "business": business}


SCREENS = ["home", "chain?business={business}", "approvals", "schedule", "reviews?engagement={engagement}",
           "selection?engagement={engagement}", "incidents?incident={incident}", "terminations", "gaps",
           "contracts?engagement={engagement}", "addenda?engagement={engagement}", "registry", "party?party={party}",
           "reports", "import", "audit"]
NAV = {"home": "nav.home", "approvals": "nav.approvals", "schedule": "nav.schedule", "terminations": "nav.terminations",
       "gaps": "nav.gaps", "registry": "nav.registry", "reports": "nav.reports", "import": "nav.import_ledger",
       "audit": "nav.audit"}


def _assert_nothing_interpreted(page, path: str) -> None:
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_be_visible()
    sidebar_and_main = page.locator('[data-testid="stApp"]')
    assert not sidebar_and_main.locator(f'img[src^="{LEAK}"], a[href^="{LEAK}"]').count(), path
    # our own bold around a name is fine; the user's **太字** turned bold, or <b> turned HTML, is not
    assert not sidebar_and_main.locator("strong, b").filter(has_text=re.compile(r"^(太字|html)$")).count(), path
    assert not sidebar_and_main.locator(".katex").count(), path
    assert not sidebar_and_main.locator('[class*="stException"]').count(), path


def test_no_screen_interprets_user_text(app, hostile, page):
    url, _ = app
    leaks = []
    page.on("request", lambda request: leaks.append(request.url) if request.url.startswith(LEAK) else None)
    from tests.e2e.streamlit_ui import DEMO_PASSWORDS

    DEMO_PASSWORDS.setdefault("mallory", "a long hostile passphrase")
    signed_in = False
    for screen in SCREENS:
        path = screen.format(**hostile)
        if screen in NAV and signed_in:
            go(page, ja(NAV[screen]))  # within the session, from the sidebar
        else:
            sign_in(page, url, "mallory", path=path)  # a screen opened for a record: a page load, a new session
            signed_in = True
        wait_idle(page)
        _assert_nothing_interpreted(page, path)
    assert leaks == []
    # and the text is there, literally, where it is shown (the acting-as caption, on every screen)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("**太字**", exact=False).first).to_be_visible()
