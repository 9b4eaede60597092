"""Addenda (覚書) and the engagements each amends."""

from __future__ import annotations

from sqlite_utils import Database

from . import json_columns


def _decoded(row: dict) -> dict:
    return json_columns.decoded("addenda", row)


def links_of(db: Database, addendum_id: int) -> list[dict]:
    """The (id, engagement id) rows linking an addendum to the links it amends."""
    return list(db.query("SELECT id, engagement_id FROM addendum_links WHERE addendum_id = ?", [addendum_id]))


def addenda_of(db: Database, engagement_id: int) -> list[dict]:
    """Newest first; ``clause_ids`` decoded; ``file_name`` the document's name as it is stored."""
    return [_decoded(row) for row in db.query(
        """SELECT a.*, f.original_name AS file_name FROM addenda a JOIN addendum_links l ON l.addendum_id = a.id
           LEFT JOIN attachments f ON f.id = a.attachment_id
           WHERE l.engagement_id = ? ORDER BY a.id DESC""", [engagement_id])]


def same_parties(db: Database, engagement_id: int, entrustee_id: int, entruster_id: int | None) -> list[dict]:
    """Other open engagements with the same entruster and entrustee."""
    return list(db.query(
        """SELECT e.id, e.tier, e.work, b.name AS business_name FROM engagements e
           JOIN businesses b ON b.id = e.business_id
           WHERE e.entrustee_party_id = ? AND e.entruster_party_id IS ? AND e.id <> ? AND e.status <> 'ended'
           ORDER BY e.id LIMIT 50""", [entrustee_id, entruster_id, engagement_id]))
