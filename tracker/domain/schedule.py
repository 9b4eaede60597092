"""The review schedule (DOMAIN.md §5): what is due for a link, when, and how urgent it is.

Pure rules. The store keeps the computed items in ``due_items`` (refreshed whenever their facts
change) so that lists, counts and reminders are plain indexed queries at any scale.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from .models import HOME_COUNTRY
from .working_days import previous_working_day


class ReviewKind(StrEnum):
    INSPECTION = "inspection"  # on-site in principle, at least yearly (4-8-9 (3))
    REPORT = "report"  # compliance report, frequency from the contract
    FOREIGN_CHECK = "foreign_check"  # measures and foreign law, about yearly (規則 18)
    REEVALUATION = "reevaluation"  # the selection check again, yearly by default
    CERTIFICATION = "certification"  # a certificate's expiry
    CONTRACT = "contract"  # a contract's expiry or renewal
    CORRECTIVE_ACTION = "corrective_action"  # a finding's fix, due on its own date
    REQUEST = "request"  # a request to the vendor not yet settled (its answer, or our review of it)


# Kinds done by recording a review; the others are done by changing their record (a renewed
# certificate or contract, a closed corrective action).
COMPLETABLE = (ReviewKind.INSPECTION, ReviewKind.REPORT, ReviewKind.FOREIGN_CHECK, ReviewKind.REEVALUATION)


class DueStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"


class Method(StrEnum):
    ON_SITE = "on_site"
    REMOTE = "remote"  # video, photos: allowed where a visit is hard, with the reason recorded
    DOCUMENT = "document"


class Via(StrEnum):
    US = "us"
    ENTRUSTEE = "entrustee"  # a sub-tier checked through the entrustee above it (4-8-9 (4))


DEFAULT_INTERVAL_MONTHS = 12
DUE_SOON_DAYS = 30
EXPIRY_NOTICE_DAYS = 90  # certificates and contracts take time to renew: warn from 90 days
MAX_INTERVAL_MONTHS = 60


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks becomes its last (2/29 + 12 → 2/28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueItem:
    kind: ReviewKind
    nominal_on: date  # the date the rule gives
    due_on: date  # the last working day on or before it: 1/1 is not a day anyone inspects
    notice_days: int = DUE_SOON_DAYS
    ref_id: int | None = None  # the certificate, contract or corrective action it is about


def due(kind: ReviewKind, nominal_on: date, ref_id: int | None = None) -> DueItem:
    notice = EXPIRY_NOTICE_DAYS if kind in (ReviewKind.CERTIFICATION, ReviewKind.CONTRACT) else DUE_SOON_DAYS
    return DueItem(kind, nominal_on, previous_working_day(nominal_on), notice, ref_id)


def handled_abroad(party_country: str, processing: list[str], storage: list[str]) -> bool:
    """A foreign entrustee, or our data processed or stored outside Japan: a yearly check of the
    measures and the foreign law is due (規則 18; DOMAIN.md §8)."""
    return party_country != HOME_COUNTRY or any(c != HOME_COUNTRY for c in [*processing, *storage])


def contract_expiry(signed: list[tuple[int, str, str | None, bool]]) -> tuple[int, date] | None:
    """(contract, date) when a link's agreement runs out: the latest end date of its signed contracts
    (kind, valid until, auto-renewing); an addendum runs with the contract it amends, and an
    open-ended or auto-renewing contract never expires, so then there is none."""
    terms = [(contract_id, None if auto_renewal else until) for contract_id, kind, until, auto_renewal in signed
             if kind != "addendum"]
    if not terms or not all(until for _, until in terms):
        return None
    contract_id, until = max(terms, key=lambda t: t[1])
    return contract_id, date.fromisoformat(until)


@dataclass(frozen=True)
class ScheduleFacts:
    """What the schedule of one active link depends on."""

    start: date  # start date, else the day it was registered
    inspection_interval: int = DEFAULT_INTERVAL_MONTHS
    report_interval: int | None = None  # the shortest of its contracts in force; None: no reports agreed
    abroad: bool = False  # processed or stored outside Japan, or a foreign entrustee
    last_done: Mapping[ReviewKind, date] = field(default_factory=dict)
    last_selection: date | None = None  # the latest approved selection check
    contracts: tuple[tuple[int, date], ...] = ()  # (contract id, valid until) of its contracts
    open_actions: tuple[tuple[int, date], ...] = ()  # (corrective action id, due on)
    reevaluation_months: int = DEFAULT_INTERVAL_MONTHS  # how often its vendor is asked again: by risk tier
    open_requests: tuple[tuple[int, date], ...] = ()  # (request id, due on) of requests not yet settled


def link_items(facts: ScheduleFacts) -> list[DueItem]:
    """Every item due for an active link: the next of each periodic review, counted from the last
    time it was done (else from the start), plus expiring contracts, open corrective actions and
    requests to its vendor not yet settled."""

    def after(kind: ReviewKind, months: int, since: date | None = None) -> DueItem:
        return due(kind, add_months(facts.last_done.get(kind) or since or facts.start, months))

    items = [after(ReviewKind.INSPECTION, facts.inspection_interval)]
    if facts.report_interval:
        items.append(after(ReviewKind.REPORT, facts.report_interval))
    if facts.abroad:
        items.append(after(ReviewKind.FOREIGN_CHECK, DEFAULT_INTERVAL_MONTHS))
    last_evaluated = max((d for d in (facts.last_done.get(ReviewKind.REEVALUATION), facts.last_selection) if d),
                         default=None)
    items.append(due(ReviewKind.REEVALUATION, add_months(last_evaluated or facts.start, facts.reevaluation_months)))
    items += [due(ReviewKind.CONTRACT, until, contract_id) for contract_id, until in facts.contracts]
    items += [due(ReviewKind.CORRECTIVE_ACTION, on, action_id) for action_id, on in facts.open_actions]
    items += [DueItem(ReviewKind.REQUEST, on, on, DUE_SOON_DAYS, request_id) for request_id, on in facts.open_requests]
    return items


def certification_item(certification_id: int, valid_until: date) -> DueItem:
    return due(ReviewKind.CERTIFICATION, valid_until, certification_id)


def status_of(due_on: date, notice_days: int, today: date) -> DueStatus:
    if due_on < today:
        return DueStatus.OVERDUE
    if due_on - timedelta(days=notice_days) <= today:
        return DueStatus.DUE_SOON
    return DueStatus.UPCOMING


def status_bounds(statuses: set[DueStatus], today: date, alias: str = "d") -> tuple[str, list]:
    """The SQL condition matching ``status_of`` for any of ``statuses``. It reads only due_on and
    notice_days (a covering index), and computes a notice's start only for the few items due
    within EXPIRY_NOTICE_DAYS, the longest notice."""
    iso = today.isoformat()
    horizon = (today + timedelta(days=EXPIRY_NOTICE_DAYS)).isoformat()
    due_on = f"{alias}.due_on"
    notice_started = f"date({due_on}, '-' || {alias}.notice_days || ' days') <= ?"
    wanted = set(statuses) - {DueStatus.DONE}
    overdue, soon, upcoming = (s in wanted for s in (DueStatus.OVERDUE, DueStatus.DUE_SOON, DueStatus.UPCOMING))
    if overdue and soon and upcoming:
        return "1", []
    if soon and upcoming:
        return f"{due_on} >= ?", [iso]
    if overdue and soon:
        return f"{due_on} <= ? AND ({due_on} < ? OR {notice_started})", [horizon, iso, iso]
    parts = []
    if overdue:
        parts.append((f"{due_on} < ?", [iso]))
    if soon:
        parts.append((f"{due_on} BETWEEN ? AND ? AND {notice_started}", [iso, horizon, iso]))
    if upcoming:
        parts.append((f"{due_on} >= ? AND NOT ({notice_started})", [iso, iso]))
    if not parts:
        return "0", []
    return " OR ".join(f"({sql})" for sql, _ in parts), [p for _, params in parts for p in params]
