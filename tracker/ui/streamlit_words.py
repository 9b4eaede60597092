"""Streamlit's own words in the user's language. The file uploader's button ("Upload") and its
limit line ("20MB per file • XLSX") cannot be set through its API: a style sheet hides them and
shows ours instead (the upload itself is untouched)."""

from __future__ import annotations

import streamlit as st

from .session import tr

_CSS = """
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button > div::after {{ content: {button}; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: {limit}; font-size: 0.875rem; opacity: 0.7; }}
"""


def css_string(text: str) -> str:
    """A CSS string literal holding ``text`` (our own messages; quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def apply(max_megabytes: int) -> None:
    """Once per page run, before the page draws."""
    st.html("<style>" + _CSS.format(button=css_string(tr("upload.button")),
                                    limit=css_string(tr("upload.limit", mb=max_megabytes))) + "</style>")
