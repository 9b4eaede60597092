"""What an accepted answer does, through the services that record the same things by hand (so the
same rules and permissions apply): a selection check, a compliance report with corrective actions for
its findings, proposed re-delegations, a deletion certificate, an incident. Runs inside the
acceptance's transaction (``ctx`` joins it): all of it, or nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from .. import settings as app_settings
from ..domain import answers as answer_rules
from ..domain.declarations import compare, declared_rows
from ..domain.party_rules import PartyDraft
from ..domain.problems import Problem, raise_if_any
from ..domain.requests import Acceptance
from ..domain.selection import AREAS, AreaResult, CheckMethod
from ..store import registry_queries as q
from ..store import request_queries as rq
from . import catalogue, engagements, incidents, parties, reviews, selection, terminations
from .context import Context


def apply(ctx: Context, row: dict, decision: Acceptance, also_for: list[int] = ()) -> dict:
    """Record what an accepted answer says, inside the acceptance's transaction, for the request's
    link and each link in ``also_for`` (a company's answer that counts for several); returns what it
    made (ids by kind, the request's own link's). Raises RuleViolation, PermissionDenied."""
    answers = answer_rules.values_of(row["answers"])
    answered_on = min(datetime.fromisoformat(row["answered_at"]).date(), ctx.today) if row["answered_at"] else ctx.today
    handler = {"selection": _selection, "annual_report": _annual_report, "subprocessors": _subprocessors,
               "deletion_certificate": _deletion_certificate, "incident_notice": _incident_notice}[row["set_id"]]
    effect = handler(ctx, row, answers, answered_on, decision)
    for link_id in also_for:
        handler(ctx, row | {"engagement_id": link_id}, answers, answered_on, decision)
    return effect | ({"also_for_engagement_ids": list(also_for)} if also_for else {})


def _who(row: dict) -> str:
    return row["answered_by"] or row["contact_name"] or "—"


def _selection(ctx: Context, row: dict, answers: dict, answered_on: date, decision: Acceptance) -> dict:
    question_set = catalogue.question_set("selection")
    found = {f.question_id for f in answer_rules.findings(question_set, answers)}
    areas = {}
    for area in AREAS:
        asked = [qq for qq in question_set.questions if qq.section == area and qq.type == "yes_no"]
        given = [answers.get(qq.id) for qq in asked]
        if any(qq.id in found for qq in asked):
            areas[area] = AreaResult.ISSUE.value
        elif given and all(value == "na" for value in given):
            areas[area] = AreaResult.NOT_APPLICABLE.value
        else:
            areas[area] = AreaResult.OK.value
    methods = [CheckMethod.REPORT.value]
    if answers.get("certifications") not in (None, "none"):
        methods.append(CheckMethod.CERTIFICATION.value)
    past = answers.get("past_incidents_detail", "") if answers.get("past_incidents") == "yes" else ""
    check_id = selection.record_selection_check(ctx, row["engagement_id"], selection.SelectionInput(
        checked_on=answered_on, result=decision.result or "", decided_by=decision.decided_by, areas=areas,
        methods=methods, past_incidents=past, conditions=decision.conditions,
        note=f"R{row['id']}"), activate=decision.activate)
    return {"selection_check_id": check_id, "issues": sorted(a for a, r in areas.items() if r == AreaResult.ISSUE)}


def _action_due(ctx: Context, decision: Acceptance) -> date:
    return decision.action_due_on or ctx.today + timedelta(days=app_settings.load().requests.finding_action_days)


def _annual_report(ctx: Context, row: dict, answers: dict, answered_on: date, decision: Acceptance) -> dict:
    question_set = catalogue.question_set("annual_report")
    found = answer_rules.findings(question_set, answers)
    summary = "\n".join(f"[{f.level}] {question_set.question(f.question_id).text_ja}" for f in found)
    review_id = reviews.complete_review(ctx, row["engagement_id"], reviews.ReviewInput(
        kind="report", completed_on=answered_on, inspector=_who(row), performed_via="us",
        findings=summary, note=f"R{row['id']}"))
    action_ids = [reviews.add_corrective_action(ctx, review_id, question_set.question(f.question_id).text_ja,
                                                decision.action_owner, _action_due(ctx, decision)) for f in found]
    return {"review_id": review_id, "corrective_action_ids": action_ids}


def _subprocessors(ctx: Context, row: dict, answers: dict, answered_on: date, decision: Acceptance) -> dict:
    """Declared parties not in the chain under this link become proposed re-delegations (awaiting
    approval, ours for My Number data); registered sub-links not declared are flagged."""
    with ctx.read() as db:
        link = q.engagement(db, row["engagement_id"])
        children = rq.open_sub_links(db, row["engagement_id"])
    comparison = compare(declared_rows(answers), children)
    proposed = []
    for entry in comparison.new:
        party_id = _party_for(ctx, entry)
        proposed.append(engagements.create_engagement(ctx, engagements.EngagementInput(
            entrustee_party_id=party_id, work=entry["work"], data_categories=list(link["data_categories"]),
            parent_engagement_id=row["engagement_id"], purpose=entry.get("data", ""),
            processing_countries=[entry.get("processing_country", "JP")],
            storage_countries=[entry.get("storage_country", "JP")],
            start_date=date.fromisoformat(entry["since"]) if entry.get("since") else None,
            owner_user_id=link["owner_user_id"])))
    undeclared = [c["id"] for c in comparison.undeclared]
    return {"proposed_engagement_ids": proposed, "undeclared_engagement_ids": undeclared}


def _party_for(ctx: Context, entry: dict) -> int:
    """The registered party with the declared corporate number or name, else a new one."""
    number = (entry.get("corporate_number") or "").strip()
    with ctx.read() as db:
        found = q.party_by_corporate_number(db, number) if number else None
        party_id = found["id"] if found else q.party_named(db, entry["name"].strip())
    if party_id:
        return party_id
    return parties.create_party(ctx, PartyDraft(name=entry["name"].strip(), corporate_number=number))


def _deletion_certificate(ctx: Context, row: dict, answers: dict, answered_on: date, decision: Acceptance) -> dict:
    with ctx.read() as db:
        owed = rq.certificate_owed(db, row["engagement_id"], row["termination_id"])
    if owed is None:
        raise_if_any([Problem(None, "error.request.no_certificate_owed")])
    attached = {column: answers[qid] for qid, column in (("certificate_file", "certificate_attachment_id"),
                                                          ("photo_file", "photo_attachment_id")) if answers.get(qid)}
    terminations.record_certificate(ctx, owed["id"], owed["version"], terminations.CertificateInput(
        items=answers["items"], method=answers["method"], responsible_person=answers["responsible_person"],
        done_on=date.fromisoformat(answers["done_on"]), media=answers.get("media", ""),
        quantity=answers.get("quantity", ""), witness=answers.get("witness", "")), attached=attached)
    return {"deletion_certificate_id": owed["id"]}


def _incident_notice(ctx: Context, row: dict, answers: dict, answered_on: date, decision: Acceptance) -> dict:
    """The incident at this link, from the vendor's facts: its knowledge date starts the deadlines."""
    summary = answers["what_happened"]
    incident_id = incidents.record_incident(ctx, row["engagement_id"], incidents.IncidentInput(
        title=summary.splitlines()[0][:80], learned_on=date.fromisoformat(answers["learned_on"]),
        description="\n\n".join(filter(None, [summary, answers.get("actions_taken"), answers.get("contact")])),
        occurred_on=date.fromisoformat(answers["occurred_on"]) if answers.get("occurred_on") else None,
        individuals_count=answers.get("individuals"), sensitive=answers.get("sensitive") == "yes",
        financial_risk=answers.get("payment") == "yes", wrongful_purpose=answers.get("wrongful_purpose") == "yes",
        my_number=answers.get("my_number") == "yes"))
    return {"incident_id": incident_id}
