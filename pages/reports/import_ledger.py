"""Import an existing Excel ledger: download the template, upload, see every error (sheet, row,
column) or a preview of what will be created and updated, then confirm — all or nothing."""

import hashlib
import io

import pandas as pd
import streamlit as st

from tracker.domain.permissions import Action
from tracker.i18n import describe
from tracker.services import ledger_export, ledger_import
from tracker.services.context import Busy
from tracker.ui.session import context, flash, lang, show_flash, tr

ctx = context()
st.title(tr("nav.import_ledger"))
show_flash()
if not ctx.can(Action.EDIT_REGISTRY):
    st.info(tr("common.read_only"))
    st.stop()
language = lang()


def ledger(with_registry: bool):
    def make() -> bytes:
        out = io.BytesIO()
        ledger_export.write_ledger(ctx, out, language, with_registry)
        return out.getvalue()
    return make


MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
left, right = st.columns(2)
left.download_button(tr("import.template"), data=ledger(False), file_name="ledger-template.xlsx", mime=MIME,
                     icon=":material/download:", on_click="ignore", key="ledger_template")
right.download_button(tr("import.ledger_export"), data=ledger(True), file_name="ledger.xlsx", mime=MIME,
                      icon=":material/download:", on_click="ignore", key="ledger_export")
st.caption(tr("import.template_help"))

generation = st.session_state.get("ledger_generation", 0)  # a new uploader after each import
upload = st.file_uploader(tr("import.upload"), type=["xlsx"], key=f"ledger_upload_{generation}")
if upload is None:
    st.stop()
content = upload.getvalue()
# The check reads and validates every row (seconds for a large ledger): once per uploaded file,
# not on every rerun of the screen.
checked_key = f"ledger_checked_{generation}"
digest = hashlib.sha256(content).hexdigest()
if st.session_state.get(checked_key, (None,))[0] != digest:
    st.session_state[checked_key] = (digest, ledger_import.import_ledger(ctx, content, dry_run=True))
result = st.session_state[checked_key][1]



def issue_table(issues) -> None:
    st.dataframe(pd.DataFrame([{
        tr("import.sheet"): i.sheet or "", tr("import.row"): i.row, tr("import.column"): i.column or "",
        tr("import.reason"): describe(i.problem, language)} for i in issues]), hide_index=True, width="stretch")


if result.issues:
    st.subheader(tr("import.errors"))
    issue_table(result.issues)
    st.stop()


st.subheader(tr("import.preview"))
if result.notes:
    st.markdown(f"**{tr('import.notes')}**")
    issue_table(result.notes)
counts = result.counts()
st.dataframe(pd.DataFrame([{tr("import.sheet"): sheet, tr("import.create"): c["create"],
                            tr("import.update"): c["update"], tr("import.unchanged"): c["unchanged"]}
                           for sheet, c in counts.items()]), hide_index=True)
changed = [c for c in result.changes if c.action != "unchanged"]
if not changed:
    st.success(tr("import.nothing_to_do"))
    st.stop()
st.dataframe(pd.DataFrame([{tr("import.sheet"): c.sheet, tr("import.row"): c.row,
                            tr("import.reason"): tr(f"import.{c.action}"), "": c.label} for c in changed[:500]]),
             hide_index=True, width="stretch")


def confirm() -> None:
    try:
        applied = ledger_import.import_ledger(ctx, content)
    except Busy:
        st.session_state["ledger_busy"] = True  # nothing written; the file stays uploaded
        return
    if applied.applied:
        flash(tr("import.done"))
        st.session_state["ledger_generation"] = generation + 1


st.button(tr("import.confirm"), type="primary", icon=":material/upload:", on_click=confirm, key="ledger_confirm")
if st.session_state.pop("ledger_busy", False):
    st.error(tr("error.busy"))
