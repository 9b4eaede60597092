"""Party: who the company is, and every chain it is in, at which tier."""

import streamlit as st

from tracker.services import chains, parties, setup
from tracker.ui import certification_form, concentration_view, labels, party_incident_form, request_list, succession_form
from tracker.ui.forms import paged, pager
from tracker.ui.links import query_record
from tracker.ui.pickers import party_picker
from tracker.ui.session import context, lang, show_flash, tr
from tracker.ui.text import md, md_short
from tracker.ui.navigation import screen

ctx = context()
organisation = setup.organisation_name(ctx, lang())
st.title(tr("nav.party"))
show_flash()  # what a save without a slot of its own says (the reminders' owner)

current = query_record("party", lambda i: parties.get_party(ctx, i))
party_id = party_picker(ctx, tr("party.pick"), "party_page_pick", current=current)
if party_id is None:
    st.stop()
st.query_params["party"] = str(party_id)
party = parties.get_party(ctx, party_id)

st.header(md_short(party["name"], 80))
facts = [
    (tr("party.kana"), party["kana"]),
    (tr("party.name_en"), party["name_en"]),
    (tr("party.corporate_number"), party["corporate_number"]),
    (tr("party.address"), party["address"]),
    (tr("party.country"), labels.country(party["country"])),
    (tr("party.representative"), " ".join(filter(None, (party["representative_title"], party["representative_name"])))),
    (tr("party.contact_person"), party["contact_person"]),
    (tr("party.email"), party["email"]),
    (tr("party.phone"), party["phone"]),
    (tr("party.parent"), party["parent_name"]),
]
st.markdown("  \n".join(f"**{label}**: {md(value)}" for label, value in facts if value))

st.subheader(tr("certification.title"))
certification_form.render(ctx, party)

request_list.show(ctx, party_id=party_id)

# each section in a container of its own: what one section shows after a save (a table, a list that
# grows, a section that empties) never shifts the next, whose open form Streamlit would redraw closed
for section in (lambda: concentration_view.party_exposure(ctx, party_id),
                lambda: party_incident_form.render(ctx, party_id),
                lambda: concentration_view.end_everything(ctx, party),
                lambda: succession_form.render(ctx, party)):
    with st.container():
        section()
st.subheader(tr("party.chains"))
links, total = paged(lambda limit, offset: chains.chains_of_party(ctx, party_id, limit, offset), "party_links_page")
if not links:
    st.info(tr("party.chains_empty"))
for link in links:
    with st.container(border=True):
        finding = f" {labels.finding(link.findings[0])}" if link.findings else ""
        st.markdown(
            f"**{md(link.business_name)}** · {labels.tier(link.tier)} · {labels.status(link.status)} · "
            f"{labels.approval(link.approval_status, link.tier)}{finding}  \n"
            f"{labels.path(link.path, organisation)}  \n"
            f"{md(link.work)} — {labels.categories(link.data_categories)}"
        )
        columns = st.columns(4)
        columns[0].page_link(screen("pages/oversight/chain.py"), label=tr("nav.chain"), icon=":material/account_tree:",
                             query_params={"business": link.business_id, "party": party_id})
        columns[1].page_link(screen("pages/oversight/selection.py"), label=tr("nav.selection"), icon=":material/how_to_reg:",
                             query_params={"engagement": link.id})
        columns[2].page_link(screen("pages/oversight/reviews.py"), label=tr("nav.reviews"), icon=":material/fact_check:",
                             query_params={"engagement": link.id})
        columns[3].page_link(screen("pages/registry/registry.py"), label=tr("engagement.add_redelegation"),
                             icon=":material/add:", query_params={"parent": link.id})
pager(total, "party_links_page")
