"""One company, many chains: every link a party holds at any tier, by entrusted business, with the
data it handles and whether each link is approved and covered — what an entruster must know the
week that company has a breach."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.shared_party import HeldLink
from ..store import concentration_queries as cq
from ..store import registry_queries as q
from . import revision_cache
from .context import Context
from .gaps import registry_gaps


@dataclass(frozen=True)
class BusinessExposure:
    business_id: int
    business_name: str
    links: int
    tiers: tuple[int, int]  # the highest and lowest tier the party holds in this business
    my_number: bool
    sensitive: bool
    individuals: int | None  # the largest count of the party's links here (one chain carries the same people)
    countries: tuple[str, ...]
    needing_approval: int
    approved: int
    with_gaps: int  # links whose contracts in force lack a clause they need (not covered)
    with_must_gaps: int  # of those, links lacking a legally required one


@dataclass(frozen=True)
class Concentration:
    party_id: int
    party_name: str
    businesses: list[BusinessExposure]

    @property
    def links(self) -> int:
        """Every open link the party holds."""
        return sum(b.links for b in self.businesses)

    @property
    def individuals(self) -> int:
        """Individuals whose data the party handles, each business counted once."""
        return sum(b.individuals or 0 for b in self.businesses)

    @property
    def countries(self) -> tuple[str, ...]:
        """Every country its links process or store our data in."""
        return tuple(sorted({c for b in self.businesses for c in b.countries}))

    @property
    def unapproved(self) -> int:
        """Its re-delegations without an approval."""
        return sum(b.needing_approval - b.approved for b in self.businesses)


def links_of(ctx: Context, party_id: int) -> list[HeldLink]:
    """Every open link the company holds, by business then tier; read once per change of the links
    (the party screen's incident form and the company request ask on every rerun: a company in 9,000
    links takes ~0.3 s). Raises NotFound."""
    def read() -> list[HeldLink]:
        with ctx.read() as db:
            q.party(db, party_id)
            return held_links(db, party_id)
    return revision_cache.per_revision(ctx, "held_links", read, party_id, tables=("engagements", "parties",
                                                                                 "businesses"))


def held_links(db, party_id: int) -> list[HeldLink]:
    """``links_of`` inside a read or write the caller opened."""
    ids = [link_id for link_id, _ in q.open_links_of_party(db, party_id)]
    rows = q.engagements_by_ids(db, ids).values()
    return sorted((HeldLink(r["id"], r["ref"], r["business_id"], r["business_name"], r["tier"], r["entruster_name"],
                            tuple(r["data_categories"]), r["individuals_count"])
                   for r in rows), key=lambda link: (link.business_name, link.business_id, link.tier, link.id))


def of_party(ctx: Context, party_id: int) -> Concentration:
    """Where we depend on this party, by business. Raises NotFound."""
    with ctx.read() as db:
        party = q.party(db, party_id)
        rows = cq.exposure_by_business(db, party_id)
        countries = cq.countries_by_business(db, party_id)
    analysis = registry_gaps(ctx).analysis
    businesses = []
    for r in rows:
        link_ids = [int(i) for i in r["link_ids"].split(",")]
        gaps = [analysis.find(i) for i in link_ids]
        businesses.append(BusinessExposure(
            r["business_id"], r["business_name"], r["links"], (r["top_tier"], r["bottom_tier"]), bool(r["my_number"]),
            bool(r["sensitive"]), r["individuals"], tuple(sorted(countries.get(r["business_id"], ()))),
            r["needing_approval"], r["approved"], sum(1 for g in gaps if g is not None and (g.must or g.should)),
            sum(1 for g in gaps if g is not None and g.must)))
    return Concentration(party_id, party["name"], businesses)


def most_depended_on(ctx: Context, limit: int = 10) -> list[dict]:
    """The sub-processors most of our chains depend on (two businesses or more), computed once per
    change of the links."""
    def read() -> list[dict]:
        with ctx.read() as db:
            return cq.most_depended_on(db, limit)
    return revision_cache.per_revision(ctx, "most_depended_on", read, str(limit), tables=("engagements", "parties"))

