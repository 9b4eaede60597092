"""Small real files for tests that attach evidence: each parses with its format's own reader."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image
from pypdf import PdfWriter


@cache
def pdf(note: str = "") -> bytes:
    """A one-page PDF; ``note`` goes into its metadata, so different notes give different files."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    if note:
        writer.add_metadata({"/Subject": note})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


@cache
def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


@cache
def docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()
