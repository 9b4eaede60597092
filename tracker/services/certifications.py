"""A party's certifications (ISMS, Pマーク, SOC 2 …), with their evidence; their expiry is scheduled."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.certifications import CertificationDraft, check_certification
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..store import due_items, records
from ..store import registry_queries as q
from ..store import supervision_queries as sq
from . import attachments
from .context import Context


@dataclass(frozen=True)
class CertificationInput(CertificationDraft):
    """A certification as the rules check it, with its certificate's copy."""

    evidence: tuple[str, bytes] | None = None  # (file name, content) of the certificate


def _values(data: CertificationInput) -> dict:
    return {"scheme": data.scheme, "scheme_name": data.scheme_name.strip() or None, "number": data.number.strip(),
            "issuer": data.issuer.strip() or None, "valid_until": data.valid_until.isoformat()}


def _check(data: CertificationInput) -> None:
    raise_if_any(check_certification(data))


def create_certification(ctx: Context, party_id: int, data: CertificationInput) -> int:
    """Record a party's certification (Pマーク, ISMS …) with its evidence; returns its id. Raises
    NotFound, RuleViolation, PermissionDenied."""
    ctx.require(Action.EDIT_REGISTRY)
    _check(data)
    kept = attachments.keep_file(ctx, *data.evidence) if data.evidence else None
    with ctx.write(Action.EDIT_REGISTRY) as db:
        q.party(db, party_id)  # raises NotFound
        values = _values(data) | {"party_id": party_id}
        if kept:
            values["attachment_id"] = attachments.record(db, ctx, kept)
        certification_id = records.insert(db, "certifications", values, ctx.actor.username)
        due_items.refresh_certifications(db, party_id)
        return certification_id


def update_certification(ctx: Context, certification_id: int, expected_version: int, data: CertificationInput) -> None:
    """Save a renewed or corrected certificate; a new evidence file replaces the old one."""
    ctx.require(Action.EDIT_REGISTRY)
    _check(data)
    kept = attachments.keep_file(ctx, *data.evidence) if data.evidence else None
    with ctx.write(Action.EDIT_REGISTRY) as db:
        current = sq.certification(db, certification_id)
        values = _values(data)
        if kept:
            values["attachment_id"] = attachments.record(db, ctx, kept)
        records.update(db, "certifications", certification_id, expected_version, values, ctx.actor.username)
        due_items.refresh_certifications(db, current["party_id"])


def certifications_of(ctx: Context, party_id: int) -> list[dict]:
    """A party's certifications, the latest expiry first."""
    with ctx.read() as db:
        return sq.certifications_of(db, party_id)


def set_party_owner(ctx: Context, party_id: int, expected_version: int, owner_user_id: int | None) -> None:
    """Who is reminded of this party's expiring certificates."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        if owner_user_id is not None and not sq.user_exists(db, owner_user_id):
            raise_if_any([Problem("owner_user_id", "error.not_found")])
        records.update(db, "parties", party_id, expected_version, {"owner_user_id": owner_user_id},
                       ctx.actor.username)
        due_items.refresh_certifications(db, party_id)
