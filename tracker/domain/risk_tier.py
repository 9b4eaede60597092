"""The risk tier of a link (high / medium / low): how closely it is watched and how often its vendor
is asked for a checksheet. Derived from the link's data; a privacy officer may override it with a reason."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from .models import HOME_COUNTRY, DataCategory


class RiskTier(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_ORDER = (RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH)
MANY_INDIVIDUALS = 100_000  # a leak this large is serious whatever the data
REPORTABLE_INDIVIDUALS = 1_000  # above this a leak must be reported to the PPC (規則 7 ④)
DEEP_TIER = 3


@dataclass(frozen=True)
class LinkRisk:
    categories: frozenset[str]
    individuals: int | None
    countries: frozenset[str]  # where processed or stored, and the entrustee's own country
    tier: int
    past_incidents: int


@dataclass(frozen=True)
class TierDecision:
    tier: RiskTier
    reasons: tuple[str, ...]  # message keys: risk.reason.<code>


def derive(risk: LinkRisk) -> TierDecision:
    """High: My Number, 要配慮 or payment data, or very many people. Medium: more people than the
    reporting threshold, handling abroad, or deep in the chain. A past incident raises it a step."""
    individuals = risk.individuals or 0
    return _decide(risk.categories, 2 if individuals >= MANY_INDIVIDUALS else 1 if individuals > REPORTABLE_INDIVIDUALS
                   else 0, any(c != HOME_COUNTRY for c in risk.countries), risk.tier >= DEEP_TIER,
                   risk.past_incidents > 0)


def tier_of_row(categories: tuple[str, ...], individuals: int | None, countries: tuple[str, ...], tier: int,
                past_incidents: int) -> RiskTier:
    """``derive``'s tier for a link as its row holds it (the codes as read, the entrustee's country with
    the processing and storage ones): no LinkRisk or frozenset built per link — a page of 500 links
    has a handful of distinct sets of categories and of countries."""
    individuals = individuals or 0
    return _decide(_category_set(categories), 2 if individuals >= MANY_INDIVIDUALS
                   else 1 if individuals > REPORTABLE_INDIVIDUALS else 0,
                   _abroad(countries), tier >= DEEP_TIER, past_incidents > 0).tier


_category_set = functools.lru_cache(maxsize=4096)(frozenset)


@functools.lru_cache(maxsize=4096)
def _abroad(countries: tuple[str, ...]) -> bool:
    return any(c != HOME_COUNTRY for c in countries)


@functools.lru_cache(maxsize=4096)
def _decide(categories: frozenset[str], people: int, abroad: bool, deep: bool, past: bool) -> TierDecision:
    """The decision on what the rule reads of a link (people: 0 few, 1 above the reporting threshold,
    2 very many): a page of 500 links has a handful of distinct ones."""
    high = [code for code, hit in (
        ("my_number", DataCategory.MY_NUMBER in categories),
        ("sensitive", DataCategory.SENSITIVE in categories),
        ("payment", DataCategory.PAYMENT in categories),
        ("many_individuals", people == 2),
    ) if hit]
    medium = [code for code, hit in (
        ("reportable_individuals", people == 1),
        ("abroad", abroad),
        ("deep_tier", deep),
    ) if hit]
    level = 2 if high else 1 if medium else 0
    reasons = high + medium
    if past:
        level = min(level + 1, 2)
        reasons.append("past_incidents")
    return TierDecision(_ORDER[level], tuple(reasons))


def effective(derived: RiskTier, override: str | None) -> RiskTier:
    return RiskTier(override) if override else derived
