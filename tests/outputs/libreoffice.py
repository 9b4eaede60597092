"""Documents and workbooks seen as a reader sees them: converted to PDF by LibreOffice (headless),
then read back as text page by page (pypdf). `make test` installs LibreOffice like Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make test installs it)")


def to_pdf(document: Path) -> Path:
    """``document`` (.docx, .xlsx) as the PDF LibreOffice prints, beside it."""
    profile = document.parent / ".lo-profile"  # its own profile: runs in parallel never share one
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(document.parent), str(document)], check=True, capture_output=True, timeout=180)
    return document.with_suffix(".pdf")


def pages(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def squeezed(text: str) -> str:
    """Text without the spaces and line breaks a PDF's layout puts in it (for finding a sentence)."""
    return re.sub(r"\s+", "", text)
