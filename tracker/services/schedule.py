"""The review schedule: what is due, for whom, how urgent; counts for Home; the calendar file."""

from __future__ import annotations

from datetime import date

from ..domain.schedule import DueStatus, status_of
from ..outputs import calendar_ics
from ..store import supervision_queries as sq
from . import revision_cache
from .context import Context

PAGE = 50


def _owner_filter(db, ctx: Context, mine: bool) -> int | None:
    # -1 matches no row: "mine" for someone with no user record (CLI admin) is an empty list
    return (sq.user_id_of(db, ctx.actor.username) or -1) if mine else None


def _with_status(rows: list[dict], today: date) -> list[dict]:
    for row in rows:
        row["status"] = status_of(date.fromisoformat(row["due_on"]), row["notice_days"], today)
    return rows


def due_page(ctx: Context, *, mine: bool = False, limit: int | None = PAGE, offset: int = 0,
             **filters) -> tuple[list[dict], int]:
    """Due items, soonest first, each with its ``status`` as of ``ctx.today``. Filters: statuses,
    kinds, business_id, engagement_id, since, until."""
    with ctx.read() as db:
        rows, total = sq.due_page(db, ctx.today, owner_user_id=_owner_filter(db, ctx, mine), limit=limit,
                                  offset=offset, **filters)
    return _with_status(rows, ctx.today), total


def first_due(ctx: Context, limit: int, **filters) -> list[dict]:
    """The first ``limit`` due items (filters as ``due_page``), soonest first, with their status;
    how many there are in all is not counted."""
    with ctx.read() as db:
        rows = sq.first_due(db, ctx.today, limit, **filters)
    return _with_status(rows, ctx.today)


def done_page(ctx: Context, *, kinds: list[str] | None = None, business_id: int | None = None, limit: int = PAGE,
              offset: int = 0) -> tuple[list[dict], int]:
    """One page of the reviews and reports done, newest first, and the total."""
    with ctx.read() as db:
        return sq.done_page(db, kinds=kinds, business_id=business_id, limit=limit, offset=offset)


def due_counts(ctx: Context, mine: bool = False) -> dict[DueStatus, int]:
    """How many items are overdue and due soon (the actor's own with ``mine``)."""
    def count() -> dict[DueStatus, int]:
        with ctx.read() as db:
            return sq.due_counts(db, ctx.today, _owner_filter(db, ctx, mine))
    return revision_cache.per_revision(ctx, "due_counts", count, ctx.actor.username if mine else None,
                                       tables=("due_items", "users"))


def due_per_day(ctx: Context, since: date, until: date, *, mine: bool = False, **filters) -> dict[date, int]:
    """Number of items due on each day of a period (the month view)."""
    with ctx.read() as db:
        counts = sq.due_per_day(db, ctx.today, since, until, owner_user_id=_owner_filter(db, ctx, mine), **filters)
    return {date.fromisoformat(day): n for day, n in counts.items()}


def calendar_file(ctx: Context, labels: dict[str, str], **filters) -> bytes:
    """The filtered due items as an iCalendar file (all-day events Outlook and Google import);
    ``labels`` names each kind in the reader's language."""
    rows, _ = due_page(ctx, limit=None, **filters)
    return calendar_ics.calendar(rows, labels)
