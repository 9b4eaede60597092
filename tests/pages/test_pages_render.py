"""Every screen renders without error (Streamlit AppTest), in both languages, on the demo data."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tracker.domain.permissions import Role
from tracker.services.context import Actor
from tracker.i18n import t
from tracker.store import connection

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["pages/oversight/home.py", "pages/oversight/chain.py", "pages/oversight/approvals.py",
         "pages/contracts/gaps.py", "pages/contracts/contracts.py", "pages/contracts/clause_library.py",
         "pages/registry/registry.py", "pages/registry/party.py", "pages/admin/audit.py",
         "pages/oversight/schedule.py", "pages/oversight/reviews.py", "pages/oversight/selection.py", "pages/contracts/addenda.py",
         "pages/oversight/incidents.py", "pages/oversight/terminations.py",
         "pages/reports/report.py", "pages/reports/import_ledger.py", "pages/oversight/requests.py"]
OFFICER = Actor("privacy", "個人情報保護 太郎", Role.PRIVACY_OFFICER)


def faults(at: AppTest) -> list[str]:
    """What went wrong on the page: an uncaught exception, or the fault the frame caught and showed
    as its own message (tracker/ui/page_errors.py)."""
    failed = {t("common.page_failed", lang) for lang in ("ja", "en")}
    return [e.value for e in at.exception] + [e.value for e in at.error if e.value in failed]


def open_page(page: str, lang: str = "ja", query: dict | None = None, actor: Actor | None = OFFICER) -> AppTest:
    """The page as a signed-in user sees it (``actor`` None: nobody signed in)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    if actor:
        at.session_state["actor"] = actor
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    return at.run()


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_error(app_db, page, lang):
    at = open_page(page, lang)
    assert not faults(at), faults(at)
    assert at.title, "every screen has a title"


@pytest.fixture
def fresh_app_db(tmp_path, monkeypatch):
    """No database at all yet: the app's first start makes it."""
    path = tmp_path / "fresh.db"
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_TODAY", "2026-11-22")
    return path


def test_first_start_creates_the_database_with_demo_data(fresh_app_db):
    app_db = fresh_app_db
    open_page(PAGES[0])
    with connection.reading(app_db) as db:
        assert db.execute("SELECT count(*) FROM parties").fetchone()[0] >= 12


def test_home_lists_the_demo_findings(app_db):
    at = open_page(PAGES[0], "en")
    text = " ".join(m.value for m in at.markdown)
    assert "Active re-delegation without approval" in text
    assert "Active re-delegation that was rejected" in text


def test_party_form_shows_errors_next_to_fields_keeps_input_and_saves_nothing(app_db):
    at = open_page("pages/registry/registry.py", "en")
    at.text_input(key="pf_new0_name").input("")
    at.text_input(key="pf_new0_corporate_number").input("1234567890123")
    at.text_input(key="pf_new0_email").input("not-an-address")
    at.button(key="pf_new0_submit").click()
    at.run()
    errors = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert any("Required." in e for e in errors)
    assert any("check digit" in e for e in errors)
    assert any("e-mail" in e for e in errors)
    assert at.text_input(key="pf_new0_corporate_number").value == "1234567890123"
    with connection.reading(app_db) as db:
        assert db.execute("SELECT count(*) FROM parties WHERE email = 'not-an-address'").fetchone()[0] == 0


def test_party_form_creates_a_party(app_db):
    at = open_page("pages/registry/registry.py", "ja")
    at.text_input(key="pf_new0_name").input("株式会社アップテスト")
    at.text_input(key="pf_new0_corporate_number").input("７０００ ０１２０ ５０００２")
    at.button(key="pf_new0_submit").click()
    at.run()
    assert not faults(at)
    assert any("登録しました" in s.value for s in at.success)
    with connection.reading(app_db) as db:
        row = db.execute("SELECT corporate_number FROM parties WHERE name = '株式会社アップテスト'").fetchone()
    assert row == ("7000012050002",)


def test_chain_page_draws_the_business_from_the_query(app_db):
    at = open_page("pages/oversight/chain.py", "ja", {"business": "3"})
    assert not faults(at)
    drawn = at.get("graphviz_chart")  # the graph tab is the open one: the list is built when opened
    assert len(drawn) == 1 and "株式会社セキュア廃棄センター" in drawn[0].proto.spec.replace("\\n", "")  # wrapped
    assert "株式会社セキュア廃棄センター" not in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize(("page", "query"), [
    ("pages/registry/party.py", {"party": "99999"}),
    ("pages/registry/registry.py", {"parent": "99999"}),
    ("pages/oversight/chain.py", {"business": "99999", "party": "99999"}),
    ("pages/oversight/chain.py", {"business": "abc"}),
    ("pages/oversight/requests.py", {"request": "99999"}),
])
def test_links_to_missing_records_do_not_break_the_page(app_db, page, query):
    at = open_page(page, "en", query)
    assert not faults(at), faults(at)


def test_nobody_signed_in_sees_only_the_sign_in_screen(app_db):
    at = open_page("pages/registry/registry.py", "en", actor=None)  # a deep link, before signing in
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.dataframe and not faults(at)


def test_signing_in_with_a_demo_account_and_a_wrong_password(app_db):
    at = open_page("pages/oversight/home.py", "en", actor=None)
    at.text_input(key="sign_in_username").input("manager")
    at.text_input(key="sign_in_password").input("wrong password")
    at.button[0].click().run()
    assert any("Wrong user name or password" in e.value for e in at.error)
    at.text_input(key="sign_in_password").input("demo-board-2026")
    at.button[0].click().run()
    assert at.session_state["actor"].role == Role.MANAGER
    assert "What needs attention today" in [t.value for t in at.title]


def test_manager_sees_the_registry_without_its_forms(app_db):
    at = open_page("pages/registry/registry.py", "en", actor=Actor("manager", "M", Role.MANAGER))
    assert not faults(at)
    assert any("can view this screen but not change it" in i.value for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("pf_")]


def test_admin_manages_users(app_db):
    at = open_page("pages/admin/users.py", "en", actor=Actor("admin", "A", Role.ADMIN))
    assert not faults(at) and "Users" in [t.value for t in at.title]
    assert {"procurement", "privacy", "manager", "admin"} <= {m.value.split("**")[1] for m in at.markdown
                                                              if m.value.startswith("**")}


def test_a_stale_party_form_is_refused_naming_what_changed(app_db):
    from tracker.domain.party_rules import PartyDraft
    from tracker.services import parties
    from tracker.services.context import Context

    at = open_page("pages/registry/registry.py", "en")
    at.selectbox(key="reg_party_edit").select_index(1).run()
    party_id = at.selectbox(key="reg_party_edit").value
    row = parties.get_party(Context(app_db, OFFICER), party_id)
    prefix = f"pf_{party_id}_g0_"
    # someone else saves the same party in between
    parties.update_party(Context(app_db, Actor("other", "Other", Role.PROCUREMENT)), party_id, row["version"],
                         PartyDraft(name=row["name"], address="東京都千代田区1-1"))
    at.text_input(key=prefix + "contact_person").input("私の変更")
    at.button(key=prefix + "submit").click().run()
    errors = " ".join(m.value for m in at.markdown if m.value.startswith(":red["))
    assert "Not saved" in errors and "other" in errors and "Address" in errors
    assert parties.get_party(Context(app_db, OFFICER), party_id)["contact_person"] != "私の変更"
    assert at.text_input(key=prefix + "contact_person").value == "私の変更"  # the input is kept
    at.button(key=prefix + "reload").click().run()  # "load the latest": the other user's address appears
    fresh = f"pf_{party_id}_g1_"
    assert at.text_input(key=fresh + "address").value == "東京都千代田区1-1"


def test_audit_screen_runs_the_tamper_check_on_request(app_db):
    at = open_page("pages/admin/audit.py", "en", actor=Actor("manager", "M", Role.MANAGER))
    assert not any("Tamper check" in s.value for s in at.success)  # not on every rerun
    next(b for b in at.button if b.label == "Run the tamper check").click().run()
    assert any("the audit trail is intact" in s.value for s in at.success)


def test_correcting_an_incidents_facts_moves_its_final_deadline(app_db):
    at = open_page("pages/oversight/incidents.py", "en", {"incident": "1"})
    final = next(m for m in at.metric if m.label == "Final report due")

    before = final.value
    at.checkbox(key="incident_1_g0_wrongful").check()
    at.button(key="incident_1_g0_submit").click()
    at.run()
    assert not faults(at), faults(at)
    after = next(m for m in at.metric if m.label == "Final report due").value
    assert after != before  # 60 days for a wrongful purpose instead of 30
    assert any("Wrongful purpose suspected" in m.value for m in at.markdown)


def test_after_creating_a_party_the_next_step_opens_the_engagement_form_for_it(app_db):
    at = open_page("pages/registry/registry.py", "ja")
    at.text_input(key="pf_new0_name").input("株式会社つぎのステップ")
    at.button(key="pf_new0_submit").click()
    at.run()
    steps = [b for b in at.button if b.label == "この委託先への委託を登録する"]
    assert steps, [b.label for b in at.button]  # shown under the form that saved
    steps[0].click()
    at.run()
    with connection.reading(app_db) as db:
        party_id = db.execute("SELECT id FROM parties WHERE name = '株式会社つぎのステップ'").fetchone()[0]
    assert at.query_params["entrustee"] in (str(party_id), [str(party_id)])  # AppTest may keep a list
    entrustee = next(s for s in at.selectbox if s.label == "委託先")
    assert entrustee.value == party_id  # the engagement form starts with it chosen


@pytest.mark.parametrize("page", ["pages/oversight/home.py", "pages/registry/registry.py", "pages/contracts/gaps.py"])
def test_a_page_run_reads_through_one_connection(app_db, monkeypatch, page):
    at = open_page(page)
    opened = []
    real_connect = connection.connect
    monkeypatch.setattr(connection, "connect", lambda path, **options: opened.append(path) or real_connect(path, **options))
    at.run()
    assert not faults(at)
    assert len(opened) == 1, opened  # Home used to open nine


def test_a_figure_on_home_opens_its_list_filtered_as_it_counted(app_db):
    home = open_page("pages/oversight/home.py")
    assert not faults(home)
    schedule = open_page("pages/oversight/schedule.py", query={"status": "overdue", "scope": "mine"})
    assert not faults(schedule)
    assert schedule.session_state["schedule_status"] == ["overdue"]
    assert schedule.session_state["schedule_scope"] == "mine"
    assert "status" not in schedule.query_params  # the user's own choice holds from here on
    gaps = open_page("pages/contracts/gaps.py", query={"level": "must"})
    assert gaps.session_state["gaps_level"] == "must"
    from tracker.i18n import t
    assert [m.value for m in gaps.metric][1] == "0"  # the should-level counter follows the filter
    assert t("gap.should", "ja") == gaps.metric[1].label


def test_admin_sets_who_signs_for_the_organisation(app_db):
    from tracker.services import setup
    from tracker.services.context import Context
    at = open_page("pages/admin/users.py", "en", actor=Actor("admin", "A", Role.ADMIN))
    assert at.text_input(key="org_name").value == "株式会社みなと商事"
    at.text_input(key="org_representative_title").input("代表取締役社長")
    at.text_input(key="org_representative_name").input("港 次郎")
    at.button(key="org_save").click().run()
    assert not faults(at)
    ctx = Context(app_db, Actor("admin", "A", Role.ADMIN), None)
    assert setup.organisation_representative(ctx) == ("代表取締役社長", "港 次郎")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_answer_to_review_opens_beside_its_findings_and_the_decision(app_db, lang):
    from tracker.i18n import t

    at = open_page("pages/oversight/requests.py", lang, {"request": "2"})  # the demo's annual report
    assert not faults(at), faults(at)
    assert any(b.label == t("request.accept", lang) for b in at.button)
    assert any(t("request.findings", lang) in m.value for m in at.markdown)


def test_a_wrong_vendor_link_shows_one_plain_page_and_nothing_of_the_app(app_db):
    from tracker.i18n import t

    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["answer"] = "x" * 43
    at.session_state["actor"] = OFFICER  # even in a signed-in browser: the link's page, alone
    at.run()
    assert not faults(at), faults(at)
    assert [x.value for x in at.title] == [t("vendor.refused_title", "ja")]
    assert not at.button  # no sign-in form, no navigation


# --- a busy database or a fault: plain words, never a traceback, and what was typed is kept (issue 25, 5)

def _held(path):
    """Another writer holding the database (an import, a bulk send) until closed."""
    import sqlite3

    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def _vendor_link(app_db) -> str:
    from datetime import date, timedelta

    from tracker.services import requests
    from tracker.services.context import Context
    from tracker.services.requests import RequestDraft

    with connection.reading(app_db) as db:
        link = db.execute("SELECT id FROM engagements WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()[0]
    issued = requests.create_request(Context(app_db, OFFICER, date(2026, 11, 22)), RequestDraft(
        link, "selection", date(2026, 11, 22) + timedelta(days=30), "回答 花子", "hanako@example.jp"))
    return issued.link.split("answer=")[1]


def test_the_vendor_page_opens_and_keeps_what_was_typed_while_another_writer_holds_the_database(app_db, monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    token = _vendor_link(app_db)
    holder = _held(app_db)
    try:
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["answer"] = token
        at.run()
        assert not faults(at), faults(at)
        area = next(a for a in at.text_area)
        area.input("当社の規程は年1回見直しています。")
        next(b for b in at.button if b.label == t("vendor.save_draft", "ja")).click().run()
        assert not faults(at), faults(at)
        shown = " ".join(m.value for m in at.markdown)
        assert t("error.busy_now", "ja")[:20] in shown
        assert next(a for a in at.text_area).value == "当社の規程は年1回見直しています。"
        assert "Traceback" not in shown and "tracker/" not in shown
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_busy_database_on_any_screen_says_try_again(app_db, monkeypatch):
    from tracker.services import attention
    from tracker.services.context import Busy

    def busy(*args, **kwargs):
        raise Busy("database is locked")

    monkeypatch.setattr(attention, "attention", busy)  # what Home reads first
    at = open_page("pages/oversight/home.py", "en")
    assert not at.exception
    assert [w.value for w in at.warning if w.value == t("common.busy_page", "en")]


def test_a_fault_shows_our_message_and_nothing_of_the_code(app_db, monkeypatch):
    from tracker.services import attention

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/tracker/secret/path.py line 42")

    monkeypatch.setattr(attention, "attention", broken)
    at = open_page("pages/oversight/home.py", "en")
    assert not at.exception
    assert [e.value for e in at.error] == [t("common.page_failed", "en")]
    assert not any("secret" in str(element.value) for element in at.main if hasattr(element, "value"))


def test_the_requests_screen_warns_while_links_point_at_this_server(app_db, monkeypatch, tmp_path):
    at = open_page("pages/oversight/requests.py", "en")
    assert any("[requests] public_url" in w.value for w in at.warning)
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text('[requests]\npublic_url = "https://tracker.example.co.jp"\n')
    monkeypatch.setenv("TRACKER_SETTINGS", str(settings_file))
    at = open_page("pages/oversight/requests.py", "en")
    assert not any("public_url" in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_incident_screen_offers_the_reports_with_each_item_to_copy(app_db, lang):
    at = open_page("pages/oversight/incidents.py", lang, {"incident": "1"})  # the demo's reportable incident
    assert not faults(at), faults(at)
    assert any(t("breach.section", lang) == s.value for s in at.subheader)
    copied = [c.value for c in at.code]
    assert len(copied) == 18  # nine items, preliminary and final
    assert any("保管申込書" in text for text in copied)
    assert any(t("error.breach.item_missing", lang)[:10] in w.value for w in at.warning)  # the final lacks items
