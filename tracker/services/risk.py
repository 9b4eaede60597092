"""A link's risk tier: derived from its data by the domain rule, overridable by a privacy officer
with a reason. It sets how often the vendor is asked again (the schedule's re-evaluation)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.risk_tier import LinkRisk, RiskTier, TierDecision, derive, effective
from ..store import due_items, records
from ..store import incident_queries as iq
from ..store import registry_queries as q
from .context import Context


@dataclass(frozen=True)
class LinkRiskView:
    derived: TierDecision
    override: RiskTier | None
    reason: str | None
    version: int

    @property
    def tier(self) -> RiskTier:
        """The tier in effect: the override when one is set, else the derived one."""
        return effective(self.derived.tier, self.override)


def link_risk(ctx: Context, engagement_id: int) -> LinkRiskView:
    """A link's risk tier, why, and any override. Raises NotFound."""
    with ctx.read() as db:
        link = q.engagement(db, engagement_id)
        party = q.party(db, link["entrustee_party_id"])
        incidents = iq.count_at(db, engagement_id)
    countries = frozenset([party["country"], *link["processing_countries"], *link["storage_countries"]])
    decision = derive(LinkRisk(frozenset(link["data_categories"]), link["individuals_count"], countries, link["tier"],
                               incidents))
    override = RiskTier(link["risk_tier_override"]) if link["risk_tier_override"] else None
    return LinkRiskView(decision, override, link["risk_tier_reason"], link["version"])


def set_override(ctx: Context, engagement_id: int, expected_version: int, tier: str | None, reason: str) -> None:
    """A privacy officer's tier for the link (None: back to the rule's), with why."""
    with ctx.write(Action.DECIDE_REDELEGATION) as db:
        q.engagement(db, engagement_id)  # raises NotFound
        if tier is not None and tier not in RiskTier._value2member_map_:
            raise_if_any([Problem("risk_tier", "error.invalid_choice")])
        if tier is not None and not reason.strip():
            raise_if_any([Problem("risk_reason", "error.risk.reason_required")])
        records.update(db, "engagements", engagement_id, expected_version, {
            "risk_tier_override": tier, "risk_tier_reason": reason.strip() or None if tier else None},
            ctx.actor.username)
        due_items.refresh_links(db, [engagement_id])
