"""Addenda (覚書): choose the articles an engagement's contract lacks, preview them, download the
.docx in Japanese, English or both, and follow it from generated to sent to signed."""

import streamlit as st

from tracker.domain.addenda import AddendumStatus, Language, article_heading, ordered
from tracker.domain.permissions import Action
from tracker.services import addenda, contracts, gaps
from tracker.domain.addenda import BREACH_DAYS
from tracker.services.addenda import AddendumRequest
from tracker.services.catalogue import catalogue
from tracker.ui import labels
from tracker.ui.forms import field_errors, form_errors_elsewhere, submit
from tracker.ui.link_header import choose_link
from tracker.i18n import join
from tracker.ui.session import context, lang, show_flash, tr
from tracker.ui.text import md

STATUS_COLOUR = {"generated": "blue", "sent": "orange", "signed": "green"}

ctx = context()
st.title(tr("nav.addenda"))
show_flash()
link = choose_link(ctx, "addenda_link", badge_of=lambda i: labels.gap_count(len(gaps.engagement_gaps(ctx, i))))
editor = ctx.can(Action.EDIT_REGISTRY)
ERRORS = f"addendum_{link.id}_errors"
titles = {c.id: c.title(lang()) for c in catalogue()}

if editor:
    st.subheader(tr("addendum.new"))
    others = {row["id"]: f"{row['ref']} {row['business_name']} · {tr('engagement.tier_label', tier=row['tier'])} — "
                         f"{row['work']}"
              for row in addenda.same_parties(ctx, link.id)}
    also = st.multiselect(tr("addendum.also"), list(others), placeholder=tr("common.choose"), key=f"addendum_also_{link.id}",
                          format_func=others.__getitem__) if others else []
    engagement_ids = [link.id, *also]
    suggested = addenda.default_clauses(ctx, engagement_ids)
    # the default selection follows the engagements chosen: a new key when they change
    chosen = st.multiselect(tr("addendum.clauses"), list(titles), default=suggested, format_func=titles.__getitem__,
                            placeholder=tr("common.choose"), key=f"addendum_clauses_{'_'.join(map(str, engagement_ids))}")
    field_errors(ERRORS, "clause_ids")
    st.caption(tr("addendum.clauses_help", count=len(suggested)))
    documents = {d["id"]: f"{d['title']}（{d['signed_on'] or '—'}）" for i in engagement_ids
                 for d in contracts.contracts_of(ctx, i)}
    bases = {None: tr("addendum.no_base")} | documents
    default_base = addenda.default_base_contract(ctx, link.id)
    left, middle, right = st.columns(3)
    base_id = left.selectbox(tr("addendum.base"), list(bases), format_func=bases.__getitem__,
                             index=list(bases).index(default_base) if default_base in bases else 0,
                             key=f"addendum_base_{link.id}")
    languages = {lang_.value: tr(f"addendum.language.{lang_.value}") for lang_ in Language}
    language = middle.radio(tr("addendum.language_label"), list(languages), format_func=languages.__getitem__,
                            key="addendum_language")
    with right:
        effective = st.date_input(tr("addendum.effective_on"), value=ctx.today, key="addendum_effective",
                                  format="YYYY-MM-DD")
        days = st.number_input(tr("addendum.breach_days"), min_value=BREACH_DAYS.start, max_value=BREACH_DAYS.stop - 1,
                               value=3, step=1, key="addendum_days")
        field_errors(ERRORS, "breach_report_days")
    if language in (Language.EN.value, Language.BOTH.value):  # one 本業務 in both languages
        st.text_input(tr("addendum.work_en"), key=f"addendum_work_en_{link.id}", help=tr("addendum.work_en_help"),
                      placeholder=link.work)
    field_errors(ERRORS, "language")

    st.markdown(f"**{tr('addendum.preview')}**")
    preview = ordered(catalogue(), chosen)
    st.markdown("\n".join(f"{i}. {md(article_heading(i, c.title(lang()), lang()))}"
                          for i, c in enumerate(preview, start=1)) or tr("addendum.no_clauses_chosen"))
    form_errors_elsewhere(ERRORS, {"clause_ids", "breach_report_days", "language"})
    field_errors(ERRORS, None)

    def request_now() -> AddendumRequest:
        """What the widgets hold when the button is clicked (a date typed and clicked at once counts)."""
        s = st.session_state
        ids = [link.id, *s.get(f"addendum_also_{link.id}", [])]
        return AddendumRequest(ids, s["addendum_language"], s[f"addendum_clauses_{'_'.join(map(str, ids))}"],
                               s[f"addendum_base_{link.id}"], s["addendum_effective"], int(s["addendum_days"]),
                               s.get(f"addendum_work_en_{link.id}") or "")

    st.button(tr("addendum.generate"), type="primary", icon=":material/post_add:", key=f"addendum_generate_{link.id}",
              on_click=submit(ERRORS, lambda: addenda.generate(ctx, request_now())[0], tr("addendum.generated")))

st.subheader(tr("addendum.kept"))
kept = addenda.addenda_of(ctx, link.id)
if not kept:
    st.info(tr("addendum.none"))
for row in kept:
    with st.container(border=True, key=f"addendum_{row['id']}"):
        clause_ids = row["clause_ids"]
        steps = " · ".join(f"{tr('addendum.status.' + s)} {row[s + '_on']}" for s in ("generated", "sent", "signed")
                           if row[f"{s}_on"])
        st.markdown(f":{STATUS_COLOUR[row['status']]}-badge[{tr('addendum.status.' + row['status'])}] "
                    f"**#{row['id']}** · {tr('addendum.language.' + row['language'])} · "
                    f"{tr('addendum.article_count', count=len(clause_ids))} · {steps}  \n"
                    + join((md(titles[c]) for c in clause_ids), lang()))
        st.download_button(tr("addendum.download"), icon=":material/download:", key=f"addendum_download_{row['id']}",
                           data=lambda i=row["id"]: addenda.file_of(ctx, i)[1], file_name=row["file_name"] or f"addendum-{row['id']}.docx",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           on_click="ignore")
        if not editor or row["status"] == AddendumStatus.SIGNED:
            continue
        step_errors = f"addendum_step_{row['id']}_errors"
        left, right = st.columns([1, 2])
        on_key, copy_key = f"addendum_on_{row['id']}_{row['version']}", f"addendum_copy_{row['id']}"
        left.date_input(tr("addendum.step_on"), value=ctx.today, max_value=ctx.today, format="YYYY-MM-DD", key=on_key)
        if row["status"] == AddendumStatus.GENERATED:
            right.button(tr("addendum.mark_sent"), key=f"addendum_sent_{row['id']}", on_click=submit(
                step_errors, lambda r=row, k=on_key: addenda.mark_sent(ctx, r["id"], r["version"], st.session_state[k]),
                tr("addendum.marked_sent")))
        else:
            right.file_uploader(tr("addendum.signed_copy"), type=["pdf", "png", "jpg", "jpeg", "docx"], key=copy_key)

            def mark_signed(r=row, k=on_key, c=copy_key):
                upload = st.session_state.get(c)
                addenda.mark_signed(ctx, r["id"], r["version"], st.session_state[k],
                                    (upload.name, upload.getvalue()) if upload else None)

            right.button(tr("addendum.mark_signed"), key=f"addendum_signed_{row['id']}", type="primary", on_click=submit(
                step_errors, mark_signed, tr("addendum.marked_signed")))
        field_errors(step_errors, "on")
        field_errors(step_errors, "file")
        field_errors(step_errors, None)
