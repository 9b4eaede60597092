"""Figures that open their lists: a number coloured by what it means (red: something is wrong,
orange: something waits, green: nothing to do, grey: a plain count) above a link named after it."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from .navigation import screen

PROBLEM, WAITING, COUNT = "problem", "waiting", "count"


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    tone: str  # PROBLEM, WAITING or COUNT
    page: str
    query: dict = field(default_factory=dict)


def colour(figure: Figure) -> str:
    if figure.tone == COUNT:
        return "gray"
    if not figure.value:
        return "green"
    return "red" if figure.tone == PROBLEM else "orange"


def show(figures: list[Figure], per_row: int = 4) -> None:
    """Tiles, ``per_row`` to a row: wide enough that no label is cut."""
    for start in range(0, len(figures), per_row):
        for column, figure in zip(st.columns(per_row), figures[start:start + per_row], strict=False):
            with column.container(border=True):
                st.subheader(f":{colour(figure)}[{figure.value:,}]", anchor=False)
                st.page_link(screen(figure.page), label=figure.label, query_params=figure.query or None)


def preset(key: str, parameter: str, value_of=lambda text: text) -> None:
    """A list opened from a figure starts filtered as the figure counted (``?status=overdue``);
    the parameter is then dropped so that the user's own choice holds on the next rerun."""
    if parameter in st.query_params:
        st.session_state[key] = value_of(st.query_params[parameter])
        del st.query_params[parameter]
