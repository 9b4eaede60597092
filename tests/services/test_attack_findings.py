"""Hardening (issue 25): what the fault and attack scripts broke, each point a test first.

Points 1 and 5 (Markdown on the screens, a busy database on the pages) are tested where the screens
are: tests/pages and tests/e2e."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests import files
from tests.conftest import context_for
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.inputs.file_structure import is_well_formed
from tracker.services import attachments, users


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
