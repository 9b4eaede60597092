"""Incidents and the notices up the chain."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database


def notice_id(db: Database, incident_id: int, engagement_id: int) -> int | None:
    """The notice recorded for one link of an incident's chain, or None."""
    row = db.execute("SELECT id FROM incident_notices WHERE incident_id = ? AND engagement_id = ?",
                     [incident_id, engagement_id]).fetchone()
    return row[0] if row else None


def notified(db: Database, incident_id: int) -> dict[int, date]:
    """Link id → the day its entrustee told its entruster."""
    return {engagement_id: date.fromisoformat(on) for engagement_id, on in db.execute(
        "SELECT engagement_id, notified_on FROM incident_notices WHERE incident_id = ?", [incident_id])}


def incidents(db: Database, include_closed: bool) -> list[dict]:
    """Newest first."""
    where = "1" if include_closed else "closed_on IS NULL"
    return list(db.query(f"SELECT * FROM incidents WHERE {where} ORDER BY id DESC"))


def count_at(db: Database, engagement_id: int) -> int:
    """How many incidents were recorded at a link (the risk tier counts them)."""
    return db.execute("SELECT count(*) FROM incidents WHERE engagement_id = ?", [engagement_id]).fetchone()[0]


def of_party_incident(db: Database, party_incident_id: int) -> list[dict]:
    """The chains' incidents recorded together for an incident at one company."""
    return list(db.query("SELECT * FROM incidents WHERE party_incident_id = ? ORDER BY id", [party_incident_id]))


def party_incidents_of(db: Database, party_id: int) -> list[dict]:
    """The incidents recorded at one company, newest first: the first chain's incident (where the
    screen opens), its title and day, how many chains and how many still open."""
    return list(db.query(
        """SELECT pi.id, min(i.id) AS first_incident_id, min(i.title) AS title, min(i.learned_on) AS learned_on,
                  count(*) AS chains, sum(i.closed_on IS NULL) AS open_chains
           FROM party_incidents pi JOIN incidents i ON i.party_incident_id = pi.id
           WHERE pi.party_id = ? GROUP BY pi.id ORDER BY pi.id DESC""", [party_id]))
