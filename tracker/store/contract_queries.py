"""Contracts, clause coverage, and the facts the gap engine reads for many links at once."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from datetime import date

from sqlite_utils import Database

from . import json_columns
from .lookups import required
from .registry_queries import Row

# in force: signed on or before the day, and not expired unless it renews itself (domain.gaps.in_force)
_IN_FORCE = """c.signed_on IS NOT NULL AND c.signed_on <= :as_of
               AND (c.auto_renewal = 1 OR c.valid_until IS NULL OR c.valid_until >= :as_of)"""


def contracts_of(db: Database, engagement_id: int) -> list[Row]:
    """A link's contracts, signed ones first by date, each with how many checklist entries it has."""
    return list(db.query(
        """SELECT c.*, (SELECT count(*) FROM clause_coverage cc WHERE cc.contract_id = c.id) AS entries
           FROM contracts c WHERE c.engagement_id = ? ORDER BY c.signed_on IS NULL, c.signed_on, c.id""",
        [engagement_id],
    ))


def contract(db: Database, contract_id: int) -> Row:
    """A contract row; raises NotFound."""
    return required(find_contract(db, contract_id), "contract", contract_id)


def find_contract(db: Database, contract_id: int) -> Row | None:
    """A contract row, or None."""
    rows = list(db.query("SELECT * FROM contracts WHERE id = ?", [contract_id]))
    return rows[0] if rows else None


def coverage_of(db: Database, contract_id: int) -> dict[str, Row]:
    """A contract's checklist: clause id → its coverage row."""
    return {r["clause_id"]: r for r in db.query("SELECT * FROM clause_coverage WHERE contract_id = ?", [contract_id])}


_SEPARATOR = "\x1e"  # between texts in one group_concat (never inside a JSON list of codes)


class CodedTexts(NamedTuple):
    """A text column of many rows and few distinct texts: row i holds ``texts[codes[i]]``."""

    codes: np.ndarray  # int64
    texts: list[str]


class LinkColumns(NamedTuple):
    """Open links as columns, row i one link (the gap engine's input, read in one pass)."""

    ids: np.ndarray  # int64
    parents: np.ndarray  # int64, -1: none
    tiers: np.ndarray
    entrustees: np.ndarray
    businesses: np.ndarray
    # as stored (equal lists, equal texts: what links are grouped by); ``listed`` decodes one
    categories: CodedTexts
    processing: CodedTexts
    storage: CodedTexts

    def listed(self, column: str, i: int) -> tuple[str, ...]:
        """Link i's codes of ``column`` (categories, processing, storage)."""
        coded = getattr(self, column)
        return json_columns.listed(coded.texts[coded.codes[i]])


def _numbers(text: str | None) -> np.ndarray:
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, np.int64)


def _coded(text: str | None) -> CodedTexts:
    """One group_concat of texts as codes. Split one column at a time and coded at once: the three
    columns of 200,000 links as Python strings together were ~50 MB at the moment the registry's
    gaps were first computed, the process's peak memory (issue 31)."""
    if not text:
        return CodedTexts(np.zeros(0, np.int64), [])
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(t, len(index)) for t in text.split(_SEPARATOR)), np.int64)
    return CodedTexts(codes, list(index))


def link_fact_columns(db: Database, engagement_ids: list[int] | None = None) -> LinkColumns:
    """Every open link (not ended), or those of ``engagement_ids``, as columns. One aggregate row:
    each column comes back as one text that numpy parses, not as 200,000 Python tuples (the
    aggregates of one query see the rows in the same order, so the columns line up)."""
    where, params = "e.status <> 'ended'", []
    if engagement_ids is not None:
        where += f" AND e.id IN ({','.join('?' for _ in engagement_ids)})"
        params = list(engagement_ids)
    row = db.execute(
        f"""SELECT group_concat(e.id), group_concat(coalesce(e.parent_engagement_id, -1)), group_concat(e.tier),
                   group_concat(e.entrustee_party_id), group_concat(e.business_id),
                   group_concat(e.data_categories, char(30)),
                   group_concat(e.processing_countries, char(30)), group_concat(e.storage_countries, char(30))
            FROM engagements e WHERE {where}""", params).fetchone()
    return LinkColumns(*(_numbers(text) for text in row[:5]), *(_coded(text) for text in row[5:]))


def contract_masks_in_force(db: Database, as_of: date, engagement_ids: list[int] | None = None
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(engagement ids, covered masks, partial masks) of the contracts in force on ``as_of``, as
    arrays; the masks use the stable bits of store.coverage_masks."""
    params: dict = {"as_of": as_of.isoformat()}
    scope = ""
    if engagement_ids is not None:
        names = [f"e{i}" for i in range(len(engagement_ids))]
        scope = f" AND c.engagement_id IN ({','.join(':' + n for n in names)})"
        params |= dict(zip(names, engagement_ids, strict=True))
    row = db.execute(
        f"""SELECT group_concat(c.engagement_id), group_concat(c.covered_mask), group_concat(c.partial_mask)
            FROM contracts c WHERE {_IN_FORCE}{scope}""", params).fetchone()
    return _numbers(row[0]), _numbers(row[1]), _numbers(row[2])


def links_with_contract_changes_after(db: Database, revision: int) -> list[int]:
    """The links whose contracts were written (added, changed, removed) at a contracts revision after
    ``revision`` (store.migrations keeps the last CONTRACT_CHANGES_KEPT revisions of them)."""
    return [r[0] for r in db.execute("SELECT DISTINCT engagement_id FROM contract_changes WHERE revision > ? "
                                     "ORDER BY engagement_id", [revision])]


def links_with_open_children(db: Database, engagement_ids: list[int] | None = None) -> set[int]:
    """Links whose entrustee re-delegates further (a sub-link not ended)."""
    scope, params = "", []
    if engagement_ids is not None:
        scope = f" AND parent_engagement_id IN ({','.join('?' for _ in engagement_ids)})"
        params = list(engagement_ids)
    return {r[0] for r in db.execute(
        f"""SELECT DISTINCT parent_engagement_id FROM engagements
            WHERE status <> 'ended' AND parent_engagement_id IS NOT NULL{scope}""", params).fetchall()}


def party_countries_abroad(db: Database) -> dict[int, str]:
    """Parties whose own country is not Japan (few), by id."""
    return dict(db.execute("SELECT id, country FROM parties WHERE country <> 'JP'").fetchall())
