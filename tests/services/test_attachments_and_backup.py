import hashlib
import io
import sqlite3
import tarfile
import threading

import pytest
from click.testing import CliRunner

from tests import factories as f
from tests import files
from tests.conftest import context_for
from tracker.cli import main
from tracker.domain.attachment_rules import safe_name
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services import attachments, audit, backup
from tracker.services.context import PermissionDenied
from tracker.store import audit_seal, connection

PDF = files.pdf()


def docx_bytes() -> bytes:
    return files.docx()


def test_a_file_is_stored_once_by_its_hash_with_its_safe_name(ctx, db_path):
    first = attachments.store(ctx, "../../契約書 <最終>.pdf", PDF)
    second = attachments.store(ctx, "copy.pdf", PDF)
    info, data = attachments.read(ctx, first)
    assert data == PDF and info.sha256 == hashlib.sha256(PDF).hexdigest()
    assert info.original_name == "契約書 _最終_.pdf" and info.content_type == "application/pdf"
    assert attachments.get(ctx, second).sha256 == info.sha256
    stored = [p for p in attachments.folder(db_path).rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [info.sha256]


@pytest.mark.parametrize(("name", "data", "code"), [
    ("empty.pdf", b"", "error.attachment.empty"),
    ("tool.exe", b"MZ\x90\x00", "error.attachment.type_not_allowed"),
    ("fake.pdf", b"MZ\x90\x00 not a pdf", "error.attachment.content_mismatch"),
    ("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), "error.attachment.too_large"),
])
def test_bad_files_are_refused_and_nothing_is_kept(ctx, db_path, name, data, code):
    with pytest.raises(RuleViolation) as raised:
        attachments.store(ctx, name, data)
    assert raised.value.problems[0].code == code
    assert not attachments.folder(db_path).exists()


def test_allowed_office_and_image_types(ctx):
    assert attachments.get(ctx, attachments.store(ctx, "契約.docx", docx_bytes())).content_type.endswith("document")
    assert attachments.store(ctx, "photo.JPG", files.jpeg())


def test_an_altered_file_is_detected_on_reading(ctx, db_path):
    attachment_id = attachments.store(ctx, "a.pdf", PDF)
    [path] = [p for p in attachments.folder(db_path).rglob("*") if p.is_file()]
    path.write_bytes(PDF + b"tampered")
    with pytest.raises(attachments.AttachmentDamaged):
        attachments.read(ctx, attachment_id)


def test_managers_cannot_upload(db_path):
    with pytest.raises(PermissionDenied):
        attachments.store(context_for(db_path, Role.MANAGER), "a.pdf", PDF)


@pytest.mark.parametrize(("name", "expected"), [("a/b/c.pdf", "c.pdf"), ("C:\\\\x\\\\y.png", "y.png"), ("...", "attachment"),
                                           ("\x00evil\x1f.pdf", "_evil_.pdf")])
def test_names_are_sanitised(name, expected):
    assert safe_name(name) == expected


def test_backup_during_concurrent_writes_restores_to_a_consistent_database(ctx, db_path, tmp_path):
    attachments.store(ctx, "evidence.pdf", PDF)
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            f.party(ctx, f"並行書込{n}")
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archives = [backup.backup(db_path, tmp_path / f"b{i}.tar.gz") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert all(a["attachments"] == 1 for a in archives)
    target = tmp_path / "restored" / "tracker.db"
    backup.restore(tmp_path / "b2.tar.gz", target, audit_seal.key(db_path))
    broken, records = audit.verify_chain(target)
    assert broken is None and records > 0
    with connection.reading(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        parties = db.execute("SELECT count(*) FROM parties").fetchone()[0]
        audited = db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'parties'").fetchone()[0]
    assert parties == audited  # every row with its audit record: one moment, not a torn copy
    assert [p.name for p in attachments.folder(target).rglob("*") if p.is_file()] == [hashlib.sha256(PDF).hexdigest()]


def test_restore_refuses_a_non_empty_location_and_foreign_archives(ctx, db_path, tmp_path):
    backup.backup(db_path, tmp_path / "b.tar.gz")
    with pytest.raises(backup.RestoreRefused):
        backup.restore(tmp_path / "b.tar.gz", db_path)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(backup.RestoreRefused):
        backup.restore(evil, tmp_path / "new" / "tracker.db")
    assert not (tmp_path / "outside.txt").exists()


def test_cli_backup_restore_and_audit_verify(ctx, db_path, tmp_path):
    f.party(ctx, "A")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db_path), "backup", str(tmp_path / "b.tar.gz")]).exit_code == 0
    target = tmp_path / "r" / "tracker.db"
    result = runner.invoke(main, ["--db", str(target), "restore", str(tmp_path / "b.tar.gz"),
                                  "--audit-key", str(audit_seal.key_path(db_path))])
    assert result.exit_code == 0 and "intact" in result.output
    verify = runner.invoke(main, ["--db", str(target), "audit", "verify"])
    assert verify.exit_code == 0 and "intact" in verify.output
    conn = sqlite3.connect(target)
    conn.execute("UPDATE audit_log SET username = 'mallory' WHERE id = 1")
    conn.commit()
    conn.close()
    broken = runner.invoke(main, ["--db", str(target), "audit", "verify"])
    assert broken.exit_code == 1 and "record 1" in broken.output


def test_cli_user_add_creates_an_admin_who_can_sign_in(tmp_path):
    from tracker.services import users

    path = tmp_path / "t.db"
    result = CliRunner().invoke(main, ["--db", str(path), "user", "add", "alice", "--role", "admin",
                                       "--password-stdin"], input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert users.sign_in(path, "alice", "a long enough secret").role == Role.ADMIN
    weak = CliRunner().invoke(main, ["--db", str(path), "user", "add", "bob", "--role", "manager",
                                     "--password-stdin"], input="short\n")
    assert weak.exit_code == 1 and "at least" in weak.output


def test_attaching_the_signed_document_to_a_contract(ctx):
    from tracker.services import contracts
    from tracker.services.contracts import ContractInput
    from tracker.domain.problems import StaleRecord

    _, _, [link] = f.chain(ctx, 1)
    contract_id = contracts.create_contract(ctx, link, ContractInput("委託契約", "master"))
    attachment_id = contracts.attach_document(ctx, contract_id, 1, "signed.pdf", PDF)
    assert contracts.get_contract(ctx, contract_id)["attachment_id"] == attachment_id
    with pytest.raises(StaleRecord):  # someone else attached meanwhile: nothing is overwritten
        contracts.attach_document(ctx, contract_id, 1, "other.pdf", files.pdf("other"))
    assert contracts.get_contract(ctx, contract_id)["attachment_id"] == attachment_id
