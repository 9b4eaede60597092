"""The vendor's side of a request, reached by its one-time link and nothing else: see what is asked
and about which of our data, save drafts, attach files, submit (or upload the workbook), and pass a
copy down to its own sub-processors.

Every call starts from the token. A wrong, expired or finished token raises LinkRefused, which says
nothing about why (the page shows one plain message); wrong tokens are counted per client, and a
client with too many is refused for a while before any lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
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
from .. import settings as app_settings
from ..store import connection, records
from ..store import registry_queries as q
from ..store import request_queries as rq
from ..store.settings_queries import settings_of
from . import attachments, catalogue
from .context import Actor, Busy, Context
from .requests import Issued, RequestDraft, attachment_names, insert_request, read_workbook, workbook_file
from ..store.settings_queries import ORGANISATION_NAME, ORGANISATION_NAME_EN


class LinkRefused(Exception):
    """The link opens nothing (wrong, expired, withdrawn, or too many wrong tries from this client)."""


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


def _now() -> datetime:
    return datetime.now(timezone.utc)


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


def _vendor(db_path: Path, row: dict, today: date) -> Context:
    """The context the vendor acts in: may answer this request, and read nothing on its own."""
    name = (row["contact_name"] or "vendor")[:60]
    return Context(db_path, Actor(vendor_username(row["id"]), name, Role.VENDOR), today)


def open_request(db_path: Path, token: str, client: str, today: date) -> VendorRequest:
    """The request behind the link; the first opening is recorded (sent → opened) unless the
    database is busy right then (the page opens anyway)."""
    row = _find(db_path, token, client, today)
    if row["state"] == RequestState.SENT:
        ctx = _vendor(db_path, row, today)
        try:
            with ctx.write(Action.ANSWER_REQUEST) as db:
                current = rq.request(db, row["id"])
                if current["state"] == RequestState.SENT:
                    records.update(db, "requests", row["id"], current["version"], {
                        "state": RequestState.OPENED.value, "opened_at": _stamp(_now())}, ctx.actor.username)
                row = rq.request(db, row["id"])
        except Busy:  # the vendor still sees its request; the opening is recorded at the next one
            pass
    return _view(db_path, row)


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
    return VendorRequest(
        id=row["id"], version=row["version"], state=row["state"], question_set=question_set, answers=answers,
        due_on=date.fromisoformat(row["due_on"]), editable=row["state"] in OPEN_TO_VENDOR, comment=row["comment"]
        if row["state"] == RequestState.RETURNED else None, business_name=business["name"], work=link["work"],
        data_categories=list(link["data_categories"]), entrustee_name=entrustee["name"],
        entruster_name=entruster["name"] if entruster else None,
        organisation=ours.get(ORGANISATION_NAME, ""), organisation_en=ours.get(ORGANISATION_NAME_EN, ""),
        answered_at=row["answered_at"],
        attachment_names=names, sublinks=sublinks,
        forwarded=[{"id": f["id"], "name": f["entrustee_name"], "state": f["state"]} for f in forwarded])


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


Uploads = dict[str, tuple[str, bytes]]  # question id → (file name, content), chosen on the form now


def save_draft(db_path: Path, token: str, client: str, today: date, expected_version: int,
               answers: dict[str, Any], uploads: Uploads | None = None) -> None:
    """Keep what is answered so far (checked, but incomplete answers allowed), with the files chosen."""
    _save(db_path, token, client, today, expected_version, answers, uploads or {}, answered_by=None)


def submit(db_path: Path, token: str, client: str, today: date, expected_version: int,
           answers: dict[str, Any], answered_by: str, uploads: Uploads | None = None) -> None:
    """The final answer: every required question answered and every answer valid, or nothing changes."""
    _save(db_path, token, client, today, expected_version, answers, uploads or {}, answered_by=answered_by)


def _save(db_path: Path, token: str, client: str, today: date, expected_version: int, answers: dict[str, Any],
          uploads: Uploads, answered_by: str | None) -> None:
    """A draft (``answered_by`` None) or the submission: the answers and the files they name in one
    transaction, so a refused save keeps neither. Files no answer names any more (replaced, or left
    by a refused try) go, so what one link can store stays within the file questions' count."""
    row = _find(db_path, token, client, today)
    question_set = catalogue.question_set(row["set_id"])
    final = answered_by is not None
    placeholders = {question_id: 0 for question_id in uploads}  # their ids are known once recorded
    clean, problems = check_answers(question_set, _merged(row, answers) | placeholders, final=final)
    if final and not answered_by.strip():
        problems.append(Problem("answered_by", "error.required"))
    raise_if_any(problems)
    ctx = _vendor(db_path, row, today)
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
            dropped = attachments.drop_unnamed(db, ctx, vendor_username(row['id']), named)
    finally:  # committed: the dropped rows' files; rolled back: the files written for nothing
        attachments.discard_files(db_path, dropped + [file.sha256 for file in kept.values()])


def _kept(ctx: Context, question_id: str, name: str, data: bytes) -> attachments.KeptFile:
    """An upload checked and written under its hash; a refusal names its question."""
    try:
        return attachments.keep_file(ctx, name, data)
    except RuleViolation as refused:
        raise RuleViolation([Problem(question_id, p.code, p.params) for p in refused.problems]) from None


def _named_files(db, clean: dict, question_set: QuestionSet, row: dict) -> set[int]:
    """The attachments the answers name: each one this request's own upload (never another record's),
    together within the settings' count and size."""
    limits = app_settings.load().requests
    owned = {f["id"]: f["size"] for f in rq.vendor_files(db, vendor_username(row['id']))}
    named: set[int] = set()
    for question in question_set.questions:
        if question.type == AnswerType.FILE and clean.get(question.id) is not None:
            if clean[question.id] not in owned:
                raise_if_any([Problem(question.id, "error.answer.file")])
            named.add(clean[question.id])
    if len(named) > limits.max_files or sum(owned[i] for i in named) > limits.max_files_megabytes * 1024 * 1024:
        raise_if_any([Problem(None, "error.request.too_many_files",
                              {"count": limits.max_files, "max_mb": limits.max_files_megabytes})])
    return named


def forward(db_path: Path, token: str, client: str, today: date, engagement_id: int, contact_name: str,
            contact_email: str) -> Issued:
    """A copy of this request to one of the vendor's sub-processors registered under this link; its
    answers come to us, under the sub-link. One open forward per sub-link, while the vendor is still
    answering. Returns the new link, for the vendor to pass on."""
    row = _find(db_path, token, client, today)
    due = date.fromisoformat(row["due_on"])
    raise_if_any(([] if engagement_id else [Problem("engagement_id", "error.required")])
                 + contact_problems(contact_name, contact_email, name_required=True) + due_problems(due, today))
    ctx = _vendor(db_path, row, today)
    with ctx.write(Action.ANSWER_REQUEST) as db:
        current, sub = rq.request(db, row["id"]), q.engagement(db, engagement_id)
        if sub is None or sub["parent_engagement_id"] != row["engagement_id"] or sub["status"] == "ended":
            raise_if_any([Problem("engagement_id", "error.request.not_a_sublink")])
        raise_if_any(forward_problems(current["state"], rq.open_forward(db, row["id"], engagement_id)))
        return insert_request(db, ctx, RequestDraft(engagement_id, row["set_id"], due, contact_name, contact_email),
                              send=True, forwarded_from_id=row["id"])


def workbook(db_path: Path, token: str, client: str, today: date) -> tuple[str, bytes]:
    row = _find(db_path, token, client, today)
    with connection.reading(db_path) as db:
        return workbook_file(db, row)


def submit_workbook(db_path: Path, token: str, client: str, today: date, expected_version: int, data: bytes) -> None:
    """The filled-in workbook, uploaded on the vendor's page: checked like the form, then submitted.
    File answers already attached on the page are kept."""
    row = _find(db_path, token, client, today)
    read = read_workbook(row, data)
    submit(db_path, token, client, today, expected_version, read.answers, read.answered_by)
