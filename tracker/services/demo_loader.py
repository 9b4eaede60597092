"""Turns the demo registry file (data/demo_registry.toml) into service calls."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from ..domain.party_rules import PartyDraft
from ..domain.permissions import Action, Role
from ..domain.questionnaires import AnswerType
from ..store import connection
from ..store.settings_queries import ORGANISATION_NAME
from . import request_answers, requests
from .approvals import decide_redelegation
from .businesses import create_business
from .catalogue import catalogue
from .catalogue import question_set as question_set_of
from .context import Actor, Context
from .setup import ORGANISATION_FIELDS, is_empty, write_organisation
from .users import UserInput, create_user
from .contracts import ContractInput, CoverageEntry, create_contract, record_coverage
from .engagements import EngagementInput, create_engagement, get_engagement
from .parties import create_party
from .certifications import CertificationInput, create_certification, set_party_owner
from .reviews import ReviewInput, add_corrective_action, complete_review
from .selection import SelectionInput, record_selection_check
from .incidents import IncidentInput, record_incident, record_notice
from ..domain.selection import AREAS, AreaResult

_PARTY_FIELDS = ("name", "kana", "name_en", "corporate_number", "address", "country", "contact_person", "email",
                 "phone", "representative_title", "representative_name")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class DemoError(Exception):
    """The demo registry goes only into an empty database."""


def load_demo(ctx: Context, source: Path) -> dict[str, int]:
    """Load the demo registry through the services, so it obeys every rule a user's entry does;
    returns how many records of each kind it made. Raises DemoError on a database already in use."""
    ctx.require(Action.EDIT_REGISTRY)
    if not is_empty(ctx.db_path):
        raise DemoError(f"{ctx.db_path} already holds a registry; demo data goes into an empty database")
    with source.open("rb") as handle:
        spec = tomllib.load(handle)
    organisation = spec.get("organisation", {})
    with connection.writing(ctx.db_path) as db:
        write_organisation(db, {key: organisation.get(field, "") for field, key in ORGANISATION_FIELDS.items()}
                           | {ORGANISATION_NAME: organisation.get("name", "自社")}, ctx.actor.username)
    return _load(ctx, spec)


def _load(ctx: Context, spec: dict) -> dict[str, int]:
    admin = Context(ctx.db_path, Actor("demo-setup", "Demo setup", Role.ADMIN), ctx.today)
    users = {
        item["username"]: create_user(admin, UserInput(item["username"], item["display_name"], item["role"],
                                                       item.get("email", ""), item["password"]))
        for item in spec.get("users", [])
    }
    parties: dict[str, int] = {}
    for item in spec.get("parties", []):
        fields = {k: item[k] for k in _PARTY_FIELDS if k in item}
        parent = parties[item["parent"]] if "parent" in item else None
        parties[item["key"]] = create_party(ctx, PartyDraft(**fields, parent_party_id=parent))

    businesses = {
        item["key"]: create_business(ctx, item["name"], item["owner_department"], item.get("description", ""),
                                     item.get("name_en", ""))
        for item in spec.get("businesses", [])
    }

    engagements: dict[str, int] = {}
    for item in spec.get("engagements", []):
        data = EngagementInput(
            entrustee_party_id=parties[item["entrustee"]],
            work=item["work"],
            purpose=item.get("purpose", ""),
            data_categories=item["data_categories"],
            business_id=businesses[item["business"]],
            parent_engagement_id=engagements[item["parent"]] if "parent" in item else None,
            individuals_count=item.get("individuals_count"),
            processing_countries=item.get("processing_countries", ["JP"]),
            storage_countries=item.get("storage_countries", ["JP"]),
            start_date=_date(item.get("start_date")),
            end_date=_date(item.get("end_date")),
            status=item.get("status", "proposed"),
            owner_user_id=users.get(item.get("owner")),
            inspection_interval_months=item.get("inspection_interval_months", 12),
            selection_override_reason=item.get("selection_override", ""),
        )
        selection = item.get("selection")
        if selection:  # registered as proposed, then activated by its approved selection check
            data.status = "proposed"
        engagement_id = create_engagement(ctx, data)
        engagements[item["key"]] = engagement_id
        if selection:
            record_selection_check(ctx, engagement_id, _selection(selection), activate=item.get("status") == "active")
        approval = item.get("approval")
        if approval:
            approver = approval.get("approver", "us")
            decide_redelegation(
                ctx,
                engagement_id,
                get_engagement(ctx, engagement_id)["approval_version"],
                approval["status"],
                _date(approval["decided_on"]),
                approver_party_id=None if approver == "us" else parties[approver],
                conditions=approval.get("conditions", ""),
                note=approval.get("note", ""),
            )
    for item in spec.get("contracts", []):
        contract_id = create_contract(ctx, engagements[item["engagement"]], ContractInput(
            title=item["title"], kind=item["kind"], signed_on=_date(item.get("signed_on")),
            valid_until=_date(item.get("valid_until")), auto_renewal=item.get("auto_renewal", False),
        ))
        record_coverage(ctx, contract_id, 1, _coverage(item.get("coverage", {})))
    for item in spec.get("certifications", []):
        create_certification(ctx, parties[item["party"]], CertificationInput(
            item["scheme"], item["number"], _date(item["valid_until"]), item.get("issuer", "")))
    for key, owner in spec.get("party_owners", {}).items():
        set_party_owner(ctx, parties[key], 1, users[owner])
    for item in spec.get("reviews", []):
        review_id = complete_review(ctx, engagements[item["engagement"]], ReviewInput(
            kind=item["kind"], completed_on=_date(item["completed_on"]), inspector=item["inspector"],
            method=item.get("method"), remote_reason=item.get("remote_reason", ""),
            performed_via=item.get("via", "us"), checklist=_areas(item.get("issues", [])),
            findings=item.get("findings", "")))
        for action in item.get("actions", []):
            add_corrective_action(ctx, review_id, action["description"], action.get("owner", ""),
                                  _date(action["due_on"]))
    for item in spec.get("incidents", []):
        incident_id = record_incident(ctx, engagements[item["engagement"]], IncidentInput(
            title=item["title"], learned_on=_date(item["learned_on"]), description=item.get("description", ""),
            data_items=item.get("data_items", ""), occurred_on=_date(item.get("occurred_on")),
            individuals_count=item.get("individuals_count"), individuals_at_most=item.get("individuals_at_most"),
            sensitive=item.get("sensitive", False), financial_risk=item.get("financial_risk", False),
            wrongful_purpose=item.get("wrongful_purpose", False)))
        for key, on in item.get("notices", {}).items():
            record_notice(ctx, incident_id, engagements[key], _date(on))
    for item in spec.get("requests", []):
        _request(ctx, engagements[item["engagement"]], item)
    return {"parties": len(parties), "businesses": len(businesses), "engagements": len(engagements),
            "contracts": len(spec.get("contracts", [])), "users": len(spec.get("users", []))}


def _areas(issues: list[str]) -> dict[str, str]:
    return {area: (AreaResult.ISSUE if area in issues else AreaResult.OK).value for area in AREAS}


def _selection(spec: dict) -> SelectionInput:
    return SelectionInput(
        checked_on=_date(spec["checked_on"]), result=spec.get("result", "approved"), decided_by=spec["decided_by"],
        areas=_areas(spec.get("issues", [])), methods=spec.get("methods", ["hearing"]),
        past_incidents=spec.get("past_incidents", ""), conditions=spec.get("conditions", ""))


def _coverage(spec: dict[str, list[str]]) -> dict[str, CoverageEntry]:
    """{"covered": ["*"], "partial": [...]}: "*" is every clause; later statuses override earlier."""
    entries: dict[str, CoverageEntry] = {}
    for status in ("covered", "partial", "not_covered"):
        for clause_id in spec.get(status, []):
            ids = [c.id for c in catalogue()] if clause_id == "*" else [clause_id]
            entries |= {i: CoverageEntry(status) for i in ids}
    return entries


def _request(ctx: Context, engagement_id: int, item: dict) -> None:
    """A request brought to its state the way it gets there: sent, answered through its link, decided."""
    issued = requests.create_request(ctx, requests.RequestDraft(
        engagement_id, item["set"], ctx.today + timedelta(days=item["due_in_days"])))
    if item["state"] == "sent":
        return
    token = parse_qs(urlparse(issued.link).query)["answer"][0]
    question_set = question_set_of(item["set"])
    answers = {q.id: "yes" for q in question_set.questions if q.type == AnswerType.YES_NO and q.required}
    answers |= {q.id: "na" for q in question_set.questions if q.type == AnswerType.YES_NO and q.finding_if == ("yes",)
                and q.na} | {q.id: "no" for q in question_set.questions
                             if q.type == AnswerType.YES_NO and q.finding_if == ("yes",) and not q.na}
    answers |= item.get("answers", {})
    view = request_answers.open_link(ctx.db_path, token, "demo", ctx.today).view()
    request_answers.open_link(ctx.db_path, token, "demo", ctx.today).submit(view.version, answers, "デモ 回答者")
    row = requests.request_view(ctx, issued.request_id).row
    if item["state"] == "accepted":
        requests.accept(ctx, row["id"], row["version"], requests.Acceptance(
            result="approved", decided_by=ctx.actor.display_name))
    elif item["state"] == "returned":
        requests.return_to_vendor(ctx, row["id"], row["version"], item["comment"])
