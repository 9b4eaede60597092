"""The top of a screen about one engagement: choose it (from ?engagement= or a search), then say
which link it is and where it sits in its chain."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..services import chains, engagements, setup
from ..services.chains import ChainLink
from ..services.context import Context
from . import labels
from .links import query_record
from .pickers import link_picker
from .session import lang, tr
from .text import md, md_short


def choose_link(ctx: Context, key: str, badge_of: Callable[[int], str] | None = None) -> ChainLink:
    """The chosen link (the page stops when there is none); ``badge_of(id)`` follows its status."""
    current = query_record("engagement", lambda i: engagements.get_engagement(ctx, i))
    engagement_id = link_picker(ctx, tr("contract.engagement"), key, current)
    if engagement_id is None:
        st.stop()
    st.query_params["engagement"] = str(engagement_id)
    link = chains.link(ctx, engagement_id)
    badge = badge_of(engagement_id) if badge_of else ""
    organisation = setup.organisation_name(ctx, lang())
    st.markdown(f"{md(link.ref)} · **{md_short(link.entrustee_name)}** · {labels.tier(link.tier)} · {md(link.business_name)} · "
                f"{labels.status(link.status)} {badge}  \n{labels.path(link.path, organisation)}  \n"
                f"{labels.categories(link.data_categories)}")
    return link
