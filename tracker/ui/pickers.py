"""Choosing one record among tens of thousands: a search box, then a short list of matches."""

from __future__ import annotations

import streamlit as st

from ..services import engagements, parties
from ..services.context import Context
from .session import tr

MATCHES = 50


def party_picker(ctx: Context, label: str, key: str, current: dict | None = None,
                 allow_none: bool = False) -> int | None:
    """Search text + selectbox of at most 50 matches; ``current`` stays selectable."""
    text = st.text_input(f"{label} — {tr('common.search')}", key=f"{key}_q",
                         placeholder=tr("common.search_placeholder"))
    rows = parties.party_choices(ctx, text, MATCHES)
    options: list[int | None] = [r["id"] for r in rows]
    names = {None: tr("common.none")} | {r["id"]: _party_label(r) for r in rows}
    if current and current["id"] not in names:
        options.insert(0, current["id"])
        names[current["id"]] = _party_label(current)
    if allow_none:
        options.insert(0, None)
    index = options.index(current["id"]) if current and current["id"] in options else (0 if options else None)
    return st.selectbox(label, options, index=index, key=key,
                        format_func=names.__getitem__)


def _party_label(row: dict) -> str:
    number = f" ({row['corporate_number']})" if row.get("corporate_number") else ""
    return f"{row['name']}{number}"


def engagement_picker(ctx: Context, label: str, key: str, business_id: int | None,
                      preset: int | None = None) -> int | None:
    """Parent-engagement picker within one business; None means tier 1 (entrusted by us)."""
    text = st.text_input(tr("engagement.parent_search"), key=f"{key}_q")
    rows, _ = engagements.search_engagements(ctx, text=text, business_id=business_id, limit=MATCHES) \
        if business_id else ([], 0)
    options: list[int | None] = [None] + [r["id"] for r in rows]
    names = {None: tr("engagement.parent_none")} | {r["id"]: engagement_label(r) for r in rows}
    if preset and preset not in names:
        row = engagements.get_engagement(ctx, preset)
        options.insert(1, preset)
        names[preset] = engagement_label(row)
    index = options.index(preset) if preset in options else 0
    return st.selectbox(label, options, index=index, key=key,
                        format_func=names.__getitem__)


def engagement_label(row: dict) -> str:
    return f"#{row['id']} {tr('engagement.tier_label', tier=row['tier'])} · {row['entrustee_name']} — {row['work']}"


def link_picker(ctx: Context, label: str, key: str, current: dict | None = None) -> int | None:
    """Any engagement of the registry: search by entrustee or work, then a short list."""
    text = st.text_input(tr("contract.engagement_search"), key=f"{key}_q")
    rows, _ = engagements.search_engagements(ctx, text=text, limit=MATCHES)
    names = {r["id"]: f"{r['business_name']} · {engagement_label(r)}" for r in rows}
    if current and current["id"] not in names:
        names = {current["id"]: f"{current['business_name']} · {engagement_label(current)}"} | names
    options = list(names)
    index = options.index(current["id"]) if current else (0 if options else None)
    return st.selectbox(label, options, index=index, key=key, format_func=names.__getitem__)
