"""Reading delegation chains: a business from us down, a party's place in every chain, paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..domain import approvals as approval_rules
from ..domain.approvals import ApprovalFinding, LinkApprovalState, findings_for, is_subsidiary_redelegation
from ..domain.chain import ids_in_path
from ..domain.models import ApprovalStatus, EngagementStatus, parse_categories
from ..domain.risk_tier import RiskTier, effective, tier_of_row
from ..store import registry_queries as q
from .context import Context


@dataclass(frozen=True)
class ChainLink:
    """One link as the chain screens show it."""

    id: int
    ref: str  # its ledger number, as printed
    parent_id: int | None
    business_id: int
    business_name: str
    tier: int
    entruster_id: int | None  # None: us
    entruster_name: str | None
    entrustee_id: int
    entrustee_name: str
    work: str
    status: str
    data_categories: list[str]
    approval_status: str | None  # None: tier 1, no approval needed
    approval_version: int | None
    subsidiary: bool
    findings: list[ApprovalFinding]
    path: list[str]  # entrustee names from tier 1 down to this link

    @property
    def only_we_may_approve(self) -> bool:
        """My Number data: only we, the original entruster, may permit its re-delegation (番号法 Art. 10)."""
        return approval_rules.only_we_may_approve(parse_categories(self.data_categories))


def approval_state(row: dict) -> LinkApprovalState:
    """What the approval rules read of a link row."""
    return LinkApprovalState(
        engagement_id=row["id"],
        tier=row["tier"],
        status=EngagementStatus(row["status"]),
        data_categories=parse_categories(row["data_categories"]),
        approval_status=ApprovalStatus(row["approval_status"]) if row["approval_status"] else None,
        approver_party_id=row["approver_party_id"],
    )


def to_links(db, rows: list[dict], on_paths: dict | None = None) -> list[ChainLink]:
    """``on_paths``: the entrustees on the rows' paths, when the caller has read them already."""
    on_paths = on_paths if on_paths is not None else q.path_entrustees(db, [r["path_key"] for r in rows])
    return [
        ChainLink(
            id=r["id"],
            ref=r["ref"],
            parent_id=r["parent_engagement_id"],
            business_id=r["business_id"],
            business_name=r["business_name"],
            tier=r["tier"],
            entruster_id=r["entruster_party_id"],
            entruster_name=r["entruster_name"],
            entrustee_id=r["entrustee_party_id"],
            entrustee_name=r["entrustee_name"],
            work=r["work"],
            status=r["status"],
            data_categories=r["data_categories"],
            approval_status=r["approval_status"],
            approval_version=r["approval_version"],
            subsidiary=is_subsidiary_redelegation(r["entrustee_parent_party_id"], r["entruster_party_id"]),
            findings=findings_for(approval_state(r)),
            path=[on_paths[i]["entrustee_name"] for i in ids_in_path(r["path_key"])],
        )
        for r in rows
    ]


def chain_of_business(ctx: Context, business_id: int, limit: int = 200, offset: int = 0):
    """One page of a business's links in depth-first order; returns (links, total)."""
    with ctx.read() as db:
        rows, total = q.chain_page(db, business_id, limit, offset)
        return to_links(db, rows), total



def paths_to_party(ctx: Context, business_id: int, party_id: int) -> list[ChainLink]:
    """Every link through which a party sits in a business, each with its path from us."""
    with ctx.read() as db:
        return to_links(db, q.links_of_party_in_business(db, business_id, party_id))


def chains_of_party(ctx: Context, party_id: int, limit: int = 50, offset: int = 0):
    """Every link where the party is the entrustee, across businesses, with tier and path."""
    with ctx.read() as db:
        rows, total = q.engagements_page(db, party_id=party_id, limit=limit, offset=offset)
        return to_links(db, rows), total


class SharedLink(NamedTuple):
    """A link as another system reads it (the API): its row, the entrustees on its path from us, its
    parent's ledger number and its risk tier in effect."""

    row: q.SharedRow
    path: list[str]
    parent: str | None
    risk_tier: RiskTier


def shared_after(ctx: Context, after_id: int, limit: int, **filters) -> list[SharedLink]:
    """Up to ``limit`` links by id after ``after_id`` (filters: business_id, tier, status, party_id):
    a page for another system, read in two queries."""
    with ctx.read() as db:
        return _shared(db, q.engagements_after(db, after_id, limit, **filters))


def shared_of(ctx: Context, ids: list[int]) -> list[SharedLink]:
    """These links as ``shared_after`` gives them, in the order of ``ids``."""
    with ctx.read() as db:
        found = {r.id: r for r in q.shared_engagements(db, sorted(set(ids)))}
        return _shared(db, [found[i] for i in ids if i in found])


def _shared(db, rows: list[q.SharedRow]) -> list[SharedLink]:
    paths = [ids_in_path(r.path_key) for r in rows]
    on_paths = {r.id: (r.ref, r.entrustee_name) for r in rows}  # the page's own links are named already
    on_paths |= q.path_names(db, [[i for path in paths for i in path if i not in on_paths]])
    links = []
    for r, ids in zip(rows, paths, strict=True):
        derived = tier_of_row(r.data_categories, r.individuals_count,
                              (r.entrustee_country, *r.processing_countries, *r.storage_countries), r.tier, r.incidents)
        links.append(SharedLink(r, [on_paths[i][1] for i in ids], on_paths[ids[-2]][0] if len(ids) > 1 else None,
                                effective(derived, r.risk_tier_override)))
    return links


def link(ctx: Context, engagement_id: int) -> ChainLink:
    """One link as the chain shows it. Raises NotFound."""
    with ctx.read() as db:
        row = q.engagement(db, engagement_id)
        return to_links(db, [row])[0]
