"""The frame: database preparation, sign-in, language switch, and the screens the user's role may see."""

from __future__ import annotations

import os
from datetime import datetime, UTC

import streamlit as st

from tracker import config, settings
from tracker.domain.permissions import Action, may
from tracker.domain.sign_in import session_expired
from tracker.i18n import LANGUAGES
from tracker.services import demo_loader, setup
from tracker.services.context import SYSTEM, Context, shared_reads
from tracker.ui import sign_in_form, streamlit_words
from tracker.ui.navigation import screen_page
from tracker.ui.page_errors import run_guarded
from tracker.ui.session import actor, last_activity, sign_out, touch, tr, tr_md

st.set_page_config(page_title="委託先管理 / Entrustee oversight", page_icon=":material/account_tree:",
                   layout="wide")


@st.cache_resource(show_spinner=False)
def prepare_database(path: str) -> str:
    """Once per process and database: create, migrate, and fill an empty one with the demo data."""
    db = config.db_path(path)
    setup.initialise(db)
    if setup.is_empty(db) and os.environ.get("TRACKER_DEMO", "1") != "0":
        demo_loader.load_demo(Context(db, SYSTEM, config.today()), config.DEMO_REGISTRY)
    return str(db)


prepare_database(str(config.db_path()))

def first_language() -> str:
    """Japanese first; a vendor's page opens in the browser's language (ja or en) until the vendor
    chooses (Streamlit applies a widget's default only when it is first drawn)."""
    if st.query_params.get("answer") and (st.context.locale or "").lower().startswith("en"):
        return "en"
    return "ja"


with st.sidebar:
    # The label must not change with the language: a widget whose label changes is a new widget
    # to Streamlit, which would reset the switch to its default just after the user flipped it.
    # required: clicking the chosen language keeps it (a deselected switch once crashed the page,
    # setting the key after its widget existed)
    st.segmented_control(
        "表示言語 / Language", LANGUAGES, key="lang", default=first_language(), required=True,
        format_func=lambda code: {"ja": "日本語", "en": "English"}[code],
    )

app_settings = settings.load()  # once per page run
if actor() and session_expired(last_activity(), datetime.now(UTC), app_settings.sign_in):
    sign_out()
    st.session_state["_sign_in_notice"] = tr("sign_in.expired")



def screens(role) -> dict[str, list]:
    """The screens a role may open (role None: every screen, so that a deep link survives sign-in)."""
    sections = {
        tr("nav.section_oversight"): [
            screen_page("pages/oversight/home.py", title=tr("nav.home"), icon=":material/home:", url_path="home",
                    default=True),
            screen_page("pages/oversight/chain.py", title=tr("nav.chain"), icon=":material/account_tree:",
                    url_path="chain"),
            screen_page("pages/oversight/approvals.py", title=tr("nav.approvals"), icon=":material/task_alt:",
                    url_path="approvals"),
            screen_page("pages/oversight/schedule.py", title=tr("nav.schedule"), icon=":material/event:",
                    url_path="schedule"),
            screen_page("pages/oversight/reviews.py", title=tr("nav.reviews"), icon=":material/fact_check:",
                    url_path="reviews"),
            screen_page("pages/oversight/selection.py", title=tr("nav.selection"), icon=":material/how_to_reg:",
                    url_path="selection"),
            screen_page("pages/oversight/incidents.py", title=tr("nav.incidents"), icon=":material/report:",
                    url_path="incidents"),
            screen_page("pages/oversight/terminations.py", title=tr("nav.terminations"), icon=":material/cancel:",
                    url_path="terminations"),
            screen_page("pages/oversight/requests.py", title=tr("nav.requests"), icon=":material/forward_to_inbox:",
                    url_path="requests"),
        ],
        tr("nav.section_contracts"): [
            screen_page("pages/contracts/gaps.py", title=tr("nav.gaps"), icon=":material/rule:", url_path="gaps"),
            screen_page("pages/contracts/contracts.py", title=tr("nav.contracts"), icon=":material/description:",
                    url_path="contracts"),
            screen_page("pages/contracts/addenda.py", title=tr("nav.addenda"), icon=":material/post_add:",
                    url_path="addenda"),
            screen_page("pages/contracts/clause_library.py", title=tr("nav.clauses"), icon=":material/library_books:",
                    url_path="clauses"),
        ],
        tr("nav.section_registry"): [
            screen_page("pages/registry/registry.py", title=tr("nav.registry"), icon=":material/menu_book:",
                    url_path="registry"),
            screen_page("pages/registry/party.py", title=tr("nav.party"), icon=":material/business:", url_path="party"),
        ],
    }
    sections[tr("nav.section_reports")] = [
        screen_page("pages/reports/report.py", title=tr("nav.reports"), icon=":material/table_chart:", url_path="reports"),
        screen_page("pages/reports/import_ledger.py", title=tr("nav.import_ledger"), icon=":material/upload_file:",
                url_path="import"),
    ]
    admin = []
    if role is None or may(role, Action.READ_AUDIT):
        admin.append(screen_page("pages/admin/audit.py", title=tr("nav.audit"), icon=":material/history:",
                             url_path="audit"))
    if role is None or may(role, Action.MANAGE_USERS):
        admin.append(screen_page("pages/admin/users.py", title=tr("nav.users"), icon=":material/group:",
                             url_path="users"))
    admin.append(screen_page("pages/admin/tokens.py", title=tr("nav.tokens"), icon=":material/key:",
                             url_path="tokens"))  # everyone's own
    sections[tr("nav.section_admin")] = admin
    return sections


if st.query_params.get("answer"):  # a vendor's one-time link: that request's page and nothing else, no account
    streamlit_words.apply(app_settings.attachment_max_bytes // (1024 * 1024))
    run_guarded(st.navigation([st.Page("pages/vendor/answer.py", title=tr("nav.vendor"),
                                       icon=":material/assignment:", url_path="answer")], position="hidden"))
    st.stop()

who = actor()
if who is None:
    st.navigation(screens(None), position="hidden")  # known, not shown: the page asked for opens after sign-in
    sign_in_form.render()
    st.stop()
touch()

streamlit_words.apply(app_settings.attachment_max_bytes // (1024 * 1024))
with st.sidebar:
    st.caption(tr_md("app.acting_as", name=who.display_name, role=tr(f"role.{who.role}")))
    st.button(tr("sign_in.sign_out"), on_click=sign_out, icon=":material/logout:")

with shared_reads(config.db_path()):  # one read connection for the whole page run
    run_guarded(st.navigation(screens(who.role), expanded=True))  # every screen listed, no "view more"
