"""The vendor's side of a request, reached by its one-time link and nothing else: see what is asked
and about which of our data, save drafts, attach files, submit (or upload the workbook), and pass a
copy down to its own sub-processors.

Everything starts from the token, resolved once per page run into a VendorLink (``open_link``). A
wrong, expired or finished token raises LinkRefused, which says nothing about why (the page shows
one plain message); wrong tokens are counted per client, and a client with too many is refused for
a while before any lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, UTC
from pathlib import Path
from typing import Any

from ..domain import request_tokens as tokens
from ..domain import answers as answer_rules
from ..domain.answers import check_answers
from ..domain.permissions import Action, Role
from ..domain.problems import Problem, RuleViolation, raise_if_any
from ..domain.questionnaires import AnswerType, QuestionSet
from ..domain.requests import (OPEN_TO_VENDOR, RequestState, contact_problems, due_problems, forward_problems,
                               transition_problems, vendor_username)
from ..domain.webhooks import Event
from ..domain import refs
from .. import settings as app_settings
from ..store import connection, records
from ..store import registry_queries as q
from ..store import request_queries as rq
from ..store.settings_queries import settings_of
from . import attachments, catalogue, webhooks
from .context import Actor, Busy, Context
from .requests import Issued, RequestDraft, attachment_names, insert_request, read_workbook, workbook_file
from ..store.settings_queries import ORGANISATION_NAME, ORGANISATION_NAME_EN


class LinkRefused(Exception):
    """The link opens nothing (wrong, expired, withdrawn, or too many wrong tries from this client)."""


Uploads = dict[str, tuple[str, bytes]]  # question id → (file name, content), chosen on the form now


@dataclass(frozen=True)
class VendorRequest:
    """What the vendor's page shows: the request, what it is about, and whether it can still be changed."""

    id: int
    version: int
    state: str
    question_set: QuestionSet
    answers: dict[str, Any]
    due_on: date
    editable: bool
    comment: str | None  # why we returned it
    business_name: str
    work: str
    data_categories: list[str]
    entrustee_name: str
    entruster_name: str | None  # None: us
    organisation: str
    organisation_en: str  # our English name, for the page in English ("" when not set)
    answered_at: str | None
    attachment_names: dict[int, str]
    sublinks: list[dict]  # the vendor's own sub-processors under this link, to forward to
    forwarded: list[dict]
    started_from_last: bool = False  # its answers accepted last time are filled in, to confirm or change
    also_for: int = 0  # how many more of our links with the company this one answer counts for


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _find(db_path: Path, token: str, client: str, today: date) -> dict:
    """The request the token opens, or LinkRefused (recording the failure, up to the overall cap)."""
    now = _now()
    with connection.reading(db_path) as db:
        failures = [datetime.fromisoformat(at) for at in
                    rq.recent_failures(db, client, _stamp(now - tokens.FAILURE_WINDOW))]
        if tokens.throttled(failures, now):
            raise LinkRefused()
        row = rq.by_token_hash(db, tokens.token_hash(token)) if tokens.plausible(token) else None
        usable = row is not None and row["state"] not in (RequestState.WITHDRAWN, RequestState.EXPIRED) and (
            row["link_expires_on"] is None or date.fromisoformat(row["link_expires_on"]) >= today)
        recording = not usable and rq.failures_since(
            db, _stamp(now - timedelta(minutes=1))) < tokens.MAX_RECORDED_PER_MINUTE
    if recording:
        try:
            with connection.writing(db_path) as db:
                rq.add_failure(db, client, _stamp(now), _stamp(now - timedelta(days=1)))
        except Busy:  # the count is bookkeeping: a busy database refuses the link all the same
            pass
    if not usable:
        raise LinkRefused()
    return row


def open_link(db_path: Path, token: str, client: str, today: date) -> VendorLink:
    """The request behind the link, resolved once for a page run; its first opening is recorded
    (sent → opened) unless the database is busy right then (the page opens anyway). Raises LinkRefused."""
    link = VendorLink(db_path, _find(db_path, token, client, today), today)
    if link.row["state"] != RequestState.SENT:
        return link
    try:
        with link.ctx.write(Action.ANSWER_REQUEST) as db:
            current = rq.request(db, link.row["id"])
            if current["state"] == RequestState.SENT:
                records.update(db, "requests", current["id"], current["version"], {
                    "state": RequestState.OPENED.value, "opened_at": _stamp(_now())}, link.ctx.actor.username)
            return VendorLink(db_path, rq.request(db, current["id"]), today)
    except Busy:  # the vendor still sees its request; the opening is recorded at the next one
        return link


@dataclass(frozen=True)
class VendorLink:
    """A vendor's one-time link, opened (``open_link``): the request as it was then, and what the
    vendor may do with it. Every change checks the request's version and state again in its own
    transaction, so a link withdrawn or answered meanwhile changes nothing."""

    db_path: Path
    row: dict
    today: date

    @property
    def ctx(self) -> Context:
        """The context the vendor acts in: may answer this request, and read nothing on its own."""
        name = (self.row["contact_name"] or "vendor")[:60]
        return Context(self.db_path, Actor(vendor_username(self.row["id"]), name, Role.VENDOR), self.today)

    def view(self) -> VendorRequest:
        """What the vendor's page shows."""
        return _view(self.db_path, self.row)

    def save_draft(self, expected_version: int, answers: dict[str, Any], uploads: Uploads | None = None) -> None:
        """Keep what is answered so far (checked, incomplete answers allowed), with the files chosen.
        Raises RuleViolation, StaleRecord, Busy."""
        _save(self, expected_version, answers, uploads or {}, answered_by=None)

    def submit(self, expected_version: int, answers: dict[str, Any], answered_by: str,
               uploads: Uploads | None = None) -> None:
        """The final answer: every required question answered and every answer valid, or nothing
        changes. Raises RuleViolation, StaleRecord, Busy."""
        _save(self, expected_version, answers, uploads or {}, answered_by=answered_by)

    def forward(self, engagement_id: int, contact_name: str, contact_email: str) -> Issued:
        """A copy of this request to one of the vendor's sub-processors registered under this link;
        its answers come to us, under the sub-link. One open forward per sub-link, while the vendor
        is still answering. Returns the new link, for the vendor to pass on. Raises RuleViolation."""
        return _forward(self, engagement_id, contact_name, contact_email)

    def workbook(self) -> tuple[str, bytes]:
        """The request as an Excel workbook to fill in: (file name, content)."""
        with connection.reading(self.db_path) as db:
            return workbook_file(db, self.row)

    def submit_workbook(self, expected_version: int, data: bytes) -> None:
        """The filled-in workbook, checked like the form, then submitted; file answers already
        attached on the page are kept. Raises WorkbookRefused, RuleViolation, StaleRecord."""
        read = read_workbook(self.row, data)
        self.submit(expected_version, read.answers, read.answered_by)


def _view(db_path: Path, row: dict) -> VendorRequest:
    question_set = catalogue.question_set(row["set_id"])
    answers = answer_rules.values_of(row["answers"])
    with connection.reading(db_path) as db:
        link = q.engagement(db, row["engagement_id"])
        business = q.business(db, link["business_id"])
        entrustee = q.party(db, link["entrustee_party_id"])
        entruster = q.party(db, link["entruster_party_id"]) if link["entruster_party_id"] else None
        ours = settings_of(db, [ORGANISATION_NAME, ORGANISATION_NAME_EN])
        names = attachment_names(db, [row])
        sublinks = rq.open_sub_links(db, link["id"])
        forwarded = rq.forwarded(db, row["id"])
        also_for = len(rq.also_for(db, row["id"]))
    return VendorRequest(
        id=row["id"], version=row["version"], state=row["state"], question_set=question_set, answers=answers,
        due_on=date.fromisoformat(row["due_on"]), editable=row["state"] in OPEN_TO_VENDOR, comment=row["comment"]
        if row["state"] == RequestState.RETURNED else None, business_name=business["name"], work=link["work"],
        data_categories=list(link["data_categories"]), entrustee_name=entrustee["name"],
        entruster_name=entruster["name"] if entruster else None,
        organisation=ours.get(ORGANISATION_NAME, ""), organisation_en=ours.get(ORGANISATION_NAME_EN, ""),
        answered_at=row["answered_at"],
        attachment_names=names, sublinks=sublinks,
        forwarded=[{"id": f["id"], "name": f["entrustee_name"], "state": f["state"]} for f in forwarded],
        started_from_last=bool(row["starts_from_id"]) and not row["answered_at"], also_for=also_for)


def _editable(db, row: dict, expected_version: int) -> dict:
    current = rq.request(db, row["id"])
    if current["version"] != expected_version:
        raise records.StaleRecord("requests", row["id"], current)
    if current["state"] not in OPEN_TO_VENDOR:
        raise_if_any([Problem(None, "error.request.not_open")])
    return current


def _merged(row: dict, answers: dict[str, Any]) -> dict[str, Any]:
    """The vendor's answers; a file answer not sent again keeps the file already attached."""
    kept = answer_rules.values_of(row["answers"])
    files = {x.id for x in catalogue.question_set(row["set_id"]).questions if x.type == AnswerType.FILE}
    return {**{k: v for k, v in kept.items() if k in files}, **answers}


def _save(link: VendorLink, expected_version: int, answers: dict[str, Any], uploads: Uploads,
          answered_by: str | None) -> None:
    """A draft (``answered_by`` None) or the submission: the answers and the files they name in one
    transaction, so a refused save keeps neither. Files no answer names any more (replaced, or left
    by a refused try) go, so what one link can store stays within the file questions' count."""
    row, ctx = link.row, link.ctx
    question_set = catalogue.question_set(row["set_id"])
    final = answered_by is not None
    placeholders = {question_id: 0 for question_id in uploads}  # their ids are known once recorded
    clean, problems = check_answers(question_set, _merged(row, answers) | placeholders, final=final)
    raise_if_any(problems + (answer_rules.answered_by_problems(answered_by) if final else []))
    kept = {question_id: _kept(ctx, question_id, name, data) for question_id, (name, data) in uploads.items()}
    dropped: list[str] = []
    try:
        with ctx.write(Action.ANSWER_REQUEST) as db:
            current = _editable(db, row, expected_version)
            if final:
                raise_if_any(transition_problems(current["state"], RequestState.ANSWERED))
            clean |= {question_id: attachments.record(db, ctx, file) for question_id, file in kept.items()}
            named = _named_files(db, clean, question_set, current)
            values = {"answers": answer_rules.versioned(question_set, clean)}
            if final:
                values |= {"state": RequestState.ANSWERED.value, "answered_at": _stamp(_now()),
                           "answered_by": answered_by.strip()[:120]}
            records.update(db, "requests", row["id"], expected_version, values, ctx.actor.username)
            if final:
                webhooks.emit(db, Event.REQUEST_ANSWERED, {
                    "request": refs.ref(refs.REQUEST, row["id"]), "set": row["set_id"],
                    "engagement": q.engagement(db, row["engagement_id"])["ref"], "answered_by": values["answered_by"]})
            dropped = attachments.drop_unnamed(db, ctx, vendor_username(row['id']), named)
    finally:  # committed: the dropped rows' files; rolled back: the files written for nothing
        attachments.discard_files(link.db_path, dropped + [file.sha256 for file in kept.values()])


def _kept(ctx: Context, question_id: str, name: str, data: bytes) -> attachments.KeptFile:
    """An upload checked and written under its hash; a refusal names its question."""
    try:
        return attachments.keep_file(ctx, name, data)
    except RuleViolation as refused:
        raise RuleViolation([Problem(question_id, p.code, p.params) for p in refused.problems]) from None


def _named_files(db, clean: dict, question_set: QuestionSet, row: dict) -> set[int]:
    """The attachments the answers name, checked against this request's own uploads."""
    limits = app_settings.load().requests
    owned = {f["id"]: f["size"] for f in rq.vendor_files(db, vendor_username(row['id']))}
    named, problems = answer_rules.named_files(question_set, clean, owned, limits.max_files,
                                               limits.max_files_megabytes)
    raise_if_any(problems)
    return named


def _forward(link: VendorLink, engagement_id: int, contact_name: str, contact_email: str) -> Issued:
    row, ctx = link.row, link.ctx
    due = date.fromisoformat(row["due_on"])
    raise_if_any(([] if engagement_id else [Problem("engagement_id", "error.required")])
                 + contact_problems(contact_name, contact_email, name_required=True) + due_problems(due, link.today))
    with ctx.write(Action.ANSWER_REQUEST) as db:
        current, sub = rq.request(db, row["id"]), q.find_engagement(db, engagement_id)
        if sub is None or sub["parent_engagement_id"] != row["engagement_id"] or sub["status"] == "ended":
            raise_if_any([Problem("engagement_id", "error.request.not_a_sublink")])
        raise_if_any(forward_problems(current["state"], rq.open_forward(db, row["id"], engagement_id)))
        return insert_request(db, ctx, RequestDraft(engagement_id, row["set_id"], due, contact_name, contact_email),
                              send=True, forwarded_from_id=row["id"])
