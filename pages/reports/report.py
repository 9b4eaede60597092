"""Reports: the oversight workbook for the board and the auditors, filtered, in the user's language."""

import streamlit as st

from tracker.domain.permissions import Action
from tracker.services import businesses, report_jobs, reports
from tracker.services.reports import ReportFilter
from tracker.ui import labels
from tracker.ui.session import context, lang, show_flash, tr, tr_md

ctx = context()
st.title(tr("nav.reports"))
show_flash()
if not ctx.can(Action.EXPORT_REPORTS):
    st.info(tr("common.read_only"))
    st.stop()

st.caption(tr("reports.sheets_help"))
business_names = {None: tr("common.all")} | {b["id"]: b["name"] for b in businesses.list_businesses(ctx)}
department_names = {None: tr("reports.all_departments")} | {d: d for d in reports.departments(ctx)}
tiers = {None: tr("common.all")} | {n: labels.tier(n) for n in range(1, 11)}
c1, c2, c3, c4 = st.columns(4)
business_id = c1.selectbox(tr("engagement.business"), list(business_names), format_func=business_names.__getitem__,
                           key="report_business")
department = c2.selectbox(tr("business.owner_department"), list(department_names),
                          format_func=department_names.__getitem__, key="report_department")
tier = c3.selectbox(tr("engagement.tier"), list(tiers), format_func=tiers.__getitem__, key="report_tier")
as_of = c4.date_input(tr("reports.as_of"), value=ctx.today, format="YYYY-MM-DD", key="report_as_of")
chosen = ReportFilter(business_id, department, tier, as_of)
job = report_jobs.current(ctx)
running = job is not None and not job.finished
if st.button(tr("reports.make"), type="primary", icon=":material/summarize:", disabled=running, key="report_make"):
    job = report_jobs.start(ctx, chosen, lang())
    running = True


@st.fragment(run_every=1.0 if running else None)
def progress() -> None:
    """Follows the report being written (this part of the page alone refreshes every second);
    the manager may leave the page meanwhile and come back."""
    job = report_jobs.current(ctx)
    if job is None:
        return
    if not job.finished:
        if not job.writing:  # before the first sheet (the figures are being gathered), or after the last
            text = tr("reports.packing") if job.sheets_done else tr("reports.preparing")
        else:
            text = tr("reports.writing", sheet=job.writing, done=job.sheets_done, total=job.sheets_total)
        st.progress(job.fraction, text=text)
        st.caption(tr("reports.keep_working"))
        return
    if running:  # it has just finished: redraw the page so the polling stops and the button returns
        st.rerun()
    if job.error:
        st.error(tr_md("reports.failed", error=job.error))
        return
    st.success(tr("reports.ready", rows=sum(job.rows.values())))
    if job.filters != chosen:  # the filters were changed after it was made
        st.caption(tr("reports.other_filters"))
    st.download_button(tr("reports.download"), data=lambda: report_jobs.content(ctx, job), file_name=job.file_name,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", type="primary", on_click="ignore", key="report_download")


progress()
