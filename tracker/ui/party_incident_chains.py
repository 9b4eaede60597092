"""The chains of an incident at one company, side by side on the incident screen: each chain's
classification, next deadline and notices, the earliest deadline first; one opens on a pick."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..services import party_incidents
from ..services.context import Context
from . import labels
from .session import tr
from .tables import literal_table
from .text import md

SHOWN = 50  # rows in the table; every chain is in the picker


def side_by_side(ctx: Context, row: dict) -> None:
    seen = party_incidents.party_incident(ctx, row["party_incident_id"])
    st.subheader(tr("incident.party.side_by_side", party=md(seen.party_name), chains=len(seen.chains)))
    literal_table(pd.DataFrame([{
        "#": f"#{v.row['id']}" + (" ◀" if v.row["id"] == row["id"] else ""),
        tr("incident.party.chain"): v.link.business_name,
        tr("engagement.tier"): labels.tier(v.link.tier),
        tr("incident.classification"): tr("incident.reportable") if v.classification.reportable
        else tr("incident.not_reportable"),
        tr("incident.next_deadline"): f"{v.next_deadline.isoformat()} · {tr(f'home.deadline.{v.next_deadline_kind}')}"
        if v.next_deadline else "—",
        tr("incident.party.notices"): f"{sum(n.notice.notified_on is not None for n in v.notices)} / {len(v.notices)}",
        tr("incident.party.state"): tr("incident.closed_on") + f" {v.row['closed_on']}" if v.row["closed_on"]
        else tr("incident.open"),
    } for v in seen.chains[:SHOWN]]).set_index("#"))
    if len(seen.chains) > SHOWN:
        st.caption(tr("common.more", count=len(seen.chains) - SHOWN))
    others = {v.row["id"]: f"#{v.row['id']} {v.link.business_name} ({labels.tier(v.link.tier)})"
              for v in seen.chains if v.row["id"] != row["id"]}
    key = f"incident_sibling_{row['id']}"
    st.selectbox(tr("incident.party.open_chain"), list(others), index=None, format_func=others.__getitem__,
                 placeholder=tr("common.choose"), key=key,
                 on_change=lambda: st.session_state.update(incident_pick=st.session_state[key]))
