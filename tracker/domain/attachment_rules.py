"""What may be attached as evidence (contracts, certificates, inspection photos), and its safe name."""

from __future__ import annotations

import re
import unicodedata

from .problems import Problem

# extension -> (content type, how the file must start); .docx and .xlsx are zip packages
ALLOWED = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")
MAX_NAME = 120


def safe_name(original: str) -> str:
    """The file's own name, without any folder, control or reserved characters; never empty."""
    name = unicodedata.normalize("NFC", original).replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: MAX_NAME - len(extension) - 1] + "." + extension) if dot else name[:MAX_NAME]
    return name or "attachment"


def document_name(parts: list[str], extension: str) -> str:
    """A download's name from its parts (what, whose, when): 「覚書_株式会社A_2026-12-01.docx」.
    A slash in a name is part of the name, not a folder."""
    stem = "_".join(p.strip().replace("/", "_").replace("\\", "_") for p in parts if p and p.strip())
    return safe_name(f"{stem}{extension}")


def extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check(name: str, data: bytes, max_bytes: int) -> list[Problem]:
    """Problems of an upload: empty, too large, a type not on the allow-list, or content that is not
    what its name says (a renamed executable is refused)."""
    if not data:
        return [Problem("file", "error.attachment.empty")]
    if len(data) > max_bytes:
        return [Problem("file", "error.attachment.too_large", {"max_mb": max_bytes // (1024 * 1024)})]
    kind = ALLOWED.get(extension(name))
    if kind is None:
        return [Problem("file", "error.attachment.type_not_allowed",
                        {"allowed": ", ".join(sorted({e.lstrip('.').upper() for e in ALLOWED}))})]
    if not data.startswith(kind[1]):
        return [Problem("file", "error.attachment.content_mismatch")]
    return []
