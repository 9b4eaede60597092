"""An incident at a company that serves many chains, recorded once: one incident per entrusted
business it touched, each with its own classification, notices up its chain and deadlines, sharing
the facts of what happened."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from ..domain import incidents as rules
from ..domain.incidents import IncidentInput
from ..domain import shared_party
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.webhooks import Event
from ..store import incident_queries as iq
from ..store import records
from ..store import registry_queries as q
from . import concentration, revision_cache, webhooks
from .context import Context
from .incidents import VIEW_TABLES, IncidentView, view_of


@dataclass(frozen=True)
class PartyIncidentView:
    id: int
    party_id: int
    party_name: str
    chains: list[IncidentView]  # one per business, the earliest open deadline first, closed ones last


def record(ctx: Context, party_id: int, data: IncidentInput, link_ids: Collection[int] | None = None,
           counts: Mapping[int, int | None] | None = None) -> int:
    """Record an incident at a company once: for each business among ``link_ids`` (all its open
    links when None), an incident at its link in that chain. ``counts``: business id → the number
    of individuals affected there, when known. Returns the party incident's id. Raises NotFound,
    RuleViolation, PermissionDenied."""
    problems = rules.check_incident(data, ctx.today)
    if any((n or 0) < 0 for n in (counts or {}).values()):
        problems.append(Problem("counts", "error.not_negative"))
    with ctx.write(Action.HANDLE_INCIDENTS) as db:
        q.party(db, party_id)  # raises NotFound
        held = {link.id: link for link in concentration.held_links(db, party_id)}
        chosen = held.keys() if link_ids is None else set(link_ids)
        if not chosen:
            problems.append(Problem("links", "error.incident.no_link_chosen"))
        if set(chosen) - held.keys():
            problems.append(Problem("links", "error.incident.not_the_party_link"))
        raise_if_any(problems)
        group = records.insert(db, "party_incidents", {"party_id": party_id}, ctx.actor.username)
        for link in shared_party.per_chain([held[i] for i in chosen]):
            stated = shared_party.chain_facts(data, link, (counts or {}).get(link.business_id))
            incident_id = records.insert(db, "incidents", rules.row_values(stated) | {
                "engagement_id": link.id, "party_incident_id": group}, ctx.actor.username)
            webhooks.emit(db, Event.INCIDENT_RECORDED, {
                "incident": incident_id, "engagement": link.ref, "title": data.title.strip(),
                "learned_on": data.learned_on.isoformat(), "party_incident": group})
        return group


def party_incident(ctx: Context, party_incident_id: int) -> PartyIncidentView:
    """The chains' incidents side by side, the earliest open deadline first; built once per change
    of what they are read from (a company in 400 chains: ~0.2 s), not on every rerun of the incident
    screen. Raises NotFound."""
    def build() -> PartyIncidentView:
        with ctx.read() as db:
            group = records.get(db, "party_incidents", party_incident_id, "party incident")
            party = q.party(db, group["party_id"])
            chains = [view_of(db, row) for row in iq.of_party_incident(db, party_incident_id)]
        chains.sort(key=lambda v: (v.row["closed_on"] is not None, v.next_deadline or date.max, v.row["id"]))
        return PartyIncidentView(party_incident_id, party["id"], party["name"], chains)
    return revision_cache.per_revision(ctx, "party_incident", build, party_incident_id,
                                       tables=(*VIEW_TABLES, "party_incidents"))


def of_party(ctx: Context, party_id: int) -> list[dict]:
    """The incidents recorded at this company for its chains, newest first (id, first_incident_id,
    title, learned_on, chains, open_chains)."""
    with ctx.read() as db:
        return iq.party_incidents_of(db, party_id)
