"""The resources. Each handler takes the caller's context (its token's user and role) and calls the
services the screens call: the rules and permission checks are theirs, not this file's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
import orjson
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..domain import refs
from ..domain.schedule import DueStatus
from ..services import (approvals, chains, engagements, feeds, gaps, incidents, parties, requests, schedule,
                        terminations)
from ..services.businesses import list_businesses
from ..services.context import Context
from . import paging
from .auth import acting

Acting = Annotated[Context, Depends(acting)]
Limit = Annotated[int, Query(ge=1, le=paging.MAX_LIMIT, description="Items per page (at most 500).")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Encoding = Annotated[Literal["utf-8", "shift_jis"], Query(description="utf-8 (with its mark) or shift_jis")]


def _position(cursor: str | None) -> int:
    try:
        return paging.decode(cursor)
    except ValueError:
        raise HTTPException(400, "cursor: not one this API gave") from None


def _link_id(ctx: Context, ref: str) -> int:
    found = engagements.id_of_ref(ctx, ref)
    if found is None:
        raise HTTPException(404, f"engagement {ref}")
    return found


def _links(ctx: Context, ids: list[int]) -> list[dict]:
    """Links by id, in that order, as every resource gives a link."""
    return [_row(link) for link in chains.shared_of(ctx, ids)]


class _JSON(JSONResponse):
    """The body as JSON by orjson, as it is (the API's dicts hold JSON types, tuples and str enums
    only): FastAPI's encoder walk and json.dumps were four fifths of a page's time."""

    def render(self, content) -> bytes:
        return orjson.dumps(content)


router = APIRouter(default_response_class=_JSON)


@router.get("/parties", tags=["registry"])
def list_parties(ctx: Acting, limit: Limit = 100, cursor: Cursor = None) -> _JSON:
    """The parties of the registry (processors, sub-processors, re-subcontractors), by id."""
    rows = parties.parties_after(ctx, _position(cursor), limit)
    items = [{"id": r["id"], "name": r["name"], "name_en": r["name_en"], "corporate_number": r["corporate_number"],
              "country": r["country"], "address": r["address"], "version": r["version"]} for r in rows]
    return _JSON(paging.page(items, rows[-1]["id"] if len(rows) == limit else None))


@router.get("/businesses", tags=["registry"])
def businesses(ctx: Acting) -> dict:
    """The entrusted businesses, by name."""
    return {"items": [{"id": b["id"], "name": b["name"], "owner_department": b["owner_department"],
                       "links": b["links"], "version": b["version"]} for b in list_businesses(ctx)]}


@router.get("/engagements", tags=["registry"])
def list_engagements(ctx: Acting, limit: Limit = 100, cursor: Cursor = None, business_id: int | None = None,
                     tier: int | None = None, status: str = "", party_id: int | None = None) -> _JSON:
    """Every link of every delegation chain, by id: its ledger number, place (tier, parent, path from
    us), parties, data and re-delegation approval."""
    links = chains.shared_after(ctx, _position(cursor), limit, business_id=business_id, tier=tier, status=status,
                                party_id=party_id)
    return _JSON(paging.page([_row(link) for link in links], links[-1].row.id if len(links) == limit else None))


def _row(link: chains.SharedLink) -> dict:
    r = link.row
    return {"ref": r.ref, "business": {"id": r.business_id, "name": r.business_name}, "tier": r.tier,
            "parent": link.parent,
            "entruster": {"id": r.entruster_party_id, "name": r.entruster_name} if r.entruster_party_id else None,
            "entrustee": {"id": r.entrustee_party_id, "name": r.entrustee_name}, "work": r.work, "status": r.status,
            "data_categories": r.data_categories, "processing_countries": r.processing_countries,
            "storage_countries": r.storage_countries, "individuals_count": r.individuals_count, "path": link.path,
            "risk_tier": link.risk_tier,
            "approval": {"status": r.approval_status, "version": r.approval_version} if r.approval_id else None,
            "version": r.version}


@router.get("/engagements/{ref}", tags=["registry"])
def engagement(ctx: Acting, ref: str, response: Response) -> dict:
    """One link by its ledger number (IT-2024-003, E12)."""
    (link,) = _links(ctx, [_link_id(ctx, ref)])
    response.headers["ETag"] = f'"{link["version"]}"'
    return link


@router.get("/engagements/{ref}/gaps", tags=["contracts"])
def engagement_gaps(ctx: Acting, ref: str) -> dict:
    """The clauses this link's contracts in force lack: each with its level, and the link whose own
    data or place requires it (itself, or one above it: flow-down)."""
    link_id = _link_id(ctx, ref)
    found = gaps.engagement_gaps(ctx, link_id)
    refs_by_id = engagements.refs_of(ctx, [g.required_by for g in found])
    return {"items": [{"clause": g.clause_id, "level": g.level.value, "kind": g.kind.value,
                       "required_by": refs_by_id[g.required_by], "my_number": g.my_number,
                       "no_contract": g.no_contract} for g in found]}


@router.get("/approvals", tags=["approvals"])
def approval_queue(ctx: Acting, limit: Limit = 100, cursor: Cursor = None) -> dict:
    """Re-delegations waiting for a decision, oldest first; each with the approval's version (give
    it back in If-Match to decide)."""
    offset = _position(cursor)
    links, total = approvals.approval_queue(ctx, limit=limit, offset=offset)
    return paging.offset_page(_links(ctx, [link.id for link in links]), offset, limit, total)


APPROVAL_COLUMNS = ["ref", "business.id", "business.name", "tier", "parent", "entruster.id", "entruster.name",
                    "entrustee.id", "entrustee.name", "work", "status", "data_categories", "processing_countries",
                    "storage_countries", "individuals_count", "path", "risk_tier", "approval.status", "approval.version"]


@router.get("/approvals.csv", tags=["approvals"], response_class=Response)
def approval_queue_csv(ctx: Acting, encoding: Encoding = "utf-8") -> Response:
    """The whole approval queue as CSV, the same columns as GET /approvals (nested: "business.name"),
    for workflow tools that import CSV (X-point's bulk 申請); encoding=shift_jis for older ones."""
    links, _ = approvals.approval_queue(ctx, limit=100_000)
    return _csv(feeds.csv_of(_links(ctx, [link.id for link in links]), APPROVAL_COLUMNS, encoding), "approvals.csv",
                encoding)


def _csv(data: bytes, name: str, encoding: str) -> Response:
    charset = "utf-8" if encoding == "utf-8" else "shift_jis"
    return Response(data, media_type=f"text/csv; charset={charset}",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


class Decision(BaseModel):
    decision: str = Field(description="approved or rejected (never assumed)")
    decided_on: date
    approved_by: int | None = Field(None, description="The entruster party that decided; none: we did. "
                                                      "My Number data: only we may.")
    conditions: str = ""
    note: str = ""


@router.post("/approvals/{ref}/decision", tags=["approvals"], status_code=204)
def decide(ctx: Acting, ref: str, body: Decision,
           if_match: Annotated[str | None, Header(description="The approval's version, as GET gave it")] = None
           ) -> Response:
    """Decide a re-delegation as the 稟議 concluded, with the same rules as the Approvals screen:
    a stale version is refused (412), a My Number approval only by us."""
    if not if_match:
        raise HTTPException(428, "If-Match: the approval's version is required")
    try:
        version = int(if_match.strip().strip('W/').strip('"'))
    except ValueError:
        raise HTTPException(400, "If-Match: a version number") from None
    approvals.decide_redelegation(ctx, _link_id(ctx, ref), version, body.decision, body.decided_on,
                                  approver_party_id=body.approved_by, conditions=body.conditions, note=body.note)
    return Response(status_code=204)


def _request(row: dict) -> dict:
    return {"id": refs.ref(refs.REQUEST, row["id"]), "engagement": row["engagement_ref"], "set": row["set_id"],
            "state": row["state"], "due_on": row["due_on"], "sent_on": row["sent_on"],
            "answered_at": row["answered_at"], "answered_by": row["answered_by"], "decided_on": row["decided_on"],
            "entrustee": row["entrustee_name"], "business": row["business_name"], "version": row["version"]}


@router.get("/requests", tags=["requests"])
def list_requests(ctx: Acting, limit: Limit = 100, cursor: Cursor = None, state: str = "",
                  set_id: Annotated[str, Query(alias="set")] = "") -> dict:
    """Requests to vendors (checksheets, reports, declarations, certificates), soonest due first; never
    a vendor's link."""
    offset = _position(cursor)
    rows, total = requests.requests_page(ctx, states=[state] if state else None, set_id=set_id or None,
                                         limit=limit, offset=offset)
    return paging.offset_page([_request(r) for r in rows], offset, limit, total)


class NewRequest(BaseModel):
    engagement: str = Field(description="The link's ledger number")
    set: str = Field(description="selection, annual_report, subprocessors, deletion_certificate, incident_notice")
    due_on: date
    contact_name: str = ""
    contact_email: str = ""


@router.post("/requests", tags=["requests"], status_code=201)
def create_request(ctx: Acting, body: NewRequest, request: Request) -> dict:
    """Send a request to the link's vendor. The answer holds the vendor's one-time link, shown this
    once (only its hash is kept): pass it on as the Requests screen would."""
    issued = requests.create_request(ctx, requests.RequestDraft(
        _link_id(ctx, body.engagement), body.set, body.due_on, body.contact_name, body.contact_email))
    return {"id": refs.ref(refs.REQUEST, issued.request_id), "link": issued.link}


def _due(rows: list[dict]) -> list[dict]:
    return [{"kind": r["kind"], "due_on": r["due_on"], "status": r["status"], "party": r["party_name"],
             "engagement": r["engagement_ref"], "business": r["business_name"], "tier": r["tier"]} for r in rows]


DUE_COLUMNS = ["kind", "due_on", "status", "party", "engagement", "business", "tier"]


@router.get("/due-items", tags=["schedule"])
def due_items(ctx: Acting, limit: Limit = 100, cursor: Cursor = None,
              status: Annotated[list[DueStatus] | None, Query()] = None) -> dict:
    """What is due (inspections, reports, certification expiries, renewals), soonest first, with its
    status today (overdue, due_soon, upcoming)."""
    offset = _position(cursor)
    rows, total = schedule.due_page(ctx, limit=limit, offset=offset, statuses=status or None)
    return paging.offset_page(_due(rows), offset, limit, total)


@router.get("/due-items.csv", tags=["schedule"], response_class=Response)
def due_items_csv(ctx: Acting, status: Annotated[list[DueStatus] | None, Query()] = None,
                  encoding: Encoding = "utf-8") -> Response:
    """Every due item as CSV, the same columns as GET /due-items."""
    rows, _ = schedule.due_page(ctx, limit=None, statuses=status or None)
    return _csv(feeds.csv_of(_due(rows), DUE_COLUMNS, encoding), "due-items.csv", encoding)


@router.get("/incidents", tags=["incidents"])
def list_incidents(ctx: Acting, include_closed: bool = False) -> dict:
    """Breach incidents, open ones first by their next deadline: whether reportable to the PPC and
    why, the deadlines (preliminary report window, final report), and the notices owed up the chain.
    An incident at a company recorded for each chain it is in: one item per chain, sharing
    ``party_incident``."""
    views, total = incidents.incidents_list(ctx, include_closed=include_closed, limit=None)
    return {"total": total, "items": [{
        "id": v.row["id"], "engagement": v.link.ref, "entrustee": v.link.entrustee_name, "business": v.link.business_name,
        "party_incident": v.row["party_incident_id"], "title": v.row["title"],
        "learned_on": v.row["learned_on"], "closed_on": v.row["closed_on"],
        "reportable": v.classification.reportable, "reasons": [r.value for r in v.classification.reasons],
        "preliminary_due": v.deadlines.preliminary.closes.isoformat() if v.deadlines.preliminary else None,
        "final_due": v.deadlines.final.isoformat() if v.deadlines.final else None,
        "next_deadline": v.next_deadline.isoformat() if v.next_deadline else None,
        "next_deadline_kind": v.next_deadline_kind,
        "notices": [{"from": n.from_name, "to": n.to_name, "state": n.notice.state(ctx.today),
                     "notified_on": n.notice.notified_on.isoformat() if n.notice.notified_on else None}
                    for n in v.notices]} for v in views]}


@router.get("/terminations", tags=["terminations"])
def list_terminations(ctx: Acting, include_closed: bool = False, limit: Limit = 100, cursor: Cursor = None) -> dict:
    """Ended engagements and the deletion certificates owed by each link below them (received or not)."""
    offset = _position(cursor)
    rows, total = terminations.terminations(ctx, open_only=not include_closed, limit=limit, offset=offset)
    items = [{"id": r["id"], "engagement": r["engagement_ref"], "entrustee": r["entrustee_name"],
              "business": r["business_name"], "ended_on": r["ended_on"], "closed_on": r["closed_on"],
              "certificates": [{"engagement": c["engagement_ref"], "party": c["party_name"], "tier": c["tier"],
                                "received_on": c["received_on"], "method": c["method"]} for c in r["certificates"]]}
             for r in rows]
    return paging.offset_page(items, offset, limit, total)
