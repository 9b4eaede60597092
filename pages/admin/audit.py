"""Audit trail: who changed what and when, filterable and exportable, with its tamper check."""

import pandas as pd
import streamlit as st

from tracker import settings
from tracker.domain.local_times import local_time
from tracker.services import audit
from tracker.ui import labels, tables
from tracker.ui.forms import paged, pager
from tracker.ui.session import context, tr

TABLES = ("parties", "businesses", "engagements", "approvals", "contracts", "clause_coverage", "addenda",
          "selection_checks", "reviews", "corrective_actions", "certifications", "incidents", "incident_notices",
          "terminations", "deletion_certificates", "attachments", "users", "settings")

ctx = context()
zone = settings.load().timezone
st.title(tr("audit.title"))


def described(record) -> str:
    """The fields that changed, in the user's words: 名称: A → B; an insert lists what it set."""
    parts = []
    for change in audit.changes_of(record):
        name = labels.field_name(record.table_name, change.field)
        if record.action == "update":
            parts.append(f"{name}: {labels.field_value(change.before)} → {labels.field_value(change.after)}")
        else:
            parts.append(f"{name}: {labels.field_value(change.after if record.action == 'insert' else change.before)}")
    return " / ".join(parts)

# The tamper check reads and hashes the whole trail: on request, not on every rerun of the screen.
if st.button(tr("audit.check"), icon=":material/verified_user:"):
    check = audit.tamper_check(ctx)
    if check.key_missing:
        st.error(tr("audit.key_missing"))
    elif check.broken is None and not check.changed:
        st.success(tr("audit.intact", count=check.checked))
    elif check.broken is not None and check.broken.record_id is None:
        st.error(tr("audit.broken_end"))
    elif check.broken is not None:
        st.error(tr("audit.broken", record=check.broken.record_id, reason=check.broken.reason))
    if check.changed:
        st.error(tr("audit.unrecorded", count=len(check.changed)))
        st.dataframe(pd.DataFrame([{tr("audit.table"): c.table_name, tr("audit.row"): str(c.row_id),
                                    tr("audit.columns"): ", ".join(c.columns)} for c in check.changed[:500]]),
                     hide_index=True)

c1, c2, c3, c4, c5 = st.columns([2, 2, 1, 1, 1])
people = {"": tr("common.all")} | {u: u for u in audit.usernames(ctx)}
username = c1.selectbox(tr("audit.user"), list(people), key="audit_user", format_func=people.__getitem__)
table_names = {"": tr("common.all")} | {t: labels.table_name(t) for t in TABLES}
table = c2.selectbox(tr("audit.table"), list(table_names), key="audit_table", format_func=table_names.__getitem__)
row_text = c3.text_input(tr("audit.row"), key="audit_row")
since = c4.date_input(tr("audit.since"), value=None, key="audit_since", format="YYYY-MM-DD")
until = c5.date_input(tr("audit.until"), value=None, key="audit_until", format="YYYY-MM-DD")
selected = audit.AuditFilter(username, table, int(row_text) if row_text.strip().isdigit() else None, since, until)

records, total = paged(lambda limit, offset: audit.search(ctx, selected, limit, offset), "audit_page")
if not records:
    st.info(tr("audit.empty"))
else:
    st.caption(tr("audit.time_zone", zone=zone))
    st.dataframe(pd.DataFrame([{
        "#": r.id, tr("audit.at"): local_time(r.at, zone).strftime("%Y-%m-%d %H:%M:%S"), tr("audit.user"): r.username,
        tr("audit.action"): labels.audit_action(r.action), tr("audit.table"): labels.table_name(r.table_name),
        tr("audit.row"): r.row_id, tr("audit.changes"): described(r),
    } for r in records]), hide_index=True, width="stretch", height=tables.full_height(len(records)),
        column_config={tr("audit.changes"): st.column_config.TextColumn(width="large")})
pager(total, "audit_page")

st.download_button(tr("audit.export"), lambda: audit.export_csv(ctx, selected), file_name="audit_log.csv", mime="text/csv",
                   icon=":material/download:")
