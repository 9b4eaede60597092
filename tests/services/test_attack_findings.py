"""Hardening (issue 25): what the fault and attack scripts broke, each point a test first.

Points 1 and 5 (Markdown on the screens, a busy database on the pages) are tested where the screens
are: tests/pages and tests/e2e."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import factories as f
from tests import files
from tests.conftest import TODAY, context_for, write_behind_the_app
from tracker import settings
from tracker.settings import Smtp
from tracker.domain.email_address import is_valid
from tracker.domain.party_rules import PartyDraft
from tracker.domain.client_address import client_address, networks
from tracker.domain.permissions import Role
from tracker.domain.request_tokens import MAX_RECORDED_PER_MINUTE
from tracker.domain.problems import RuleViolation
from tracker.inputs.file_structure import is_well_formed
from tracker.cli import main
from tracker.services import attachments, audit, backup, parties, request_answers, request_mail, requests, setup, users
from tracker.services.request_answers import LinkRefused
from tracker.services.requests import RequestDraft
from tracker.store import audit_queries as aq
from tracker.store import connection


# --- 7. a PDF with an executable appended, an Office package carrying a stranger

def test_a_pdf_with_data_after_its_last_eof_is_refused(ctx):
    with pytest.raises(RuleViolation):
        attachments.store(ctx, "report.pdf", files.pdf() + b"MZ\x90\x00" + b"\x00" * 512)
    assert is_well_formed(".pdf", files.pdf() + b"\r\n  \n")  # whitespace after %%EOF is common and harmless


def _with_part(package: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("part", ["payload.exe", "word/media/tool.exe", "docProps/run.sh"])
def test_an_office_package_holding_a_part_its_content_types_do_not_allow_is_refused(ctx, part):
    doctored = _with_part(files.docx(), part, b"MZ\x90\x00" + b"\x00" * 64)
    assert not is_well_formed(".docx", doctored)
    with pytest.raises(RuleViolation):
        attachments.store(ctx, "contract.docx", doctored)


def test_a_part_of_a_type_the_package_declares_is_kept(ctx):
    """A picture is declared by its extension's Default entry (this package declares jpeg)."""
    assert is_well_formed(".docx", _with_part(files.docx(), "word/media/image9.jpeg", files.jpeg()))
    assert not is_well_formed(".docx", _with_part(files.docx(), "word/media/image9.png", files.png()))
    assert attachments.store(ctx, "contract.docx", files.docx()) > 0


# --- 8. long passphrases

@pytest.mark.parametrize("length", [73, 100, 300])
def test_a_long_passphrase_is_accepted_and_signs_in_whole(db_path, length):
    phrase = ("the fog over kamakura lifts by noon " * 10)[:length]
    admin = context_for(db_path, Role.ADMIN)
    users.create_user(admin, users.UserInput("poet", "Poet", "manager", password=phrase))
    assert users.sign_in(db_path, "poet", phrase, session="a").username == "poet"
    with pytest.raises(users.SignInRefused):
        users.sign_in(db_path, "poet", phrase[:-1] + "X", session="b")  # the whole phrase counts, not a prefix


# --- 10. an interrupted backup leaves nothing behind

def _dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_a_backup_that_fails_removes_its_copy_and_partial_archive(ctx, db_path, tmp_path, monkeypatch):
    attachments.store(ctx, "a.pdf", files.pdf("one"))

    def full_disk(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tarfile.TarFile, "add", full_disk)
    out = tmp_path / "backups" / "b.tar.gz"
    with pytest.raises(OSError, match="disk full"):
        backup.backup(db_path, out)
    assert list(out.parent.iterdir()) == []  # neither the archive, the partial one, nor the database copy


def test_what_a_killed_backup_left_is_removed_by_the_next_and_a_running_ones_is_kept(ctx, db_path, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    dead, running = _dead_pid(), os.getppid()
    (folder / f".b.tar.gz.partial-{dead}").write_bytes(b"half")
    (folder / f".tracker-backup-{dead}-x1y2").mkdir()
    (folder / f".tracker-backup-{dead}-x1y2" / "tracker.db").write_bytes(b"\0" * 1024)
    (folder / f".c.tar.gz.partial-{running}").write_bytes(b"someone else's, still writing")
    (folder / ".notes").write_text("not ours")
    backup.backup(db_path, folder / "b.tar.gz")
    assert sorted(p.name for p in folder.iterdir()) == [".c.tar.gz.partial-" + str(running), ".notes", "b.tar.gz"]


def test_a_backup_stopped_by_sigterm_cleans_up_after_itself(ctx, db_path, tmp_path):
    for number in range(30):  # enough to be stopped half way
        attachments.store(ctx, f"{number}.pdf", files.pdf(f"evidence {number}" + "x" * 200_000))
    folder = tmp_path / "backups"
    command = [str(Path(sys.executable).parent / "tracker"), "--db", str(db_path), "backup", str(folder / "b.tar.gz")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(folder.glob(".*partial*")):
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 143, "stopped half way, by the signal"
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")], "temporary files left"


# --- 9. what `tracker audit verify` sees: every table, and the settings

@pytest.fixture
def trail(ctx, db_path):
    f.chain(ctx, 2)
    setup.set_organisation(context_for(db_path, Role.ADMIN), "株式会社委託元", "Entruster Co.", "東京都千代田区1-1")
    assert audit.unrecorded_changes(db_path) == []
    return db_path


def test_an_edit_of_the_organisation_settings_behind_the_apps_back_is_named(trail):
    write_behind_the_app(trail, "UPDATE settings SET value = '株式会社なりすまし' WHERE key = 'organisation_name'",
         "DELETE FROM settings WHERE key = 'organisation_address'",
         "INSERT INTO settings(key, value) VALUES ('organisation_seal', '偽の印影')")
    assert {(c.table_name, c.row_id, c.columns) for c in audit.unrecorded_changes(trail)} == {
        ("settings", "organisation_name", ("value",)), ("settings", "organisation_address", ("*",)),
        ("settings", "organisation_seal", ("*",))}


def test_the_apps_own_bookkeeping_in_settings_is_not_a_change(trail, ctx):
    f.party(ctx, "後から登録")  # moves the revision counters and the audit head
    assert audit.unrecorded_changes(trail) == []


@pytest.mark.parametrize(("table", "insert"), [
    ("terminations", "INSERT INTO terminations(engagement_id, ended_on, reason, created_at, created_by, updated_at, "
                     "updated_by) SELECT id, '2026-11-30', 'x', 'now', 'x', 'now', 'x' FROM engagements LIMIT 1"),
    ("attachments", "INSERT INTO attachments(sha256, original_name, content_type, size, created_at, created_by, "
                    "updated_at, updated_by) VALUES ('00', 'x.pdf', 'application/pdf', 1, 'now', 'x', 'now', 'x')"),
])
def test_a_row_inserted_into_a_table_the_trail_has_no_record_of_yet_is_named(trail, table, insert):
    write_behind_the_app(trail, insert)
    assert [(c.table_name, c.columns) for c in audit.unrecorded_changes(trail)] == [(table, ("*",))]


def test_every_table_of_business_data_is_checked(trail):
    with connection.reading(trail) as db:
        checked = set(aq.audited_tables(db))
        every = set(db.table_names())
    derived = {t for t in every if t.startswith(aq.DERIVED_PREFIX)}  # the party search index, kept by triggers
    assert derived == {"parties_search", *(f"parties_search_{s}" for s in ("data", "idx", "docsize", "config"))}
    assert every - checked == set(aq.NOT_ROW_AUDITED) | derived
    assert {"terminations", "attachments", "deletion_certificates", "requests", "users", "addenda"} <= checked


def test_audit_verify_on_the_command_line_names_the_setting(trail):
    write_behind_the_app(trail, "UPDATE settings SET value = '株式会社なりすまし' WHERE key = 'organisation_name'")
    result = CliRunner().invoke(main, ["--db", str(trail), "audit", "verify"])
    assert result.exit_code == 1
    assert "settings organisation_name (changed: value)" in result.output


# --- 2. the wrong-link throttle: no header can fool it, and guessing cannot grow the database

PROXY = networks(["10.0.0.5"])


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "client"), [
    ("198.51.100.9", "203.0.113.7", (), "198.51.100.9"),  # nobody trusted: the header is not read
    (None, "203.0.113.7", (), "127.0.0.1"),  # from this host, still not read
    ("198.51.100.9", "203.0.113.7", PROXY, "198.51.100.9"),  # the header comes from a stranger
    ("10.0.0.5", "203.0.113.7", PROXY, "203.0.113.7"),  # our proxy says who it forwarded
    ("10.0.0.5", "192.0.2.66, 203.0.113.7", PROXY, "203.0.113.7"),  # the left part is the client's own
    ("10.0.0.5", "203.0.113.7, 10.0.0.5", PROXY, "203.0.113.7"),  # through two of ours
    ("10.0.0.5", "not-an-address, 10.0.0.5", PROXY, "10.0.0.5"),  # a hop that is no address
    ("10.0.0.5", "", PROXY, "10.0.0.5"),
    ("::1", "2001:db8::7", networks(["::1"]), "2001:db8::7"),
])
def test_the_client_is_the_connection_unless_a_trusted_proxy_forwarded_it(peer, forwarded, trusted, client):
    assert client_address(peer, forwarded, trusted) == client


def test_trusted_proxies_come_from_the_settings_and_a_wrong_one_is_named(tmp_path):
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text('[server]\ntrusted_proxies = ["127.0.0.1", "10.0.0.0/8"]\n')
    bad.write_text('[server]\ntrusted_proxies = ["10.0.0.0/8", "proxy.local"]\n')
    assert settings.load(good).trusted_proxies == networks(["127.0.0.1", "10.0.0.0/8"])
    assert settings.load(tmp_path / "absent.toml").trusted_proxies == ()
    with pytest.raises(ValueError, match="proxy.local"):
        settings.load(bad)


def _sent_request(ctx) -> str:
    party = f.party(ctx, "株式会社回答", contact_person="回答 花子", email="hanako@example.jp")
    link = f.link(ctx, party, business_id=f.business(ctx), status="proposed")
    issued = requests.create_request(ctx, RequestDraft(link, "selection", TODAY + timedelta(days=30)))
    return issued.link.split("answer=")[1]


def test_guessing_from_rotating_addresses_writes_at_most_the_cap(ctx, db_path):
    token = _sent_request(ctx)
    for guess in range(300):
        with pytest.raises(LinkRefused):
            request_answers.open_link(db_path, f"wrong-token-{guess:06d}-xxxxxxxx", f"198.51.100.{guess % 250}",
                                         TODAY).view()
    with connection.reading(db_path) as db:
        assert db.execute("SELECT count(*) FROM request_link_failures").fetchone()[0] == MAX_RECORDED_PER_MINUTE
    assert request_answers.open_link(db_path, token, "192.0.2.1", TODAY).view().state == "opened"  # vendors still get in


# --- 4. one bad address, or a server that is down, stops nobody else's chase

BAD_ADDRESSES = ["hanako@example.jp\nBcc: all@example.jp", "hana\r\nko@example.jp", "two@example.jp, three@example.jp",
                 "no-at-sign.example.jp", "hanako@localhost", "花子 <hanako@example.jp>", "a@b@example.jp", "x" * 250 + "@e.jp"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_address_is_refused_wherever_it_enters(ctx, db_path, address):
    assert not is_valid(address)
    with pytest.raises(RuleViolation) as party:
        parties.create_party(ctx, PartyDraft(name="株式会社宛先", email=address))
    assert [p.field for p in party.value.problems] == ["email"]
    with pytest.raises(RuleViolation) as user:
        users.create_user(context_for(db_path, Role.ADMIN), users.UserInput("u1", "U", "manager", email=address))
    assert [p.field for p in user.value.problems] == ["email"]
    link = f.link(ctx, f.party(ctx, "株式会社回答"), business_id=f.business(ctx), status="proposed")
    with pytest.raises(RuleViolation) as request:
        requests.create_request(ctx, RequestDraft(link, "selection", TODAY + timedelta(days=30), "回答 花子", address))
    assert [p.field for p in request.value.problems] == ["contact_email"]


@pytest.mark.parametrize("address", ["hanako@example.jp", "first.last+tag@sub.example.co.jp", "a_b-c@example.com"])
def test_ordinary_addresses_are_accepted(address):
    assert is_valid(address)


def _three_requests_due_in_a_week(ctx, db_path) -> list[tuple[int, str]]:
    """Three sent requests (R, token); the middle one's address was stored before addresses were
    checked, with a line break in it."""
    made = []
    for name, address in (("株式会社一", "one@example.jp"), ("株式会社二", "two@example.jp"), ("株式会社三", "three@example.jp")):
        link = f.link(ctx, f.party(ctx, name), business_id=f.business(ctx, f"{name}の業務"), status="proposed")
        issued = requests.create_request(ctx, RequestDraft(link, "selection", TODAY + timedelta(days=7), "担当",
                                                           address))
        made.append((issued.request_id, issued.link.split("answer=")[1]))
    write_behind_the_app(db_path, f"UPDATE requests SET contact_email = 'two@example.jp\nBcc: all@example.jp' WHERE id = {made[1][0]}")
    return made


def test_a_bad_address_fails_its_own_reminder_and_the_others_are_chased(ctx, db_path, smtp_server):
    inbox, port = smtp_server
    made = _three_requests_due_in_a_week(ctx, db_path)
    done = request_mail.chase(ctx, Smtp(host="127.0.0.1", port=port, security="none", sender="tracker@example.jp"))
    assert done.sent == 2 and len(inbox.messages) == 2
    assert len(done.failed) == 1 and f"R{made[1][0]}" in done.failed[0]
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["one@example.jp", "three@example.jp"]
    # the undelivered reminder's vendor keeps its working link; the delivered ones' old links are replaced
    assert request_answers.open_link(db_path, made[1][1], "192.0.2.1", TODAY).view().id == made[1][0]
    for _, token in (made[0], made[2]):
        with pytest.raises(LinkRefused):
            request_answers.open_link(db_path, token, "192.0.2.1", TODAY).view()


def test_a_server_that_is_down_replaces_no_link_and_says_so(ctx, db_path):
    made = _three_requests_due_in_a_week(ctx, db_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]  # nothing listens there once the probe is closed
    done = request_mail.chase(ctx, Smtp(host="127.0.0.1", port=closed_port, security="none", sender="t@example.jp",
                                        timeout_seconds=2))
    assert done.sent == 0 and len(done.failed) == 3
    assert [("cannot be reached" in failure) for failure in done.failed] == [True, False, True]
    for request_id, token in made:
        assert request_answers.open_link(db_path, token, "192.0.2.1", TODAY).view().id == request_id


def test_remind_on_the_command_line_reports_each_failure_and_exits_1(ctx, db_path, smtp_server, tmp_path):
    inbox, port = smtp_server
    made = _three_requests_due_in_a_week(ctx, db_path)
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "t@example.jp"\n')
    result = CliRunner().invoke(main, ["--db", str(db_path), "remind", "--settings", str(settings_file),
                                       "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert f"Not sent: R{made[1][0]}" in result.output and "2 vendor reminder(s) sent; 1 not sent." in result.output
    assert len(inbox.messages) == 2


# --- 3. forwarding is bounded: one open forward per sub-link, only while the vendor is answering

@pytest.fixture
def forwarding(ctx, db_path):
    """A declaration sent to a tier-1 vendor with two registered sub-processors below it."""
    business = f.business(ctx)
    tier1 = f.link(ctx, f.party(ctx, "株式会社一次"), business_id=business)
    subs = [f.link(ctx, f.party(ctx, name), business_id=business, parent=tier1)
            for name in ("株式会社二次A", "株式会社二次B")]
    issued = requests.create_request(ctx, RequestDraft(tier1, "subprocessors", TODAY + timedelta(days=30),
                                                       "一次 担当", "one@example.jp"))
    return issued.request_id, issued.link.split("answer=")[1], subs


def _forwards(db_path, request_id) -> int:
    with connection.reading(db_path) as db:
        return db.execute("SELECT count(*) FROM requests WHERE forwarded_from_id = ?", [request_id]).fetchone()[0]


def test_a_second_forward_to_the_same_sub_link_is_refused_plainly(forwarding, db_path):
    request_id, token, (sub_a, sub_b) = forwarding
    request_answers.open_link(db_path, token, "192.0.2.1", TODAY).forward(sub_a, "二次 担当", "a@example.jp")
    for _ in range(20):
        with pytest.raises(RuleViolation) as refused:
            request_answers.open_link(db_path, token, "192.0.2.1", TODAY).forward(sub_a, "二次 担当", "a@example.jp")
        assert [p.code for p in refused.value.problems] == ["error.request.already_forwarded"]
    request_answers.open_link(db_path, token, "192.0.2.1", TODAY).forward(sub_b, "二次 担当B", "")  # another sub-link is fine
    assert _forwards(db_path, request_id) == 2


def test_no_forwarding_once_the_request_is_submitted(forwarding, db_path):
    request_id, token, (sub_a, _) = forwarding
    view = request_answers.open_link(db_path, token, "192.0.2.1", TODAY).view()
    request_answers.open_link(db_path, token, "192.0.2.1", TODAY).submit(view.version,
                           {"has_subprocessors": "no", "subprocessors": []}, "一次 担当")
    with pytest.raises(RuleViolation) as refused:
        request_answers.open_link(db_path, token, "192.0.2.1", TODAY).forward(sub_a, "二次 担当", "a@example.jp")
    assert [p.code for p in refused.value.problems] == ["error.request.forward_closed"]
    assert _forwards(db_path, request_id) == 0


@pytest.mark.parametrize(("name", "address", "field", "code"), [
    ("", "a@example.jp", "contact_name", "error.required"),
    ("名" * 101, "a@example.jp", "contact_name", "error.too_long"),
    ("二次 担当", "a@example.jp\nBcc: all@example.jp", "contact_email", "error.email.invalid"),
    ("二次 担当", "x" * 300 + "@example.jp", "contact_email", "error.email.invalid"),
])
def test_a_forward_keeps_its_contact_fields_to_their_limits(forwarding, db_path, name, address, field, code):
    request_id, token, (sub_a, _) = forwarding
    with pytest.raises(RuleViolation) as refused:
        request_answers.open_link(db_path, token, "192.0.2.1", TODAY).forward(sub_a, name, address)
    assert [(p.field, p.code) for p in refused.value.problems] == [(field, code)]
    assert _forwards(db_path, request_id) == 0


# --- 6. what one link can store is bounded, and files no answer names go

@pytest.fixture
def checksheet(ctx, db_path):
    link = f.link(ctx, f.party(ctx, "株式会社添付"), business_id=f.business(ctx), status="proposed")
    issued = requests.create_request(ctx, RequestDraft(link, "selection", TODAY + timedelta(days=30), "担当", ""))
    return issued.request_id, issued.link.split("answer=")[1]


def _stored(db_path) -> tuple[int, int]:
    """(attachment rows, files on disk)."""
    with connection.reading(db_path) as db:
        rows = db.execute("SELECT count(*) FROM attachments").fetchone()[0]
    folder = attachments.folder(db_path)
    return rows, len([p for p in folder.rglob("*") if p.is_file()]) if folder.exists() else 0


def _save(db_path, token, uploads, answers=None):
    view = request_answers.open_link(db_path, token, "192.0.2.1", TODAY).view()
    request_answers.open_link(db_path, token, "192.0.2.1", TODAY).save_draft(view.version, answers or {}, uploads)


def test_a_file_replaced_again_and_again_leaves_only_the_last(checksheet, db_path):
    _, token = checksheet
    for number in range(30):
        _save(db_path, token, {"rules_document": (f"規程{number}.pdf", files.pdf(f"rules {number}"))})
    assert _stored(db_path) == (1, 1)
    view = request_answers.open_link(db_path, token, "192.0.2.1", TODAY).view()
    assert list(view.attachment_names.values()) == ["規程29.pdf"]


def test_a_refused_save_keeps_neither_the_answer_nor_the_file(checksheet, db_path):
    _, token = checksheet
    with pytest.raises(RuleViolation):
        _save(db_path, token, {"rules_document": ("規程.pdf", files.pdf("refused"))}, {"past_incidents": "maybe"})
    assert _stored(db_path) == (0, 0)
    with pytest.raises(RuleViolation) as refused:  # a bad file is named at its question
        _save(db_path, token, {"rules_document": ("規程.pdf", files.pdf() + b"MZ" + b"\0" * 64)})
    assert [p.field for p in refused.value.problems] == ["rules_document"]
    assert _stored(db_path) == (0, 0)


def test_the_files_of_one_request_are_limited_by_the_settings(checksheet, db_path, tmp_path, monkeypatch):
    _, token = checksheet
    limits = tmp_path / "settings.toml"
    limits.write_text("[requests]\nmax_files = 1\nmax_files_megabytes = 1\n")
    monkeypatch.setenv("TRACKER_SETTINGS", str(limits))
    with pytest.raises(RuleViolation) as refused:
        _save(db_path, token, {"rules_document": ("規程.pdf", files.pdf("big" + "x" * 1_100_000))})
    assert [p.code for p in refused.value.problems] == ["error.request.too_many_files"]
    assert _stored(db_path) == (0, 0)
    _save(db_path, token, {"rules_document": ("規程.pdf", files.pdf("small"))})
    assert _stored(db_path) == (1, 1)


def test_withdrawing_removes_the_files_no_answer_names(ctx, checksheet, db_path):
    request_id, token = checksheet
    _save(db_path, token, {"rules_document": ("規程.pdf", files.pdf("kept"))})
    with connection.reading(db_path) as db:  # a file left by a try that failed half way, before this change
        db.conn.execute("INSERT INTO attachments(sha256, original_name, content_type, size, created_at, created_by, "
                        "updated_at, updated_by) VALUES ('ab', 'orphan.pdf', 'application/pdf', 1, 'now', ?, 'now', ?)",
                        [f"vendor:R{request_id}"] * 2)
        db.conn.commit()
    row = requests.request_view(ctx, request_id).row
    requests.withdraw(ctx, request_id, row["version"])
    with connection.reading(db_path) as db:
        assert [r[0] for r in db.execute("SELECT original_name FROM attachments")] == ["規程.pdf"]
