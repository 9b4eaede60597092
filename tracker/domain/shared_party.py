"""A company that serves many chains: the links it holds as an officer picks among them, and how
an incident there becomes one incident per entrusted business (DOMAIN.md §6: each entruster's own
classification, notices and deadlines)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from .incidents import IncidentInput
from .models import DataCategory

SENSITIVE, PAYMENT, MY_NUMBER = (c.value for c in (DataCategory.SENSITIVE, DataCategory.PAYMENT,
                                                   DataCategory.MY_NUMBER))


@dataclass(frozen=True)
class HeldLink:
    """An open link the company holds, as the officer picks among them (an incident, a request)."""

    id: int
    ref: str
    business_id: int
    business_name: str
    tier: int
    entruster_name: str | None  # who entrusted it to the company; None: us (tier 1)
    data_categories: tuple[str, ...]
    individuals_count: int | None


def per_chain(links: Collection[HeldLink]) -> list[HeldLink]:
    """The link each business's incident is recorded at: the company's highest in that chain (the
    notices go up from there; the links below it report to it)."""
    first: dict[int, HeldLink] = {}
    for link in sorted(links, key=lambda x: (x.tier, x.id)):
        first.setdefault(link.business_id, link)
    return list(first.values())


def preset_for(links: Collection[HeldLink]) -> IncidentInput:
    """A new incident's kinds of data start from what any of the links carries; each chain keeps
    only what its own link carries (``chain_facts``)."""
    carried = {c for link in links for c in link.data_categories}
    return IncidentInput("", None, sensitive=SENSITIVE in carried, financial_risk=PAYMENT in carried,
                         my_number=MY_NUMBER in carried)


def chain_facts(data: IncidentInput, link: HeldLink, known_count: int | None) -> IncidentInput:
    """The shared facts as one chain's incident: only the kinds of data the link carries can have
    leaked from it (My Number where it handles My Number); the number of individuals is this
    business's, or, unknown, at most as many as the link holds."""
    carried = set(link.data_categories)
    at_most = None if known_count is not None else link.individuals_count
    return replace(data, individuals_count=known_count, individuals_at_most=at_most,
                   sensitive=data.sensitive and SENSITIVE in carried,
                   financial_risk=data.financial_risk and PAYMENT in carried,
                   my_number=data.my_number is not False and MY_NUMBER in carried)
