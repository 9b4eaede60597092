"""Tables on the screens. ``st.table`` renders Markdown in its cells (Streamlit 1.67): every cell,
header and row label goes through ``md`` in ``literal_table``, the one place that calls it (a test
holds the code to that). ``st.dataframe`` shows text as text; its whole page of rows is sized here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .text import md

ROW_PIXELS = 35
HEADER_PIXELS = 38


def full_height(rows: int) -> int:
    """The height (px) at which a st.dataframe shows ``rows`` rows without an inner scrollbar."""
    return HEADER_PIXELS + ROW_PIXELS * max(rows, 1) + 3


def literal(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every cell, column name and row label as literal Markdown (text, never links,
    images or HTML)."""
    escaped = frame.map(_cell)
    escaped.columns = [md(c) for c in frame.columns]
    escaped.index = pd.Index([md(i) for i in frame.index], name=md(frame.index.name) if frame.index.name else None)
    return escaped


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return md(value)


def literal_table(frame: pd.DataFrame) -> None:
    """A static table (it wraps long text, unlike a grid) whose text is shown as it is."""
    st.table(literal(frame))
