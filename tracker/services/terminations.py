"""Ending an engagement and its whole sub-tree, and collecting the deletion certificates owed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.models import EngagementStatus
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.terminations import CertificateDraft, check_certificate, closing_problems, topmost
from ..domain.webhooks import Event
from ..store import due_items, records
from ..store import registry_queries as q
from ..store import termination_queries as tq
from . import attachments, webhooks
from .context import Context


@dataclass(frozen=True)
class CertificateInput(CertificateDraft):
    """A deletion certificate as the rules check it, with the files that come with it."""

    certificate: tuple[str, bytes] | None = None  # the signed certificate (scan or PDF)
    photo: tuple[str, bytes] | None = None


def end_engagement(ctx: Context, engagement_id: int, ended_on: date, reason: str = "") -> int:
    """End the link and every open link below it (one transaction); each of their entrustees then
    owes a deletion certificate. Returns the termination id."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        root = q.engagement(db, engagement_id)
        problems = []
        if root["status"] == EngagementStatus.ENDED:
            problems.append(Problem("engagement_id", "error.termination.already_ended"))
        if ended_on > ctx.today:
            problems.append(Problem("ended_on", "error.date_in_future"))
        elif root["start_date"] and ended_on.isoformat() < root["start_date"]:
            problems.append(Problem("ended_on", "error.end_before_start"))
        raise_if_any(problems)
        termination_id = records.insert(db, "terminations", {
            "engagement_id": engagement_id, "ended_on": ended_on.isoformat(), "reason": reason.strip() or None},
            ctx.actor.username)
        ending = [link for link in tq.subtree(db, root) if link["status"] != EngagementStatus.ENDED]
        for link in ending:
            current = records.fetch(db, "engagements", link["id"])
            records.update(db, "engagements", link["id"], current["version"],
                           {"status": EngagementStatus.ENDED.value, "end_date": ended_on.isoformat()},
                           ctx.actor.username)
            records.insert(db, "deletion_certificates", {
                "termination_id": termination_id, "engagement_id": link["id"],
                "party_id": link["entrustee_party_id"]}, ctx.actor.username)
        due_items.refresh_links(db, [link["id"] for link in ending])
        return termination_id


def end_party(ctx: Context, party_id: int, ended_on: date, reason: str, confirmed_name: str) -> list[int]:
    """End every open link a party holds, in every chain, at once (one transaction): one termination
    per topmost link of the party, taking the links below it along, so each chain owes its certificates
    per tier as when a link is ended alone. ``confirmed_name``: the party's name typed again (a mistake
    here ends many chains). Returns the termination ids. Raises NotFound, RuleViolation, PermissionDenied."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        party = q.party(db, party_id)
        problems = [] if reason.strip() else [Problem("reason", "error.required")]
        if confirmed_name.strip() != party["name"]:
            problems.append(Problem("confirmed_name", "error.termination.name_mismatch"))
        tops = topmost(q.open_links_of_party(db, party_id))
        if not tops:
            problems.append(Problem(None, "error.termination.nothing_open"))
        raise_if_any(problems)
        return [end_engagement(ctx.inside(db), link_id, ended_on, reason) for link_id in tops]


def record_certificate(ctx: Context, certificate_id: int, expected_version: int, data: CertificateInput,
                       attached: dict[str, int] | None = None) -> None:
    """``attached``: files already recorded (a vendor's answer), by column."""
    ctx.require(Action.EDIT_REGISTRY)
    raise_if_any(check_certificate(data, ctx.today))
    kept = {name: attachments.keep_file(ctx, *upload) for name, upload in
            (("certificate_attachment_id", data.certificate), ("photo_attachment_id", data.photo)) if upload}
    with ctx.write(Action.EDIT_REGISTRY) as db:
        records.get(db, "deletion_certificates", certificate_id, "deletion certificate")  # raises NotFound
        values = {"items": data.items.strip(), "method": data.method,
                  "responsible_person": data.responsible_person.strip(), "done_on": data.done_on.isoformat(),
                  "media": data.media.strip() or None, "quantity": data.quantity.strip() or None,
                  "witness": data.witness.strip() or None, "received_on": ctx.today.isoformat()}
        values |= {name: attachments.record(db, ctx, file) for name, file in kept.items()} | (attached or {})
        records.update(db, "deletion_certificates", certificate_id, expected_version, values, ctx.actor.username)


def close_termination(ctx: Context, termination_id: int, expected_version: int, override_reason: str = "") -> None:
    """Close once every certificate is in; closing without them is a privacy decision whose
    reason stays visible."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        termination = records.get(db, "terminations", termination_id, "termination")
        if termination["closed_on"]:
            raise_if_any([Problem(None, "error.termination.closed")])
        owed = tq.owed_in(db, termination_id)
        raise_if_any(closing_problems(owed, override_reason))
        if owed:
            ctx.require(Action.DECIDE_REDELEGATION)
        records.update(db, "terminations", termination_id, expected_version, {
            "closed_on": ctx.today.isoformat(), "override_reason": override_reason.strip() if owed else None},
            ctx.actor.username)
        webhooks.emit(db, Event.TERMINATION_CLOSED, {
            "termination": termination_id, "engagement": q.engagement(db, termination["engagement_id"])["ref"],
            "closed_on": ctx.today.isoformat(), "certificates_missing": owed})


def terminations(ctx: Context, open_only: bool = True, limit: int = 20, offset: int = 0) -> tuple[list[dict], int]:
    """Terminations, each with its certificates ("certificates": rows with party name and tier)."""
    with ctx.read() as db:
        return tq.page(db, open_only, limit, offset)


def closed_with_override(ctx: Context, limit: int = 20) -> list[dict]:
    """The finding: terminations closed while certificates were still owed."""
    with ctx.read() as db:
        return tq.closed_with_override(db, limit)


def owed_count(ctx: Context) -> int:
    """How many deletion certificates open terminations still wait for."""
    with ctx.read() as db:
        return tq.owed_count(db)
