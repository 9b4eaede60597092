"""Clause gaps: one card per link with every clause its contracts lack, must-level first; the
counters count what the filters keep."""

import streamlit as st

from tracker.services import businesses, gaps, setup
from tracker.services.catalogue import catalogue
from tracker.services.gaps import GapFilter
from tracker.ui import labels
from tracker.ui.figures import preset
from tracker.ui.forms import paged, pager
from tracker.ui.session import context, lang, tr, tr_md
from tracker.ui.text import md, md_short
from tracker.ui.navigation import screen

PAGE_SIZE = 20  # links per page (a link may lack a dozen clauses)

ctx = context()
language = lang()
organisation = setup.organisation_name(ctx, language)
st.title(tr("nav.gaps"))

business_names = {None: tr("common.all")} | {b["id"]: b["name"] for b in businesses.list_businesses(ctx)}
levels = {None: tr("common.all"), "must": tr("clause.level_must"), "should": tr("clause.level_should")}
clause_names = {None: tr("common.all")} | {c.id: c.title(language) for c in catalogue()}
c1, c2, c3, c4 = st.columns([2, 1, 1, 2])
business_id = c1.selectbox(tr("engagement.business"), list(business_names), key="gaps_business",
                           format_func=business_names.__getitem__)
tiers = {None: tr("common.all")} | {n: labels.tier(n) for n in range(1, 11)}
tier = c2.selectbox(tr("engagement.tier"), list(tiers), key="gaps_tier", format_func=tiers.__getitem__)
preset("gaps_level", "level", lambda v: v if v in levels else None)  # opened from Home's figure
level = c3.selectbox(tr("gap.level"), list(levels), key="gaps_level", format_func=levels.__getitem__)
clause_id = c4.selectbox(tr("gap.clause"), list(clause_names), key="gaps_clause", format_func=clause_names.__getitem__)
chosen = GapFilter(business_id, tier, level, clause_id)

totals = {}


def fetch(limit: int, offset: int) -> tuple[list, int]:
    rows, counted = gaps.link_gaps_page(ctx, chosen, limit, offset)
    totals["summary"] = counted
    return rows, counted.links_with_gaps


rows, total = paged(fetch, "gaps_page", PAGE_SIZE)
summary = totals["summary"]
cols = st.columns(4)
cols[0].metric(tr("gap.must"), f"{summary.must:,}")
cols[1].metric(tr("gap.should"), f"{summary.should:,}")
cols[2].metric(tr("gap.links"), f"{summary.links_with_gaps:,}")
cols[3].metric(tr("gap.links_without_contract"), f"{summary.links_without_contract:,}")

if not rows:
    st.success(tr("gap.none"))
titles = {c.id: c.title(language) for c in catalogue()}
for row in rows:
    link = row.link
    with st.container(border=True):
        must = sum(1 for g in row.gaps if g.level == "must")
        badges = [f":red-badge[{tr('gap.must_count', count=must)}]" if must else "",
                  f":gray-badge[{tr('gap.no_contract')}]" if row.gaps and row.gaps[0].no_contract else ""]
        st.markdown(f"**{md_short(link.entrustee_name)}** · {labels.tier(link.tier)} · {md(link.business_name)} "
                    f"{' '.join(b for b in badges if b)}  \n"
                    f":gray[{labels.path(link.path, organisation)}]")
        lines = []
        for gap in row.gaps:
            line = f"- {labels.level(gap.level)} {md(titles[gap.clause_id])} — {tr(f'gap.kind.{gap.kind}')}"
            if gap.engagement_id != gap.required_by:
                line += f" ({tr_md('gap.required_by', name=row.required_by[gap.required_by])})"
            lines.append(f"{line} :gray[· {labels.conditions(gap.reasons)}]")
        st.markdown("\n".join(lines))
        left, right = st.columns(2)
        left.page_link(screen("pages/contracts/contracts.py"), label=tr("gap.open_contract"), icon=":material/description:",
                       query_params={"engagement": link.id})
        right.page_link(screen("pages/contracts/addenda.py"), label=tr("addendum.make"), icon=":material/post_add:",
                        query_params={"engagement": link.id})
pager(total, "gaps_page", PAGE_SIZE)
