"""Schedule: inspections, reports, expiring certificates and contracts, corrective actions — what
is overdue, what is due soon, a month view, and the calendar file."""

import calendar
from datetime import date

import streamlit as st

from tracker.domain.schedule import COMPLETABLE, DueStatus, ReviewKind
from tracker.services import businesses, schedule
from tracker.ui import labels
from tracker.ui.figures import preset
from tracker.ui.forms import paged, pager
from tracker.ui.session import context, show_flash, tr
from tracker.ui.text import md, md_short
from tracker.ui.navigation import screen

ctx = context()
st.title(tr("nav.schedule"))
show_flash()

scopes = {"mine": tr("schedule.mine"), "all": tr("schedule.all")}
statuses = {s.value: tr(f"schedule.status.{s.value}") for s in DueStatus if s != DueStatus.DONE}  # done: own tab
kinds = labels.kind_names()
business_names = {None: tr("common.all")} | {b["id"]: b["name"] for b in businesses.list_businesses(ctx)}

# opened from a figure on Home (?status=overdue&scope=mine): the list starts as the figure counted
st.session_state.setdefault("schedule_scope", "all")
st.session_state.setdefault("schedule_status", [DueStatus.OVERDUE.value, DueStatus.DUE_SOON.value])
preset("schedule_scope", "scope", lambda v: v if v in scopes else "all")
preset("schedule_status", "status", lambda v: [v] if v in statuses else [])
top = st.columns([3, 4, 4, 3])
scope = top[0].segmented_control(tr("schedule.scope"), list(scopes), key="schedule_scope",
                                 format_func=scopes.__getitem__) or "all"
chosen_statuses = top[1].multiselect(tr("schedule.status"), list(statuses), key="schedule_status", placeholder=tr("common.choose"),
                                     format_func=statuses.__getitem__)
chosen_kinds = top[2].multiselect(tr("schedule.kind"), list(kinds), key="schedule_kind", placeholder=tr("common.choose"),
                                 format_func=kinds.__getitem__)
business_id = top[3].selectbox(tr("engagement.business"), list(business_names), key="schedule_business",
                               format_func=business_names.__getitem__)
mine = scope == "mine"
filters = {"kinds": chosen_kinds or None, "business_id": business_id}
due_filters = filters | {"statuses": [DueStatus(s) for s in chosen_statuses] or None}

counts = schedule.due_counts(ctx, mine=mine)
left, right, _ = st.columns([1, 1, 3])
left.metric(tr("schedule.status.overdue"), counts[DueStatus.OVERDUE])
right.metric(tr("schedule.status.due_soon"), counts[DueStatus.DUE_SOON])


def action_link(row: dict, container) -> None:
    """Where the item is done: record the review, renew the certificate or contract."""
    kind = ReviewKind(row["kind"])
    if kind in COMPLETABLE or kind == ReviewKind.CORRECTIVE_ACTION:
        container.page_link(screen("pages/oversight/reviews.py"), label=tr("schedule.record"), icon=":material/fact_check:",
                            query_params={"engagement": row["engagement_id"], "kind": row["kind"]})
    elif kind == ReviewKind.REQUEST:
        container.page_link(screen("pages/oversight/requests.py"), label=tr("schedule.open_request"),
                            icon=":material/forward_to_inbox:", query_params={"request": row["ref_id"]})
    elif kind == ReviewKind.CERTIFICATION:
        container.page_link(screen("pages/registry/party.py"), label=tr("schedule.open_party"), icon=":material/verified:",
                            query_params={"party": row["party_id"]})
    else:
        container.page_link(screen("pages/contracts/contracts.py"), label=tr("schedule.open_contract"),
                            icon=":material/description:", query_params={"engagement": row["engagement_id"]})


def show_due(rows: list[dict], where: str) -> None:
    for row in rows:
        with st.container(border=True, key=f"{where}_due_{row['id']}"):
            text, link = st.columns([5, 1])
            moved = f" ({tr('schedule.moved_from', day=row['nominal_on'])})" if row["nominal_on"] != row["due_on"] else ""
            subject = f"**{md_short(row['party_name'])}**" + (f" — {md(row['work'])}" if row["work"] else "")
            place = f" · {md(row['business_name'])} · {labels.tier(row['tier'])}" if row["business_name"] else ""
            owner = md(row["owner_name"]) if row["owner_name"] else tr("schedule.unassigned")
            text.markdown(f"{labels.due_status(row['status'])} **{row['due_on']}**{moved} · "
                          f"{labels.review_kind(row['kind'])}  \n{subject}{place}  \n"
                          f":material/person: {owner}")
            action_link(row, link)


listing, month, done = st.tabs([tr("schedule.list"), tr("schedule.month"), tr("schedule.done")])
with listing:
    rows, total = paged(lambda limit, offset: schedule.due_page(ctx, mine=mine, limit=limit, offset=offset,
                                                                **due_filters), "schedule_page")
    if not rows:
        st.success(tr("schedule.nothing_due"))
    show_due(rows, "list")
    pager(total, "schedule_page")
    kind_labels = labels.kind_names()
    st.download_button(
        tr("schedule.ics"), icon=":material/calendar_month:", file_name="schedule.ics", mime="text/calendar",
        data=lambda: schedule.calendar_file(ctx, kind_labels, mine=mine, **due_filters), key="schedule_ics",
        on_click="ignore")
    st.caption(tr("schedule.ics_help"))

with month:
    first_of_month = ctx.today.replace(day=1)
    months = [date(first_of_month.year + (first_of_month.month - 1 + i) // 12, (first_of_month.month - 1 + i) % 12 + 1,
                   1) for i in range(-6, 13)]
    shown = st.selectbox(tr("schedule.month"), months, index=6, key="schedule_month",
                         format_func={m: f"{m.year}-{m.month:02d}" for m in months}.__getitem__)
    last = shown.replace(day=calendar.monthrange(shown.year, shown.month)[1])
    per_day = schedule.due_per_day(ctx, shown, last, mine=mine, **filters)
    names = [tr(f"schedule.weekday.{i}") for i in range(7)]
    header = st.columns(7)
    for column, name in zip(header, names, strict=True):
        column.markdown(f"**{name}**")
    for week in calendar.Calendar().monthdatescalendar(shown.year, shown.month):
        cells = st.columns(7)
        for cell, day in zip(cells, week, strict=True):
            if day.month != shown.month:
                cell.markdown(" ")
                continue
            count = per_day.get(day, 0)
            colour = "red" if count and day < ctx.today else ("orange" if count else "gray")
            today_mark = " :material/today:" if day == ctx.today else ""
            cell.markdown(f"{day.day}{today_mark}" + (f"  \n:{colour}-badge[{count}]" if count else ""))
    rows, total = paged(lambda limit, offset: schedule.due_page(ctx, mine=mine, since=shown, until=last, limit=limit,
                                                                offset=offset, **filters), "schedule_month_page")
    show_due(rows, "month")
    pager(total, "schedule_month_page")

with done:
    rows, total = paged(lambda limit, offset: schedule.done_page(ctx, limit=limit, offset=offset,
                                                                 kinds=filters["kinds"], business_id=business_id),
                        "schedule_done_page")
    if not rows:
        st.info(tr("schedule.none_done"))
    for row in rows:
        via = f" · {tr('review.via.' + row['performed_via'])}" if row["tier"] > 1 else ""
        st.markdown(f"{labels.due_status('done')} **{row['completed_on']}** · {labels.review_kind(row['kind'])} · "
                    f"**{md_short(row['party_name'])}** — {md(row['work'])} · {md(row['business_name'])}{via} · "
                    f"{md(row['inspector'])}")
    pager(total, "schedule_done_page")
