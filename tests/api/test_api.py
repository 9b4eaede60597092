"""The API through Starlette's TestClient on a copy of the demo registry: every token kind and role
goes through the services' own permission checks; errors are problem details in the caller's language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TODAY, copy_database
from tracker.api.app import create_api
from tracker.domain.permissions import Role
from tracker.services import api_tokens, audit, engagements, parties, risk, users
from tracker.services.context import Actor, Context
from tracker.store import connection

ADMIN = Actor("cli", "Command line", Role.ADMIN)


@pytest.fixture
def api(tmp_path, monkeypatch, demo_template):
    path = tmp_path / "api.db"
    copy_database(demo_template, path)
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())
    client = TestClient(create_api())
    client.db_path = path
    return client


def token(client, username: str, **options) -> dict:
    issued = api_tokens.create_token(Context(client.db_path, ADMIN, TODAY), options.pop("name", "test"),
                                     username=username, **options)
    return {"Authorization": f"Bearer {issued.secret}"}


def test_no_token_an_unknown_one_or_a_malformed_one_is_refused_plainly(api):
    for headers in ({}, {"Authorization": "Bearer trk_" + "x" * 43}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer ' OR 1=1 --"}):
        answer = api.get("/engagements", headers=headers)
        assert answer.status_code == 401 and answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert api.get("/engagements", headers={"Accept-Language": "en"}).json()["title"] == "A valid API token is required"


def test_a_revoked_or_expired_token_or_one_of_an_inactive_user_opens_nothing(api, monkeypatch):
    headers = token(api, "privacy", expires_days=1)
    assert api.get("/parties", headers=headers).status_code == 200
    monkeypatch.setenv("TRACKER_TODAY", (TODAY + timedelta(days=2)).isoformat())
    assert api.get("/parties", headers=headers).status_code == 401
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())
    revoked = token(api, "privacy", name="revoked")
    listed = api_tokens.tokens_of(Context(api.db_path, ADMIN, TODAY), "privacy")
    api_tokens.revoke(Context(api.db_path, ADMIN, TODAY), next(t["id"] for t in listed if t["name"] == "revoked"))
    assert api.get("/parties", headers=revoked).status_code == 401
    manager = token(api, "manager")
    row = next(u for u in users.list_users(Context(api.db_path, ADMIN, TODAY)) if u["username"] == "manager")
    users.update_user(Context(api.db_path, ADMIN, TODAY), row["id"], row["version"], "manager", False, "Manager")
    assert api.get("/parties", headers=manager).status_code == 401


def test_a_token_is_shown_once_kept_as_a_hash_and_its_last_use_recorded(api):
    headers = token(api, "manager", name="bi-tool")
    secret = headers["Authorization"].split()[1]
    with connection.reading(api.db_path) as db:
        assert db.execute("SELECT count(*) FROM api_tokens WHERE token_hash = ?", [secret]).fetchone()[0] == 0
    api.get("/businesses", headers=headers)
    listed = api_tokens.tokens_of(Context(api.db_path, ADMIN, TODAY), "manager")
    assert listed[0]["name"] == "bi-tool" and listed[0]["last_used_at"] and "token_hash" not in listed[0]


def test_paging_through_every_engagement_gives_each_once(api):
    headers = token(api, "manager")
    seen, cursor, items = [], None, []
    while True:
        page = api.get("/engagements", params={"limit": 7, **({"cursor": cursor} if cursor else {})},
                       headers=headers).json()
        seen += [item["ref"] for item in page["items"]]
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # a path names every link above, whether it is on the same page or not: as each link alone gives it
    for item in items:
        alone = api.get(f"/engagements/{item['ref']}", headers=headers).json()
        assert (item["path"], item["parent"]) == (alone["path"], alone["parent"])
        assert len(item["path"]) == item["tier"] and item["path"][-1] == item["entrustee"]["name"]
    assert any(item["tier"] >= 3 for item in items)
    ctx = Context(api.db_path, ADMIN, TODAY)
    _, total = engagements.search_engagements(Context(api.db_path, Actor("m", "M", Role.MANAGER), TODAY), limit=1)
    assert len(seen) == len(set(seen)) == total and ctx
    assert api.get("/engagements", params={"limit": 501}, headers=headers).status_code == 422
    assert api.get("/engagements", params={"cursor": "not-ours"}, headers=headers).status_code == 400


def test_a_request_reads_its_token_and_its_page_on_one_connection(api, monkeypatch):
    headers = token(api, "manager")
    api.get("/parties", headers=headers)  # the token's first use is recorded: a write of its own
    opened, real = [], connection.connect

    def counted(path, **options):
        opened.append(options)
        return real(path, **options)

    monkeypatch.setattr(connection, "connect", counted)
    page = api.get("/engagements", params={"limit": 10}, headers=headers)
    assert page.status_code == 200 and len(page.json()["items"]) == 10
    # the token read in the dependency's worker thread, the page in the handler's: one connection
    assert opened == [{"across_threads": True}]


def test_an_engagement_by_its_ledger_number_with_its_place_and_gaps(api):
    headers = token(api, "manager")
    deep = next(item for item in api.get("/engagements", params={"limit": 500}, headers=headers).json()["items"]
                if item["tier"] == 3)
    one = api.get(f"/engagements/{deep['ref'].lower()}", headers=headers)
    assert one.status_code == 200 and one.json()["ref"] == deep["ref"] and one.headers["etag"] == f'"{one.json()["version"]}"'
    assert one.json()["parent"] and len(one.json()["path"]) == 3 and one.json()["approval"]["status"]
    gaps = api.get(f"/engagements/{deep['ref']}/gaps", headers=headers).json()["items"]
    assert all({"clause", "level", "required_by"} <= set(g) for g in gaps)
    missing = api.get("/engagements/NO-SUCH-1", headers={**headers, "Accept-Language": "en-GB,en;q=0.8"})
    assert missing.status_code == 404 and missing.json()["title"] == "No such record"
    assert api.get("/engagements/NO-SUCH-1", headers=headers).json()["title"] == "該当する記録がありません"


def test_each_engagement_gives_the_risk_tier_the_risk_panel_shows_an_override_included(api):
    headers = token(api, "manager")
    items = api.get("/engagements", params={"limit": 500}, headers=headers).json()["items"]
    officer = Context(api.db_path, Actor("privacy", "P", Role.PRIVACY_OFFICER), TODAY)
    ids = {item["ref"]: engagements.id_of_ref(officer, item["ref"]) for item in items}
    assert {item["risk_tier"] for item in items} >= {"high", "medium"}
    for item in items:
        assert item["risk_tier"] == risk.link_risk(officer, ids[item["ref"]]).tier.value, item["ref"]
    medium = next(item for item in items if item["risk_tier"] == "medium")
    risk.set_override(officer, ids[medium["ref"]], medium["version"], "low", "国内委託のみと確認")
    assert api.get(f"/engagements/{medium['ref']}", headers=headers).json()["risk_tier"] == "low"


def _pending(api, headers) -> dict:
    return api.get("/approvals", headers=headers).json()["items"][0]


def test_a_decision_through_the_api_follows_the_approval_screens_rules(api):
    officer = token(api, "privacy", name="ringi")
    pending = _pending(api, officer)
    body = {"decision": "approved", "decided_on": TODAY.isoformat()}
    assert api.post(f"/approvals/{pending['ref']}/decision", json=body, headers=officer).status_code == 428
    stale = api.post(f"/approvals/{pending['ref']}/decision", json=body,
                     headers={**officer, "If-Match": f'"{pending["approval"]["version"] + 5}"'})
    assert stale.status_code == 412
    late = api.post(f"/approvals/{pending['ref']}/decision", json={**body, "decided_on": "2099-01-01"},
                    headers={**officer, "If-Match": f'"{pending["approval"]["version"]}"', "Accept-Language": "en"})
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "decided_on"
    for refused in (token(api, "procurement"), token(api, "privacy", name="ro", read_only=True)):
        denied = api.post(f"/approvals/{pending['ref']}/decision", json=body,
                          headers={**refused, "If-Match": f'"{pending["approval"]["version"]}"'})
        assert denied.status_code == 403
    done = api.post(f"/approvals/{pending['ref']}/decision", json=body,
                    headers={**officer, "If-Match": f'"{pending["approval"]["version"]}"'})
    assert done.status_code == 204
    link = engagements.get_engagement(Context(api.db_path, ADMIN, TODAY), engagements.id_of_ref(
        Context(api.db_path, ADMIN, TODAY), pending["ref"]))
    assert link["approval_status"] == "approved"
    records, _ = audit.search(Context(api.db_path, ADMIN, TODAY), audit.AuditFilter(table_name="approvals"))
    assert records[0].username == "privacy (token ringi)"


def test_my_number_approvals_only_by_us_through_the_api_too(api):
    officer = token(api, "privacy")
    queue = api.get("/approvals", params={"limit": 500}, headers=officer).json()["items"]
    my_number = next((a for a in queue if "my_number" in a["data_categories"] and a["entruster"]), None)
    if my_number is None:
        pytest.fail("the demo registry holds a pending My Number re-delegation")
    answer = api.post(f"/approvals/{my_number['ref']}/decision",
                      json={"decision": "approved", "decided_on": TODAY.isoformat(),
                            "approved_by": my_number["entruster"]["id"]},
                      headers={**officer, "If-Match": f'"{my_number["approval"]["version"]}"'})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "approver_party_id"


def test_requests_are_sent_and_listed_without_the_vendors_link(api):
    buyer = token(api, "procurement")
    link = api.get("/engagements", params={"limit": 1, "status": "active"}, headers=buyer).json()["items"][0]
    made = api.post("/requests", json={"engagement": link["ref"], "set": "annual_report",
                                       "due_on": (TODAY + timedelta(days=30)).isoformat()}, headers=buyer)
    assert made.status_code == 201 and made.json()["id"].startswith("R") and "answer=" in made.json()["link"]
    listed = api.get("/requests", params={"limit": 500}, headers=buyer).json()
    mine = next(r for r in listed["items"] if r["id"] == made.json()["id"])
    assert mine["engagement"] == link["ref"] and mine["state"] == "sent" and "link" not in mine
    refused = api.post("/requests", json={"engagement": link["ref"], "set": "annual_report",
                                          "due_on": TODAY.isoformat()}, headers=token(api, "manager"))
    assert refused.status_code == 403
    wrong = api.post("/requests", json={"engagement": link["ref"], "set": "poems", "due_on": "2026-12-31"},
                     headers=buyer)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "set_id"


def test_due_items_with_their_status_today(api):
    headers = token(api, "manager")
    overdue = api.get("/due-items", params={"status": "overdue", "limit": 500}, headers=headers).json()
    assert overdue["items"] and {i["status"] for i in overdue["items"]} == {"overdue"}
    assert all(date.fromisoformat(i["due_on"]) < TODAY for i in overdue["items"])
    assert api.get("/due-items", params={"status": "someday"}, headers=headers).status_code == 422


def test_the_schema_names_every_resource(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/parties", "/businesses", "/engagements", "/engagements/{ref}", "/engagements/{ref}/gaps",
            "/approvals", "/approvals/{ref}/decision", "/requests", "/due-items"} <= set(paths)


def test_the_approval_queue_and_due_items_as_csv_with_the_apis_columns(api):
    import csv
    import io

    headers = token(api, "privacy")
    queue = api.get("/approvals", params={"limit": 500}, headers=headers).json()["items"]
    answer = api.get("/approvals.csv", headers=headers)
    assert answer.headers["content-type"].startswith("text/csv") and answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["ref"] for r in rows] == [a["ref"] for a in queue]
    assert rows[0]["entrustee.name"] == queue[0]["entrustee"]["name"] and rows[0]["approval.version"]
    sjis = api.get("/due-items.csv", params={"status": "overdue", "encoding": "shift_jis"}, headers=headers)
    due = list(csv.DictReader(io.StringIO(sjis.content.decode("cp932"))))
    overdue = api.get("/due-items", params={"status": "overdue", "limit": 500}, headers=headers).json()["items"]
    assert [(r["kind"], r["party"]) for r in due] == [(i["kind"], i["party"]) for i in overdue]
    assert api.get("/due-items.csv", params={"encoding": "ebcdic"}, headers=headers).status_code == 422


def test_incidents_with_their_deadlines_and_terminations_with_their_certificates(api):
    headers = token(api, "manager")
    listed = api.get("/incidents", params={"include_closed": True}, headers=headers).json()
    assert listed["total"] >= 1 and all({"reportable", "next_deadline", "notices", "engagement"} <= set(i)
                                        for i in listed["items"])
    reportable = [i for i in listed["items"] if i["reportable"] and not i["closed_on"]]
    assert all(i["final_due"] for i in reportable)
    from tracker.services import terminations

    officer = Context(api.db_path, Actor("privacy", "Privacy", Role.PRIVACY_OFFICER), TODAY)
    top = next(i for i in api.get("/engagements", params={"limit": 500, "tier": 1}, headers=headers).json()["items"]
               if any(e["parent"] == i["ref"] for e in api.get("/engagements", params={"limit": 500},
                                                               headers=headers).json()["items"]))
    terminations.end_engagement(officer, engagements.id_of_ref(officer, top["ref"]), TODAY, "契約満了")
    (ended,) = api.get("/terminations", headers=headers).json()["items"]
    assert ended["engagement"] == top["ref"] and len(ended["certificates"]) >= 2  # the link and those below
    assert {c["engagement"] for c in ended["certificates"]} >= {top["ref"]}


def test_an_incident_at_a_company_is_one_item_per_chain_sharing_its_group(api):
    from tracker.domain.incidents import IncidentInput
    from tracker.services import party_incidents

    officer = Context(api.db_path, Actor("privacy", "Privacy", Role.PRIVACY_OFFICER), TODAY)
    printer = next(p["id"] for p in parties.party_choices(officer, "株式会社北斗印刷"))
    group = party_incidents.record(officer, printer, IncidentInput("印刷工場への不正アクセス", TODAY))
    listed = api.get("/incidents", headers=token(api, "manager")).json()["items"]
    ours = [i for i in listed if i["party_incident"] == group]
    assert len(ours) == 3 and len({i["business"] for i in ours}) == 3  # the printer's three chains
    assert {i["entrustee"] for i in ours} == {"株式会社北斗印刷"}
    assert all(i["party_incident"] is None for i in listed if i["title"] != "印刷工場への不正アクセス")
