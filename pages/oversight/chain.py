"""Chain: one entrusted business drawn from us down to the deepest tier."""

import streamlit as st

from tracker.services import businesses, chains, gaps, parties, setup
from tracker.ui import labels
from tracker.ui.chain_graph import chain_dot
from tracker.ui.forms import paged, pager
from tracker.ui.links import query_id, query_record
from tracker.ui.pickers import party_picker
from tracker.ui.session import context, lang, tr
from tracker.ui.text import md, md_short

GRAPH_LIMIT = 150
PAGE = 200

ctx = context()
organisation = setup.organisation_name(ctx, lang())
st.title(tr("chain.title"))

all_businesses = businesses.list_businesses(ctx)
if not all_businesses:
    st.info(tr("chain.no_business"))
    st.stop()

by_id = {b["id"]: b for b in all_businesses}
wanted = query_id("business")
default = wanted if wanted in by_id else all_businesses[0]["id"]
business_id = st.selectbox(
    tr("chain.business"), list(by_id), index=list(by_id).index(default), key="chain_business",
    format_func={i: f"{b['name']}（{b['owner_department']}）" for i, b in by_id.items()}.__getitem__,
)
st.query_params["business"] = str(business_id)

links, total = paged(lambda limit, offset: chains.chain_of_business(ctx, business_id, limit, offset),
                     "chain_page", PAGE)
st.markdown(f"{tr('chain.links')}: **{total}** · {tr('chain.legend')}: {labels.legend()}")

open_gaps = gaps.registry_gaps(ctx)
# only the open tab is built; a chain too large to draw opens on its list (the tab bar's default
# counts only when its key is new)
too_large = total > GRAPH_LIMIT
graph_tab, list_tab = st.tabs([tr("chain.graph"), tr("chain.tree")], on_change="rerun",
                              default=tr("chain.tree") if too_large else None, key=f"chain_tabs_{too_large}")
if graph_tab.open:
    with graph_tab:
        if not too_large:
            st.graphviz_chart(chain_dot(links, organisation, labels.tier, lambda link_id: tr(
                "gap.count", count=open_gaps.count(link_id)) if open_gaps.count(link_id) else ""))
        else:
            st.info(tr("chain.too_large", total=total))

if list_tab.open:
    with list_tab:
        lines = []
        for link in links:
            indent = "　　" * (link.tier - 1)
            finding = f" {labels.finding(link.findings[0])}" if link.findings else ""
            subsidiary = f" · {tr('engagement.subsidiary')}" if link.subsidiary else ""
            lines.append(
                f"{indent}└ {labels.approval(link.approval_status, link.tier)}{finding} "
                f"**{md_short(link.entrustee_name)}** ({labels.tier(link.tier)}) — {md(link.work)} · "
                f"{labels.status(link.status)}{subsidiary} {labels.gap_count(open_gaps.count(link.id))}"
            )
        st.markdown(f"**{md(organisation)}**  \n" + "  \n".join(lines))
        pager(total, "chain_page", PAGE)

st.subheader(tr("chain.path_to"))
current = query_record("party", lambda i: parties.get_party(ctx, i))
party_id = party_picker(ctx, tr("chain.path_party"), "chain_party", current=current, allow_none=True)
if party_id:
    for link in chains.paths_to_party(ctx, business_id, party_id):
        st.markdown(f"{labels.approval(link.approval_status, link.tier)} {labels.path(link.path, organisation)}")
