"""Registry: search, add and edit parties, engagements and entrusted businesses."""

import pandas as pd
import streamlit as st

from tracker.domain.countries import COUNTRIES
from tracker.domain.models import DataCategory, EngagementStatus
from tracker.domain.permissions import Action
from tracker.services import businesses, engagements, parties
from tracker.ui import business_form, engagement_form, labels, party_form, tables
from tracker.ui.forms import paged, pager
from tracker.ui.links import query_record
from tracker.ui.pickers import engagement_label
from tracker.ui.session import context, show_flash, tr, tr_md
from tracker.ui.navigation import screen

ctx = context()
st.title(tr("nav.registry"))
show_flash()
editor = ctx.can(Action.EDIT_REGISTRY)  # others see the registry, not its forms (services refuse them too)
if not editor:
    st.info(tr("common.read_only"))

tab_names = [tr("party.title"), tr("engagement.title"), tr("business.title")]
# a link that asks for a new engagement (?parent=, ?entrustee=) opens on the engagements tab
opened_for_link = "parent" in st.query_params or "entrustee" in st.query_params
# a new key when the link asks for the engagements tab: a tab bar's default counts only when it is new.
# Only the open tab is built (a click on another reruns the page): the hidden two were half of each
# click's work at 50,000 parties; what was typed in them is kept while they are hidden (persist_state)
party_tab, engagement_tab, business_tab = st.tabs(tab_names, default=tab_names[1] if opened_for_link else None,
                                                  key=f"registry_tabs_{opened_for_link}", on_change="rerun")

if party_tab.open:
    with party_tab:
        left, right = st.columns([2, 1])
        text = left.text_input(tr("common.search"),
                               persist_state="page", key="reg_party_q", placeholder=tr("common.search_placeholder"))
        country_names = {"": tr("common.all")} | {c: labels.country(c) for c in COUNTRIES}
        country = right.selectbox(tr("party.country"), list(country_names),
                                  persist_state="page", key="reg_party_country",
                                  format_func=country_names.__getitem__)
        rows, total = paged(lambda limit, offset: parties.search_parties(
            ctx, text=text, country=country, limit=limit, offset=offset), "reg_party_page")
        if rows:
            st.dataframe(pd.DataFrame([{
                tr("party.name"): r["name"], tr("party.kana"): r["kana"],
                tr("party.corporate_number"): r["corporate_number"], tr("party.country"): labels.country(r["country"]),
                tr("party.contact_person"): r["contact_person"], tr("party.parent"): r["parent_name"],
            } for r in rows]).fillna(""), hide_index=True, width="stretch",
                         height=tables.full_height(len(rows)))
        else:
            st.info(tr("common.no_rows"))
        pager(total, "reg_party_page")
        if editor:
            with st.expander(tr("party.new"), expanded=False):
                party_form.render(ctx)
        if rows and editor:
            by_id = {None: tr("common.select_row_to_edit")} | {r["id"]: r["name"] for r in rows}
            chosen = st.selectbox(tr("common.edit_which", what=tr("party.title")), list(by_id),
                                  persist_state="page", key="reg_party_edit",
                                  format_func=by_id.__getitem__)
            if chosen:
                row = parties.get_party(ctx, chosen)
                with st.container(border=True):
                    st.subheader(tr_md("party.edit", name=row["name"]))
                    party_form.render(ctx, row)
                    st.page_link(screen("pages/registry/party.py"), label=tr("nav.party"), icon=":material/business:",
                                 query_params={"party": chosen})

if engagement_tab.open:
    with engagement_tab:
        all_businesses = businesses.list_businesses(ctx)
        names = {None: tr("common.all")} | {b["id"]: b["name"] for b in all_businesses}
        c1, c2, c3, c4, c5 = st.columns([2, 2, 1, 1, 2])
        text = c1.text_input(tr("common.search"), persist_state="page", key="reg_eng_q")
        business_id = c2.selectbox(tr("engagement.business"), list(names), persist_state="page", key="reg_eng_business",
                                   format_func=names.__getitem__)
        deepest = max(engagements.deepest_tier(ctx), 1)
        tiers = {None: tr("common.all")} | {n: labels.tier(n) for n in range(1, deepest + 1)}
        tier = c3.selectbox(tr("engagement.tier"), list(tiers),
                            persist_state="page", key="reg_eng_tier", format_func=tiers.__getitem__)
        statuses = {"": tr("common.all")} | {s.value: labels.status(s.value) for s in EngagementStatus}
        status = c4.selectbox(tr("engagement.status"), list(statuses), persist_state="page", key="reg_eng_status",
                              format_func=statuses.__getitem__)
        category_names = {"": tr("common.all")} | {c.value: tr(f"category.{c.value}") for c in DataCategory}
        category = c5.selectbox(tr("engagement.data_categories"), list(category_names),
                                persist_state="page", key="reg_eng_category",
                                format_func=category_names.__getitem__)
        filters = dict(text=text, business_id=business_id, tier=tier, status=status, category=category)
        rows, total = paged(lambda limit, offset: engagements.search_engagements(
            ctx, **filters, limit=limit, offset=offset), "reg_eng_page")
        if rows:
            st.dataframe(pd.DataFrame([{
                tr("ledger.ref"): r["ref"],  # as the ledger and the report name it
                tr("engagement.business"): r["business_name"],
                tr("engagement.tier"): r["tier"],
                tr("engagement.entruster"): r["entruster_name"] or tr("app.us"),
                tr("engagement.entrustee"): r["entrustee_name"],
                tr("engagement.work"): r["work"],
                tr("engagement.data_categories"): labels.categories(r["data_categories"]),
                tr("engagement.status"): labels.status(r["status"]),
                tr("engagement.approval"): labels.approval_text(r["approval_status"], r["tier"]),
            } for r in rows]).fillna(""), hide_index=True, width="stretch",
                         height=tables.full_height(len(rows)))
        else:
            st.info(tr("common.no_rows"))
        pager(total, "reg_eng_page")

        preset_parent = query_record("parent", lambda i: engagements.get_engagement(ctx, i))
        preset_entrustee = query_record("entrustee", lambda i: parties.get_party(ctx, i))
        if editor:
            with st.expander(tr("engagement.new"), expanded=bool(preset_parent or preset_entrustee)):
                engagement_form.render(ctx, preset_parent=preset_parent, preset_entrustee=preset_entrustee)
        if rows and editor:
            link_names = {None: tr("common.select_row_to_edit")} | {r["id"]: engagement_label(r) for r in rows}
            chosen = st.selectbox(tr("common.edit_which", what=tr("engagement.title")), list(link_names),
                                  persist_state="page", key="reg_eng_edit",
                                  format_func=link_names.__getitem__)
            if chosen:
                with st.container(border=True):
                    engagement_form.render(ctx, engagements.get_engagement(ctx, chosen))
                    st.page_link(screen("pages/registry/registry.py"), label=tr("engagement.add_redelegation"),
                                 icon=":material/add:", query_params={"parent": chosen})

if business_tab.open:
    with business_tab:
        all_businesses = businesses.list_businesses(ctx)
        if all_businesses:
            st.dataframe(pd.DataFrame([{
                tr("business.name"): b["name"], tr("business.owner_department"): b["owner_department"],
                tr("business.description"): b["description"], tr("business.links"): b["links"],
            } for b in all_businesses]).fillna(""), hide_index=True, width="stretch",
                         height=tables.full_height(min(len(all_businesses), 20)))
        if editor:
            with st.expander(tr("business.new")):
                business_form.render(ctx)
            by_id = {b["id"]: b for b in all_businesses}
            business_names = {None: tr("common.select_row_to_edit")} | {b["id"]: b["name"] for b in all_businesses}
            chosen = st.selectbox(tr("common.edit_which", what=tr("business.title")), list(business_names),
                                  persist_state="page", key="reg_business_edit", format_func=business_names.__getitem__)
            if chosen:
                with st.container(border=True):
                    business_form.render(ctx, by_id[chosen])
