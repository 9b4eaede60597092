"""Where the registry depends on one company: the links a party holds at any tier, summed by
entrusted business, and the parties most chains depend on."""

from __future__ import annotations

from sqlite_utils import Database


def exposure_by_business(db: Database, party_id: int) -> list[dict]:
    """One row per business where the party holds an open link: how many links, the tiers, whether
    any carries My Number or 要配慮 data, the largest number of individuals (the same people flow down
    one business's chain: not summed), how many need an approval and how many have one."""
    return list(db.query(
        """SELECT e.business_id, b.name AS business_name, count(*) AS links, min(e.tier) AS top_tier,
                  max(e.tier) AS bottom_tier,
                  max(EXISTS (SELECT 1 FROM json_each(e.data_categories) j WHERE j.value = 'my_number')) AS my_number,
                  max(EXISTS (SELECT 1 FROM json_each(e.data_categories) j WHERE j.value = 'sensitive')) AS sensitive,
                  max(e.individuals_count) AS individuals, sum(e.tier >= 2) AS needing_approval,
                  sum(coalesce(a.status = 'approved', 0)) AS approved, group_concat(e.id) AS link_ids
           FROM engagements e JOIN businesses b ON b.id = e.business_id
           LEFT JOIN approvals a ON a.engagement_id = e.id
           WHERE e.entrustee_party_id = ? AND e.status <> 'ended'
           GROUP BY e.business_id ORDER BY b.name""", [party_id]))


def countries_by_business(db: Database, party_id: int) -> dict[int, set[str]]:
    """Business → the countries the party's open links process or store its data in."""
    found: dict[int, set[str]] = {}
    for business_id, country in db.execute(
            """SELECT e.business_id, j.value FROM engagements e, json_each(e.processing_countries) j
               WHERE e.entrustee_party_id = ? AND e.status <> 'ended'
               UNION SELECT e.business_id, j.value FROM engagements e, json_each(e.storage_countries) j
               WHERE e.entrustee_party_id = ? AND e.status <> 'ended'""", [party_id, party_id]):
        found.setdefault(business_id, set()).add(country)
    return found


def most_depended_on(db: Database, limit: int) -> list[dict]:
    """The parties holding open links in the most entrusted businesses below tier 1 (sub-processors
    many chains depend on), with how many businesses and links."""
    return list(db.query(
        """SELECT e.entrustee_party_id AS party_id, p.name, count(DISTINCT e.business_id) AS businesses,
                  count(*) AS links
           FROM engagements e JOIN parties p ON p.id = e.entrustee_party_id
           WHERE e.status <> 'ended' AND e.tier >= 2
           GROUP BY e.entrustee_party_id HAVING businesses >= 2
           ORDER BY businesses DESC, links DESC, p.name LIMIT ?""", [limit]))
