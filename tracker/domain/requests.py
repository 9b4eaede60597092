"""A request to a vendor (a checksheet, a report, a declaration, a certificate) and its states.

draft → sent → opened → answered → accepted | returned (back to the vendor, who answers again)
a request not yet answered can be withdrawn, and expires when its link does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .email_address import problems as email_problems
from .limits import text_problems
from .problems import Problem


class RequestState(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    OPENED = "opened"
    ANSWERED = "answered"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


# the states a vendor may still answer in (the link works), and those awaiting us
OPEN_TO_VENDOR = frozenset({RequestState.SENT, RequestState.OPENED, RequestState.RETURNED})
OUTSTANDING = OPEN_TO_VENDOR | {RequestState.DRAFT}

_NEXT: dict[RequestState, frozenset[RequestState]] = {
    RequestState.DRAFT: frozenset({RequestState.SENT, RequestState.ANSWERED, RequestState.WITHDRAWN}),  # answered: a workbook by e-mail
    RequestState.SENT: frozenset({RequestState.SENT, RequestState.OPENED, RequestState.ANSWERED,
                                  RequestState.EXPIRED, RequestState.WITHDRAWN}),
    RequestState.OPENED: frozenset({RequestState.SENT, RequestState.ANSWERED, RequestState.EXPIRED,
                                    RequestState.WITHDRAWN}),
    RequestState.ANSWERED: frozenset({RequestState.ACCEPTED, RequestState.RETURNED}),
    RequestState.RETURNED: frozenset({RequestState.SENT, RequestState.OPENED, RequestState.ANSWERED,
                                      RequestState.EXPIRED, RequestState.WITHDRAWN}),
    RequestState.EXPIRED: frozenset({RequestState.SENT, RequestState.WITHDRAWN}),  # sent again, with a new link
    RequestState.ACCEPTED: frozenset(),
    RequestState.WITHDRAWN: frozenset(),
}


# sets answered about the company as a whole: one request may count for several of its links, and
# a new one starts from its last accepted answers to any of them
COMPANY_SETS = frozenset({"selection", "annual_report"})
# sets whose new request starts from the last accepted answers: the company's (above) or the link's
CARRIED_OVER = COMPANY_SETS | {"subprocessors"}


def vendor_username(request_id: int) -> str:
    """Who a request's vendor is in the audit trail and on the files it brought."""
    return f"vendor:R{request_id}"


def transition_problems(current: str, target: RequestState) -> list[Problem]:
    if target not in _NEXT[RequestState(current)]:
        return [Problem("state", "error.request.wrong_state", {"state": current, "target": target.value})]
    return []


def due_problems(due_on: date | None, today: date) -> list[Problem]:
    if due_on is None:
        return [Problem("due_on", "error.required")]
    if due_on < today:
        return [Problem("due_on", "error.request.due_in_past")]
    if due_on > today + timedelta(days=366):
        return [Problem("due_on", "error.request.due_too_far")]
    return []


def contact_problems(name: str, email: str, name_required: bool = False) -> list[Problem]:
    """A request's contact: a name within a name's length (required when a vendor forwards: the
    link goes to a person), one plain e-mail address."""
    problems = [Problem("contact_name", "error.required")] if name_required and not name.strip() else []
    return problems + text_problems({"contact_name": name.strip()}) + email_problems(email.strip(), "contact_email")


def forward_problems(state: str, already: dict | None) -> list[Problem]:
    """Whether a vendor may forward its request (in ``state``) to a sub-link that already has
    ``already`` (the open forward of this request to it, or None). Each sub-link gets one open
    forward, and only while the vendor is still answering: what was forwarded stays bounded."""
    if state not in OPEN_TO_VENDOR:
        return [Problem(None, "error.request.forward_closed")]
    if already is not None:
        return [Problem("engagement_id", "error.request.already_forwarded", {"on": already["sent_on"] or ""})]
    return []


def link_expires_on(due_on: date, grace_days: int) -> date:
    """The link works until the end of this day: the due date and a grace period for late answers."""
    return due_on + timedelta(days=grace_days)


def is_overdue(state: str, due_on: date, today: date) -> bool:
    return state in OUTSTANDING and due_on < today


CHASE_BEFORE_DAYS = 7


def should_chase(due_on: date, today: date) -> bool:
    """Remind a vendor a week before, the day before, and, once overdue, the day after and weekly
    (every day would be noise; a reminder carries a new link, so each one is a change)."""
    days = (due_on - today).days
    return days in (CHASE_BEFORE_DAYS, 1) or (days < 0 and (-days) % 7 == 1)


@dataclass
class Acceptance:
    """What the reviewer decides on accepting. A selection answer needs the selection result (never
    preselected) and may activate the link; findings get corrective actions owned and due as given."""

    result: str | None = None
    decided_by: str = ""
    conditions: str = ""
    activate: bool = False
    action_owner: str = ""
    action_due_on: date | None = None
    comment: str = ""
