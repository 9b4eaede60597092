"""Choosing one record among tens of thousands: a search box, then a short list of matches.

A picker lists only what matches the search and never keeps a record the search no longer shows.
Nothing is chosen for the user: the selection starts empty unless the record is given (the one
already saved in the field, or the one the page was opened for) or the search names exactly one
record.
"""

from __future__ import annotations

import streamlit as st

from ..domain.corporate_number import normalise
from ..services import engagements, parties
from ..services.context import Context
from .session import tr
from .text import short

MATCHES = 50


def choose(label: str, key: str, names: dict, preferred=None):
    """A selectbox over ``names`` (option → label): the user's earlier choice stays while it is
    still listed; otherwise ``preferred`` when listed, else nothing."""
    if key not in st.session_state or st.session_state[key] not in names:
        st.session_state[key] = preferred if preferred in names else None
    return st.selectbox(label, list(names), index=None, persist_state="page", key=key, format_func=names.__getitem__,
                        placeholder=tr("common.choose"))


def _exact(rows: list[dict], text: str, *fields: str) -> int | None:
    """The one row whose field equals the search text (case and full-width digits aside), if exactly one."""
    wanted = normalise(text).casefold()
    hits = [r["id"] for r in rows if any(normalise(str(r.get(f) or "")).casefold() == wanted for f in fields)]
    return hits[0] if wanted and len(hits) == 1 else None


def _preferred(key: str, current_id: int | None, text: str, exact: int | None) -> int | None:
    """The record named by the page (or saved in the field) wins when the page is opened for it;
    a search that names exactly one record chooses it."""
    seen = f"{key}_current_seen"
    if current_id is not None and st.session_state.get(seen) != current_id:
        st.session_state[seen] = current_id
        if st.session_state.get(key) != current_id:
            st.session_state.pop(key, None)  # opened for another record: forget the old choice
    return exact if text.strip() else current_id


def party_picker(ctx: Context, label: str, key: str, current: dict | None = None,
                 allow_none: bool = False) -> int | None:
    """Search text + selectbox of at most 50 matches. ``current`` (the party saved in this field)
    stays listed, since it is the field's value; ``allow_none`` adds an explicit "none"."""
    text = st.text_input(f"{label} — {tr('common.search')}", persist_state="page", key=f"{key}_q",
                         placeholder=tr("common.search_placeholder"))
    rows = parties.party_choices(ctx, text, MATCHES)
    names: dict[int | None, str] = {None: tr("common.none")} if allow_none else {}
    if current and (allow_none or not text.strip()):
        names[current["id"]] = party_label(current)
    names |= {r["id"]: party_label(r) for r in rows}
    exact = _exact(rows, text, "name", "corporate_number")
    return choose(label, key, names, _preferred(key, current["id"] if current else None, text, exact))


def party_label(row: dict) -> str:
    number = f" ({row['corporate_number']})" if row.get("corporate_number") else ""
    return f"{short(row['name'])}{number}"


def engagement_picker(ctx: Context, label: str, key: str, business_id: int | None,
                      preset: int | None = None) -> int | None:
    """Parent-engagement picker within one business; None means tier 1 (entrusted by us)."""
    text = st.text_input(tr("engagement.parent_search"), persist_state="page", key=f"{key}_q")
    rows, _ = engagements.search_engagements(ctx, text=text, business_id=business_id, limit=MATCHES) \
        if business_id else ([], 0)
    names: dict[int | None, str] = {None: tr("engagement.parent_none")}
    if preset and not text.strip():
        names[preset] = engagement_label(engagements.get_engagement(ctx, preset))
    names |= {r["id"]: engagement_label(r) for r in rows}
    exact = _exact(rows, text, "entrustee_name", "work")
    return choose(label, key, names, _preferred(key, preset, text, exact))


def engagement_label(row: dict) -> str:
    return (f"{row['ref']} {tr('engagement.tier_label', tier=row['tier'])} · {short(row['entrustee_name'])} — "
            f"{short(row['work'])}")


def link_picker(ctx: Context, label: str, key: str, current: dict | None = None) -> int | None:
    """Any engagement of the registry: search by entrustee or work, then a short list. ``current``
    (the link the page was opened for) is listed while the search is empty."""
    text = st.text_input(tr("contract.engagement_search"), persist_state="page", key=f"{key}_q")
    rows, _ = engagements.search_engagements(ctx, text=text, limit=MATCHES)
    names: dict[int, str] = {}
    if current and not text.strip():
        names[current["id"]] = f"{short(current['business_name'])} · {engagement_label(current)}"
    names |= {r["id"]: f"{short(r['business_name'])} · {engagement_label(r)}" for r in rows}
    exact = _exact(rows, text, "entrustee_name", "work")
    return choose(label, key, names, _preferred(key, current["id"] if current else None, text, exact))
