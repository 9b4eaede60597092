"""Clause gaps: every clause a link's contract lacks, most severe first."""

import streamlit as st

from tracker.services import businesses, gaps, setup
from tracker.services.catalogue import catalogue
from tracker.ui import labels
from tracker.ui.forms import paged, pager
from tracker.ui.session import context, lang, tr, tr_md
from tracker.ui.text import md

ctx = context()
language = lang()
organisation = setup.organisation_name(ctx, language)
st.title(tr("nav.gaps"))

totals = gaps.summary(ctx)
cols = st.columns(4)
cols[0].metric(tr("gap.must"), totals.must)
cols[1].metric(tr("gap.should"), totals.should)
cols[2].metric(tr("gap.links"), totals.links_with_gaps)
cols[3].metric(tr("gap.links_without_contract"), totals.links_without_contract)

business_names = {None: tr("common.all")} | {b["id"]: b["name"] for b in businesses.list_businesses(ctx)}
levels = {None: tr("common.all"), "must": tr("clause.level_must"), "should": tr("clause.level_should")}
clause_names = {None: tr("common.all")} | {c.id: c.title(language) for c in catalogue()}
c1, c2, c3, c4 = st.columns([2, 1, 1, 2])
business_id = c1.selectbox(tr("engagement.business"), list(business_names), key="gaps_business",
                           format_func=business_names.__getitem__)
tiers = {None: tr("common.all")} | {n: labels.tier(n) for n in range(1, 11)}
tier = c2.selectbox(tr("engagement.tier"), list(tiers), key="gaps_tier", format_func=tiers.__getitem__)
level = c3.selectbox(tr("gap.level"), list(levels), key="gaps_level", format_func=levels.__getitem__)
clause_id = c4.selectbox(tr("gap.clause"), list(clause_names), key="gaps_clause", format_func=clause_names.__getitem__)

rows, total = paged(lambda limit, offset: gaps.gaps_page(ctx, business_id, tier, level, clause_id, limit, offset),
                    "gaps_page")
if not rows:
    st.success(tr("gap.none"))
titles = {c.id: c.title(language) for c in catalogue()}
for row in rows:
    gap, link = row.gap, row.link
    with st.container(border=True):
        flags = f" :gray-badge[{tr('gap.no_contract')}]" if gap.no_contract else ""
        st.markdown(f"{labels.level(gap.level)} **{md(titles[gap.clause_id])}** — {tr(f'gap.kind.{gap.kind}')}{flags}  \n"
                    f"{labels.tier(link.tier)} · {md(link.business_name)} · {labels.path(link.path, organisation)}")
        why = labels.conditions(gap.reasons)
        if row.required_by_name:
            why = f"{why} · {tr_md('gap.required_by', name=row.required_by_name)}"
        st.caption(f"{tr('gap.reasons')}: {why}")
        left, right = st.columns(2)
        left.page_link("pages/contracts/contracts.py", label=tr("gap.open_contract"), icon=":material/description:",
                       query_params={"engagement": link.id})
        right.page_link("pages/contracts/addenda.py", label=tr("addendum.make"), icon=":material/post_add:",
                        query_params={"engagement": link.id})
pager(total, "gaps_page")
