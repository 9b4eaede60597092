"""Form plumbing: run a service from a button, keep the user's input, show errors by the field."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..domain.problems import Problem, RuleViolation
from .. import i18n
from ..i18n import describe
from ..services.context import Busy, PermissionDenied
from ..domain.problems import StaleRecord
from .session import NextStep, flash, lang, show_flash, tr
from .text import md

_SKIP_IN_DIFF = {"version", "updated_at", "updated_by", "created_at", "created_by"}
_LABEL_SECTION = {"parties": "party", "engagements": "engagement", "businesses": "business", "contracts": "contract",
                  "approvals": "approval", "users": "users", "incidents": "incident"}


def submit(errors_key: str, action: Callable[[], object], success: str, original: dict | None = None,
           on_success: Callable[[object], None] | None = None,
           next_steps: Callable[[object], list[NextStep]] | None = None,
           flash_at: str = "_flash") -> Callable[[], None]:
    """A button callback: run ``action``; on a broken rule keep the problems for ``field_errors``.

    Nothing is saved when the action raises: services write in one transaction.
    """

    def callback() -> None:
        try:
            result = action()
        except RuleViolation as violation:
            st.session_state[errors_key] = violation.problems
            return
        except StaleRecord as stale:
            st.session_state[errors_key] = _stale_problems(stale, original)
            return
        except PermissionDenied:
            st.session_state[errors_key] = [Problem(None, "error.permission")]
            return
        except Busy:  # nothing was saved (the transaction never began); the form keeps what was typed
            st.session_state[errors_key] = [Problem(None, "error.busy")]
            return
        st.session_state.pop(errors_key, None)
        flash(success, next_steps(result) if next_steps else None, flash_at)
        if on_success:
            on_success(result)

    return callback


def save_button(name: str, row: dict | None, create: Callable[[], object], update: Callable[[int], object],
                allowed: bool, next_steps: Callable[[int], list[NextStep]] | None = None) -> None:
    """"Create" on a new-record form (which then starts empty again); "Save" on an edit form, which
    sends the version the form was opened at (``update(version)``) and reopens fresh once saved.
    ``next_steps(record id)``: where the work goes on from the record just saved."""
    prefix = form_prefix(name, row)
    saved = f"{name}_{row['id'] if row else 'new'}_saved"
    if row:
        original = opened(name, row)
        action = lambda: update(original["version"])  # noqa: E731
        label, success, after = tr("common.save"), tr("common.saved"), reopen(name, row)
    else:
        original, action = None, create
        label, success, after = tr("common.create"), tr("common.created"), reset_new_form(name)
    st.button(label, type="primary", key=prefix + "submit", disabled=not allowed,
              on_click=submit(prefix + "errors", action, success, original=original, on_success=after,
                              next_steps=(lambda result: next_steps(row["id"] if row else result)) if next_steps
                              else None, flash_at=saved))
    show_flash(saved)  # right under the button: the form may sit far below the page's top
    if row and any(p.code == "error.stale" for p in st.session_state.get(prefix + "errors", [])):
        st.button(tr("common.reload_latest"), key=prefix + "reload", on_click=reopen(name, row))


def _stale_problems(stale: StaleRecord, original: dict | None) -> list[Problem]:
    current = stale.current or {}
    problems = [Problem(None, "error.stale", {"who": current.get("updated_by", "?"),
                                               "when": current.get("updated_at", "?")})]
    if original:
        changed = [k for k, v in current.items() if k not in _SKIP_IN_DIFF and k in original and original[k] != v]
        if changed:
            section = _LABEL_SECTION.get(stale.table, stale.table)
            labels = [i18n.t(f"{section}.{k}", lang()) for k in changed]
            names = [label if "." not in label else k for label, k in zip(labels, changed, strict=True)]  # no label: the column
            problems.append(Problem(None, "error.stale_changed", {"fields": i18n.join(names, lang())}))
    return problems


def field_errors(errors_key: str, field: str | None) -> None:
    """Show, right under a widget, what is wrong with it (``field`` None: the form as a whole)."""
    for problem in st.session_state.get(errors_key, []):
        if problem.field == field:
            st.markdown(f":red[:material/error: {describe(problem, lang(), quote=md)}]")


def form_errors_elsewhere(errors_key: str, shown_fields: set[str]) -> None:
    """Problems whose field has no widget on this form (so none is lost)."""
    for problem in st.session_state.get(errors_key, []):
        if problem.field is not None and problem.field not in shown_fields:
            st.markdown(f":red[:material/error: {describe(problem, lang(), quote=md)}]")


def form_prefix(name: str, row: dict | None) -> str:
    """Widget-key prefix of a form, stable until the form should start afresh: after this user's
    own save (or an explicit reload), never because someone else saved the record meanwhile, so a
    refused stale save keeps what the user typed and says why."""
    if row:
        return f"{name}_{row['id']}_g{st.session_state.get(_generation_key(name, row), 0)}_"
    return f"{name}_new{st.session_state.get(f'{name}_generation', 0)}_"


def _generation_key(name: str, row: dict) -> str:
    return f"{name}_{row['id']}_generation"


def choose_and_act(key: str, label: str, options: dict, button: str, action: Callable[[object], object],
                   success: str) -> None:
    """A record to pick (nothing picked beforehand) and a button that acts on it, enabled once one is
    picked; the action's problems under them."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox(label, list(options), index=None, format_func=options.__getitem__, placeholder=tr("common.choose"),
                   key=key)
    right.button(button, key=key + "_button", disabled=st.session_state.get(key) is None,
                 on_click=submit(key + "_errors", lambda: action(st.session_state[key]), success))
    field_errors(key + "_errors", None)


def opened(name: str, row: dict) -> dict:
    """The record as it was when this user opened the form: its version is the one a save expects."""
    return st.session_state.setdefault(form_prefix(name, row) + "opened", dict(row))


def reopen(name: str, row: dict) -> Callable[..., None]:
    """Callback: start the edit form afresh from the record as it is now."""

    def again(*_ignored) -> None:
        key = _generation_key(name, row)
        st.session_state[key] = st.session_state.get(key, 0) + 1

    return again


def reset_new_form(name: str) -> Callable[[object], None]:
    """on_success callback: the next new-record form starts empty (its old keys are dropped)."""

    def reset(_result: object) -> None:
        old = form_prefix(name, None)
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(old)]:
            del st.session_state[key]
        st.session_state[f"{name}_generation"] = st.session_state.get(f"{name}_generation", 0) + 1

    return reset


def paged(fetch: Callable[[int, int], tuple[list, int]], key: str, page_size: int = 50) -> tuple[list, int]:
    """Fetch the page the user is on; a page past the end (filters changed) falls back to the first."""
    page = st.session_state.get(key, 1)
    rows, total = fetch(page_size, (page - 1) * page_size)
    if not rows and total and page > 1:
        st.session_state[key] = 1
        rows, total = fetch(page_size, 0)
    return rows, total


def pager(total: int, key: str, page_size: int = 50) -> None:
    """Page chooser and "1–50 of 1,234" under a list fetched with ``paged``."""
    pages = max(1, -(-total // page_size))
    page = min(st.session_state.get(key, 1), pages)
    if pages > 1:
        page = st.number_input(tr("common.page"), min_value=1, max_value=pages, step=1, persist_state="page", key=key)
    start = (page - 1) * page_size
    st.caption(tr("common.page_of", start=min(total, start + 1), end=min(total, start + page_size), total=total))
