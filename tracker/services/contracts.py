"""Contract documents of an engagement and the clauses each one covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.contract_rules import ContractInput, ContractKind, check_contract, row_values  # noqa: F401  (callers name them here)
from ..domain.gaps import ContractTerms, Coverage, in_force
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..store import contract_queries as cq
from ..store import coverage_masks, due_items, records
from ..store import registry_queries as q
from . import attachments
from .catalogue import catalogue
from .context import Context


@dataclass
class CoverageEntry:
    status: str | None  # None: nothing recorded for this clause in this contract
    article: str = ""
    note: str = ""


def create_contract(ctx: Context, engagement_id: int, data: ContractInput) -> int:
    """Add a contract document to a link; returns its id. Raises NotFound, RuleViolation,
    PermissionDenied."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        q.engagement(db, engagement_id)  # raises NotFound
        raise_if_any(check_contract(data))
        contract_id = records.insert(db, "contracts", row_values(data) | {"engagement_id": engagement_id},
                                     ctx.actor.username)
        due_items.refresh_links(db, [engagement_id])
        return contract_id


def update_contract(ctx: Context, contract_id: int, expected_version: int, data: ContractInput) -> None:
    """Save an edited contract. Raises NotFound, RuleViolation, StaleRecord, PermissionDenied."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        current = cq.contract(db, contract_id)
        raise_if_any(check_contract(data))
        records.update(db, "contracts", contract_id, expected_version, row_values(data), ctx.actor.username)
        due_items.refresh_links(db, [current["engagement_id"]])


def record_coverage(ctx: Context, contract_id: int, expected_version: int, entries: dict[str, CoverageEntry]) -> None:
    """Save a contract's clause checklist as a whole, in one transaction.

    Each entry keeps the catalogue version of its clause. Refused with StaleRecord when the contract
    (or its checklist) was saved by someone else since ``expected_version``.
    """
    problems = coverage_problems(entries)
    with ctx.write(Action.EDIT_REGISTRY) as db:
        cq.contract(db, contract_id)  # raises NotFound
        raise_if_any(problems)
        records.update(db, "contracts", contract_id, expected_version, {}, ctx.actor.username)
        write_coverage(db, ctx, contract_id, entries)


def coverage_problems(entries: dict[str, CoverageEntry]) -> list[Problem]:
    """What is wrong with checklist entries: a clause not in the catalogue, a status not known."""
    known = {clause.id for clause in catalogue()}
    problems = [Problem(clause_id, "error.coverage.unknown_clause") for clause_id in entries if clause_id not in known]
    return problems + [Problem(clause_id, "error.invalid_choice") for clause_id, entry in entries.items()
                       if entry.status is not None and entry.status not in {c.value for c in Coverage}]


def write_coverage(db, ctx: Context, contract_id: int, entries: dict[str, CoverageEntry]) -> None:
    """Apply checklist entries inside the caller's transaction (entries already checked), and
    keep the contract's coverage masks equal to them."""
    ctx.require(Action.EDIT_REGISTRY)
    clauses = {clause.id: clause for clause in catalogue()}
    current = cq.coverage_of(db, contract_id)
    for clause_id, entry in entries.items():
        values = {"status": entry.status, "clause_version": clauses[clause_id].version,
                  "article": entry.article.strip() or None, "note": entry.note.strip() or None}
        existing = current.get(clause_id)
        if entry.status is None:
            if existing:
                records.delete(db, "clause_coverage", existing["id"], ctx.actor.username)
        elif existing:
            if any(existing[k] != v for k, v in values.items()):
                records.update_unversioned(db, "clause_coverage", existing["id"], values, ctx.actor.username)
        else:
            records.insert(db, "clause_coverage", values | {"contract_id": contract_id, "clause_id": clause_id},
                           ctx.actor.username)
    coverage_masks.refresh_contract_masks(db, contract_id)


def attach_document(ctx: Context, contract_id: int, expected_version: int, file_name: str, data: bytes) -> int:
    """Attach the signed document (or its scan) to a contract: the file, its record and the
    contract's link to it in one transaction."""
    ctx.require(Action.EDIT_REGISTRY)
    kept = attachments.keep_file(ctx, file_name, data)
    with ctx.write(Action.EDIT_REGISTRY) as db:
        cq.contract(db, contract_id)  # raises NotFound
        attachment_id = attachments.record(db, ctx, kept)
        records.update(db, "contracts", contract_id, expected_version, {"attachment_id": attachment_id},
                       ctx.actor.username)
        return attachment_id


def contracts_of(ctx: Context, engagement_id: int) -> list[dict]:
    """A link's contracts, signed ones first."""
    with ctx.read() as db:
        return cq.contracts_of(db, engagement_id)


def get_contract(ctx: Context, contract_id: int) -> dict:
    """A contract row. Raises NotFound."""
    with ctx.read() as db:
        row = cq.contract(db, contract_id)
    return row


def coverage_of(ctx: Context, contract_id: int) -> dict[str, dict]:
    """A contract's checklist: clause id → its entry."""
    with ctx.read() as db:
        return cq.coverage_of(db, contract_id)


def terms(row: dict) -> ContractTerms:
    """What the gap engine reads of a contract row: signed, valid until, renewing."""
    return ContractTerms(
        signed_on=date.fromisoformat(row["signed_on"]) if row["signed_on"] else None,
        valid_until=date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
        auto_renewal=bool(row["auto_renewal"]),
    )


def is_in_force(ctx: Context, row: dict) -> bool:
    """Whether a contract row is in force today."""
    return in_force(terms(row), ctx.today)


def to_input(row: dict) -> ContractInput:
    """The input an edit form starts from."""
    t = terms(row)
    return ContractInput(row["title"], row["kind"], t.signed_on, t.valid_until, t.auto_renewal, row["note"] or "",
                         row["report_interval_months"])
