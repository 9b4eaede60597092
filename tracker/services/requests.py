"""Requests to vendors, as our staff handle them: create and send (one or many), withdraw, review
the answers and accept or return them. The vendor's side is in ``request_answers``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import settings as app_settings
from ..domain import answer_review as review_rules
from ..domain import answers as answer_rules
from ..domain.answer_review import Contradiction
from ..domain import request_tokens as tokens
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.questionnaires import AnswerType, QuestionSet
from ..domain.requests import (CARRIED_OVER, COMPANY_SETS, Acceptance, RequestState, contact_problems, due_problems,
                               link_expires_on, transition_problems, vendor_username)
from ..store import due_items, records
from ..store import registry_queries as q
from ..store import request_queries as rq
from ..store.settings_queries import settings_of
from ..domain.attachment_rules import document_name
from ..inputs import request_workbook as workbook_reader
from ..outputs import request_workbook
from ..outputs.request_text import request_lines
from . import attachments, catalogue, chains, request_effects, setup
from .chains import ChainLink
from ..store.settings_queries import ORGANISATION_NAME
from .context import Context


@dataclass(frozen=True)
class Issued:
    """A request sent: its id and the link to give the vendor (shown once: we keep only its hash)."""

    request_id: int
    link: str | None


@dataclass
class RequestDraft:
    engagement_id: int
    set_id: str
    due_on: date | None
    contact_name: str = ""
    contact_email: str = ""


def file_answers(row: dict) -> set[int]:
    """The attachment ids a stored request's answers name."""
    answers = answer_rules.values_of(row["answers"])
    return {answers[q.id] for q in catalogue.question_set(row["set_id"]).questions
            if q.type == AnswerType.FILE and answers.get(q.id) is not None}


def _check_draft(db, ctx: Context, draft: RequestDraft) -> tuple[dict | None, list[Problem]]:
    problems = due_problems(draft.due_on, ctx.today)
    if draft.set_id not in catalogue.question_sets():
        problems.append(Problem("set_id", "error.invalid_choice"))
    link = q.find_engagement(db, draft.engagement_id)
    if link is None:
        problems.append(Problem("engagement_id", "error.not_found"))
    elif link["status"] == "ended" and draft.set_id != "deletion_certificate":
        problems.append(Problem("engagement_id", "error.request.link_ended"))
    problems += contact_problems(draft.contact_name, draft.contact_email)
    return link, problems


def _contact(db, link: dict, draft: RequestDraft) -> tuple[str | None, str | None]:
    """The contact given, else the party's own."""
    party = q.party(db, link["entrustee_party_id"])
    return (draft.contact_name.strip() or party["contact_person"] or None,
            draft.contact_email.strip() or party["email"] or None)


def insert_request(db, ctx: Context, draft: RequestDraft, send: bool, forwarded_from_id: int | None = None,
                   termination_id: int | None = None, refresh: bool = True) -> Issued:
    """One request, inside the caller's transaction (checked by the caller). ``refresh`` False: the
    caller refreshes the schedule of all its links at once (a bulk send)."""
    link = q.engagement(db, draft.engagement_id)
    name, email = _contact(db, link, draft)
    question_set = catalogue.question_set(draft.set_id)
    values = {"engagement_id": draft.engagement_id, "set_id": draft.set_id, "set_version": question_set.version,
              "state": RequestState.DRAFT.value, "due_on": draft.due_on.isoformat(), "contact_name": name,
              "contact_email": email, "forwarded_from_id": forwarded_from_id, "termination_id": termination_id,
              "owner_user_id": link["owner_user_id"]}
    last = _starts_from(db, link, draft.set_id)
    if last is not None:  # the vendor confirms or changes its last accepted answers
        values |= {"answers": answer_rules.carried_over(question_set, last["answers"]), "starts_from_id": last["id"]}
    token = None
    if send:
        token = tokens.new_token()
        values |= _sent_values(ctx, draft.due_on, token)
    request_id = records.insert(db, "requests", values, ctx.actor.username)
    if refresh:
        due_items.refresh_links(db, [draft.engagement_id])
    return Issued(request_id, link_of(token))


def _starts_from(db, link: dict, set_id: str) -> dict | None:
    """The accepted request a new one of this set starts from: the company's last (for a set about
    the company), or this link's last, or None."""
    if set_id in COMPANY_SETS:
        return rq.last_accepted(db, set_id, party_id=link["entrustee_party_id"])
    if set_id in CARRIED_OVER:
        return rq.last_accepted(db, set_id, engagement_id=link["id"])
    return None


def links_of(db, row: dict) -> list[int]:
    """Every link a request concerns: its own and those it also counts for."""
    return [row["engagement_id"], *rq.also_for(db, row["id"])]


def _sent_values(ctx: Context, due_on: date, token: str) -> dict:
    grace = app_settings.load().requests.grace_days
    return {"state": RequestState.SENT.value, "token_hash": tokens.token_hash(token), "sent_on": ctx.today.isoformat(),
            "link_expires_on": link_expires_on(due_on, grace).isoformat()}


def links_point_here() -> bool:
    """Whether ``[requests] public_url`` still names this machine (localhost, the default): links
    sent now would not open for a vendor."""
    return tokens.local_address(app_settings.load().requests.public_url)


def open_of(ctx: Context, engagement_id: int, set_id: str) -> list[dict]:
    """The requests of this set to this link not yet settled (a second one is usually a mistake)."""
    with ctx.read() as db:
        return rq.outstanding_of(db, engagement_id, set_id)


def link_of(token: str | None) -> str | None:
    """The vendor's link for a token, on the public address the settings give (None without a token)."""
    return tokens.link(app_settings.load().requests.public_url, token) if token else None


def create_request(ctx: Context, draft: RequestDraft, send: bool = True) -> Issued:
    """Create a request (sent at once unless ``send`` is False); returns its id and link. Raises
    RuleViolation, PermissionDenied."""
    with ctx.write(Action.SEND_REQUESTS) as db:
        _, problems = _check_draft(db, ctx, draft)
        raise_if_any(problems)
        return insert_request(db, ctx, draft, send)


def create_many(ctx: Context, engagement_ids: list[int], set_id: str, due_on: date | None,
                send: bool = True) -> list[Issued]:
    """The same request to many links at once (this year's checksheets to every tier-1 link of a
    business …), each to its party's contact; all or nothing."""
    ctx.require(Action.SEND_REQUESTS)
    if not engagement_ids:
        raise_if_any([Problem("engagement_ids", "error.request.no_links")])
    with ctx.write(Action.SEND_REQUESTS) as db:
        issued = []
        for engagement_id in engagement_ids:
            draft = RequestDraft(engagement_id, set_id, due_on)
            _, problems = _check_draft(db, ctx, draft)
            raise_if_any([Problem(p.field, p.code, {**p.params, "engagement_id": engagement_id}) for p in problems])
            issued.append(insert_request(db, ctx, draft, send, refresh=False))
        due_items.refresh_links(db, engagement_ids)
        return issued


def create_for_company(ctx: Context, party_id: int | None, engagement_ids: list[int], set_id: str,
                       due_on: date | None, contact_name: str = "", contact_email: str = "", send: bool = True) -> Issued:
    """One request to a company that counts for several of its links (a checksheet about the company
    as a whole): answered once, accepted once, recorded for each. Raises NotFound, RuleViolation,
    PermissionDenied."""
    with ctx.write(Action.SEND_REQUESTS) as db:
        if party_id is None:
            raise_if_any([Problem("party_id", "error.required")])
        q.party(db, party_id)
        wanted = set(engagement_ids)
        chosen = [link_id for link_id, _ in q.open_links_of_party(db, party_id) if link_id in wanted]  # chain order
        problems = [] if set_id in COMPANY_SETS else [Problem("set_id", "error.request.not_about_the_company")]
        if not wanted:
            problems.append(Problem("engagement_ids", "error.request.no_links"))
        elif len(chosen) != len(wanted):
            problems.append(Problem("engagement_ids", "error.request.not_the_company_link"))
        draft = RequestDraft(chosen[0] if chosen else 0, set_id, due_on, contact_name, contact_email)
        if not problems:
            problems += _check_draft(db, ctx, draft)[1]
        raise_if_any(problems)
        issued = insert_request(db, ctx, draft, send, refresh=False)
        for link_id in chosen[1:]:
            records.insert(db, "request_links", {"request_id": issued.request_id, "engagement_id": link_id},
                           ctx.actor.username)
        due_items.refresh_links(db, chosen)
        return issued


def active_links(ctx: Context, business_id: int, tier: int | None = None) -> list[int]:
    """The business's links that are not ended (of one tier, when given): whom a bulk request goes to."""
    with ctx.read() as db:
        return rq.open_links(db, business_id, tier)


def request_certificates(ctx: Context, termination_id: int, due_on: date | None) -> list[Issued]:
    """A deletion-certificate request to every party of an ended sub-tree that still owes one, at once."""
    with ctx.write(Action.SEND_REQUESTS) as db:
        raise_if_any(due_problems(due_on, ctx.today))
        owed = rq.certificates_owed(db, termination_id)
        if not owed:
            raise_if_any([Problem(None, "error.request.no_certificate_owed")])
        issued = [insert_request(db, ctx, RequestDraft(engagement_id, "deletion_certificate", due_on), send=True,
                                 termination_id=termination_id, refresh=False) for engagement_id in owed]
        due_items.refresh_links(db, owed)
        return issued


def _current(db, request_id: int, expected_version: int | None = None) -> dict:
    row = rq.request(db, request_id)
    if expected_version is not None and row["version"] != expected_version:
        raise records.StaleRecord("requests", request_id, row)
    return row


def send_request(ctx: Context, request_id: int, expected_version: int | None, due_on: date | None = None,
                 token: str | None = None) -> Issued:
    """Send a draft, or send again with a new link (the old one stops working): a lost link, an
    expired one, or a new due date. ``token``: the new link's, when its mail has already gone (a
    chase); ``expected_version`` None: the request as it is now (a vendor may have opened it since)."""
    with ctx.write(Action.SEND_REQUESTS) as db:
        row = _current(db, request_id, expected_version)
        due = due_on or date.fromisoformat(row["due_on"])
        problems = transition_problems(row["state"], RequestState.SENT)
        if due_on is not None:
            problems += due_problems(due_on, ctx.today)
        elif link_expires_on(due, app_settings.load().requests.grace_days) < ctx.today:
            problems.append(Problem("due_on", "error.request.due_in_past"))  # a new due date is needed
        raise_if_any(problems)
        token = token or tokens.new_token()
        values = _sent_values(ctx, due, token) | {"due_on": due.isoformat()}
        if row["state"] == RequestState.RETURNED:
            values["state"] = RequestState.RETURNED.value  # still with the vendor, comments kept
        records.update(db, "requests", request_id, row["version"], values, ctx.actor.username)
        due_items.refresh_links(db, links_of(db, row))
        return Issued(request_id, link_of(token))


def withdraw(ctx: Context, request_id: int, expected_version: int) -> None:
    """Withdraw a request not yet answered; its link stops working. Raises NotFound, RuleViolation,
    StaleRecord, PermissionDenied."""
    with ctx.write(Action.SEND_REQUESTS) as db:
        row = _current(db, request_id, expected_version)
        raise_if_any(transition_problems(row["state"], RequestState.WITHDRAWN))
        records.update(db, "requests", request_id, expected_version,
                       {"state": RequestState.WITHDRAWN.value, "token_hash": None}, ctx.actor.username)
        due_items.refresh_links(db, links_of(db, row))
        dropped = attachments.drop_unnamed(db, ctx, vendor_username(request_id), file_answers(row))
    attachments.discard_files(ctx.db_path, dropped)


def return_to_vendor(ctx: Context, request_id: int, expected_version: int, comment: str) -> None:
    """Back to the vendor with what to change; its link works again until it expires."""
    if not comment.strip():
        raise_if_any([Problem("comment", "error.request.comment_required")])
    with ctx.write(Action.SEND_REQUESTS) as db:
        row = _current(db, request_id, expected_version)
        raise_if_any(transition_problems(row["state"], RequestState.RETURNED))
        records.update(db, "requests", request_id, expected_version, {
            "state": RequestState.RETURNED.value, "comment": comment.strip(), "decided_on": ctx.today.isoformat(),
            "decided_by": ctx.actor.display_name}, ctx.actor.username)


def accept(ctx: Context, request_id: int, expected_version: int, decision: Acceptance) -> dict:
    """Accept the answer and let it do what it means (a selection check, a report that moves the
    schedule, findings, proposed re-delegations, a certificate, an incident), all in one transaction.
    Returns what it did."""
    ctx.require(Action.SEND_REQUESTS)
    with ctx.write(Action.SEND_REQUESTS) as db:
        row = _current(db, request_id, expected_version)
        raise_if_any(transition_problems(row["state"], RequestState.ACCEPTED))
        effect = request_effects.apply(ctx.inside(db), row, decision, rq.also_for(db, request_id))
        records.update(db, "requests", request_id, expected_version, {
            "state": RequestState.ACCEPTED.value, "decided_on": ctx.today.isoformat(),
            "decided_by": ctx.actor.display_name, "comment": decision.comment.strip() or None,
            "effect": effect}, ctx.actor.username)
        due_items.refresh_links(db, links_of(db, row))
        return effect


def expire_overdue(ctx: Context) -> int:
    """Requests whose link ran out before an answer: expired (they can be sent again)."""
    with ctx.write(Action.SEND_REQUESTS) as db:
        rows = rq.to_expire(db, ctx.today)
        for row in rows:
            records.update(db, "requests", row["id"], row["version"],
                           {"state": RequestState.EXPIRED.value, "token_hash": None}, ctx.actor.username)
        due_items.refresh_links(db, [link_id for row in rows for link_id in links_of(db, row)])
        return len(rows)


def requests_page(ctx: Context, **filters) -> tuple[list[dict], int]:
    """One page of requests matching the filters (see ``store.request_queries.page``) and the total."""
    with ctx.read() as db:
        return rq.page(db, **filters)


def state_counts(ctx: Context) -> dict[str, int]:
    """State → how many requests are in it."""
    with ctx.read() as db:
        return rq.state_counts(db)


def overdue_count(ctx: Context) -> int:
    """How many requests are past due and not answered."""
    with ctx.read() as db:
        return rq.overdue_count(db, ctx.today)


@dataclass(frozen=True)
class RequestView:
    row: dict
    question_set: QuestionSet
    answers: dict[str, Any]
    findings: list[answer_rules.Finding]
    previous: dict[str, Any]  # the answers it started from (the vendor's last accepted), else the link's last accepted
    forwarded: list[dict]
    attachment_names: dict[int, str]
    link: dict
    effect: dict | None
    contradictions: list[Contradiction]  # with what we know, shown before the decision
    changed: list[str]  # questions answered otherwise than last accepted
    links: dict[int, ChainLink]  # every link the contradictions and the effect name, with its path from us
    also_for: list[ChainLink]  # the company's other links the request counts for


_EFFECT_LINKS = ("proposed_engagement_ids", "undeclared_engagement_ids",  # effect keys that hold link ids
                 "also_for_engagement_ids")


def request_view(ctx: Context, request_id: int) -> RequestView:
    """A request with what the officer judges it on: findings, contradictions, changes, its files."""
    with ctx.read() as db:
        row = _current(db, request_id)
        previous = (rq.find_request(db, row["starts_from_id"]) if row["starts_from_id"]
                    else rq.previous_accepted(db, row["engagement_id"], row["set_id"], request_id))
        also_for = rq.also_for(db, request_id)
        forwarded = rq.forwarded(db, request_id)
        link = q.engagement(db, row["engagement_id"])
        names = attachment_names(db, [row] + ([previous] if previous else []))
        registered = rq.open_sub_links(db, row["engagement_id"]) if row["set_id"] == "subprocessors" else []
        question_set = catalogue.question_set(row["set_id"])
        answers = answer_rules.values_of(row["answers"])
        effect = row["effect"]
        found = review_rules.contradictions(question_set, answers, registered, ctx.today) \
            if row["state"] != RequestState.DRAFT and answers else []
        named = ({i for c in found for i in c.links} | {i for key in _EFFECT_LINKS for i in (effect or {}).get(key, [])}
                 | set(also_for))
        rows = [r for r in (q.find_engagement(db, i) for i in sorted(named)) if r is not None]
        links = {one.id: one for one in chains.to_links(db, rows)}
    before = answer_rules.values_of(previous["answers"]) if previous else {}
    return RequestView(row, question_set, answers, answer_rules.findings(question_set, answers), before, forwarded,
                       names, link, effect, found, review_rules.changed_answers(question_set, answers, before), links,
                       [links[i] for i in also_for if i in links])


def request_text(ctx: Context, request_id: int, lang: str) -> list[str]:
    """The request as the review screen shows it, as lines of plain text (``tracker request show``)."""
    view = request_view(ctx, request_id)
    return request_lines(view, lang, app_settings.load().timezone, setup.organisation_name(ctx, lang))


def attachment_file(ctx: Context, attachment_id: int) -> tuple[str, str, Callable[[], bytes]]:
    """(original name, content type, a function reading the content checked against its hash): the
    content is read only when it is shown or downloaded, not on every rerun of the review."""
    attachment = attachments.get(ctx, attachment_id)
    return attachment.original_name, attachment.content_type, lambda: attachments.read(ctx, attachment_id)[1]


def attachment_names(db, rows: list[dict]) -> dict[int, str]:
    """Attachment id → file name, of the file answers in ``rows``."""
    names = {}
    for row in rows:
        question_set = catalogue.question_set(row["set_id"])
        files = {x.id for x in question_set.questions if x.type == "file"}
        for question_id, value in answer_rules.values_of(row["answers"]).items():
            attachment = records.fetch(db, "attachments", value) if question_id in files else None
            if attachment:
                names[value] = attachment["original_name"]
    return names


class WorkbookRefused(Exception):
    """The uploaded workbook was not taken: ``issues`` name sheet, row and column; nothing changed."""

    def __init__(self, issues: list):
        super().__init__(f"{len(issues)} problem(s) in the workbook")
        self.issues = issues


def workbook_context(db, row: dict) -> request_workbook.WorkbookContext:
    """What a request's workbook says about it: whose, which business and work, when due."""
    link = q.engagement(db, row["engagement_id"])
    organisation = settings_of(db, [ORGANISATION_NAME]).get(ORGANISATION_NAME, "")
    return request_workbook.WorkbookContext(row["id"], organisation, q.business(db, link["business_id"])["name"],
                                            link["work"], q.party(db, link["entrustee_party_id"])["name"], row["due_on"])


def workbook_file(db, row: dict) -> tuple[str, bytes]:
    """The request as a workbook to fill in (with what is answered so far), and its file name."""
    question_set = catalogue.question_set(row["set_id"])
    about = workbook_context(db, row)
    data = request_workbook.write(question_set, about, answer_rules.values_of(row["answers"]))
    return workbook_name(question_set, about.entrustee, row["id"]), data


def workbook_name(question_set: QuestionSet, entrustee: str, request_id: int) -> str:
    """「委託先選定チェックシート_株式会社A_R12.xlsx」: known before the file is made (a download
    button builds the file only when clicked)."""
    return document_name([question_set.title_ja, entrustee, f"R{request_id}"], ".xlsx")


def workbook_of(ctx: Context, request_id: int) -> tuple[str, bytes]:
    """(file name, content) of a request's workbook for the officer to send. Raises NotFound."""
    with ctx.read() as db:
        return workbook_file(db, _current(db, request_id))


def read_workbook(row: dict, data: bytes) -> workbook_reader.WorkbookAnswers:
    """The answers in an uploaded workbook, or WorkbookRefused with every problem by sheet/row/column."""
    read = workbook_reader.read(data, row["id"], catalogue.question_set(row["set_id"]))
    if read.issues:
        raise WorkbookRefused(read.issues)
    return read


def answer_from_workbook(ctx: Context, request_id: int, data: bytes) -> None:
    """A workbook the vendor sent back by e-mail, recorded exactly as an answer through its link."""
    ctx.require(Action.SEND_REQUESTS)
    with ctx.read() as db:
        row = _current(db, request_id)
    read = read_workbook(row, data)  # parsed outside the write transaction
    with ctx.write(Action.SEND_REQUESTS) as db:
        current = _current(db, request_id, row["version"])
        raise_if_any(transition_problems(current["state"], RequestState.ANSWERED))
        records.update(db, "requests", request_id, current["version"], {
            "answers": answer_rules.versioned(catalogue.question_set(row["set_id"]), read.answers),
            "state": RequestState.ANSWERED.value, "answered_at": records.now_utc(), "answered_by": read.answered_by,
        }, ctx.actor.username)
