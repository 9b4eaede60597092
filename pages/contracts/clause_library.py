"""Clause library: the catalogue of required contract clauses, with their legal sources."""

import streamlit as st

from tracker.services.catalogue import catalogue
from tracker.ui import labels
from tracker.ui.session import lang, tr
from tracker.ui.text import md

st.title(tr("nav.clauses"))
st.caption(tr("clause.count", count=len(catalogue())))
language = lang()

for clause in catalogue():
    strictest = "must" if any(t.level == "must" for t in clause.required_when) else "should"
    with st.expander(f"{clause.order}. {clause.title(language)}　({clause.id})"):
        st.markdown(f"{labels.level(strictest)} {md(clause.summary(language))}")
        st.markdown(f"**{tr('clause.required_when')}**  \n" + "  \n".join(
            f"{labels.level(t.level)} {tr(f'clause.condition.{t.condition}')}" for t in clause.required_when))
        st.markdown(f"**{tr('clause.sources')}**  \n" + "  \n".join(f"- {md(s)}" for s in clause.sources))
        ja_tab, en_tab = st.tabs(["日本語", "English"])
        ja_tab.text(clause.article_ja)
        en_tab.text(clause.article_en)
        st.caption(f"{tr('clause.version')} {clause.version}")
