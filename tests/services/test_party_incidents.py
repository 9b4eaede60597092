"""An incident at a company recorded once (issue 30, point 2): the printing house of three chains has
a breach; each chain gets its own classification, notices up to us and deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests import factories as f
from tests.conftest import TODAY, context_for
from tracker.domain.incidents import IncidentInput, Reason
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services import concentration, incidents, party_incidents
from tracker.services.context import PermissionDenied
from tracker.services.incidents import ResponseInput

LEARNED = TODAY - timedelta(days=2)
FACTS = IncidentInput("委託先サーバーへの不正アクセス", LEARNED, description="ランサムウェア",
                      sensitive=True, my_number=True)


def _by_business(view):
    return {v.link.business_id: v for v in view.chains}


def test_recorded_once_each_chain_has_its_notices_and_classification(ctx):
    printer, (payroll, mailing, campaign), _ = f.printing_house(ctx)
    group = party_incidents.record(ctx, printer, FACTS, counts={campaign: 12})
    view = party_incidents.party_incident(ctx, group)
    chains = _by_business(view)
    assert set(chains) == {payroll, mailing, campaign} and view.party_id == printer
    # the notices go up from the printer's link to us: 1, 2 and 3 steps
    assert [len(chains[b].notices) for b in (payroll, mailing, campaign)] == [1, 2, 3]
    assert all(v.notices[0].from_name == "株式会社共同印刷サービス" for v in view.chains)
    # My Number only where the link handles it; 要配慮 only where it does; each business's own count
    assert [bool(chains[b].row["my_number"]) for b in (payroll, mailing, campaign)] == [True, False, False]
    assert [bool(chains[b].row["sensitive"]) for b in (payroll, mailing, campaign)] == [False, False, True]
    assert chains[payroll].classification.reasons == (Reason.OVER_1000, Reason.MY_NUMBER_OVER_100)
    assert chains[mailing].classification.reasons == (Reason.OVER_1000,)  # unknown: at most the 50,000 it holds
    assert chains[mailing].row["individuals_at_most"] == 50000 and chains[mailing].row["individuals_count"] is None
    assert chains[campaign].classification.reasons == (Reason.SENSITIVE,)
    assert chains[campaign].row["individuals_count"] == 12
    assert {v.row["title"] for v in view.chains} == {FACTS.title}
    # the incidents list and each incident's own screen see them as ordinary incidents
    listed, total = incidents.incidents_list(ctx)
    assert total == 3 and {v.row["party_incident_id"] for v in listed} == {group}


def test_each_chain_is_followed_on_its_own_the_earliest_deadline_first(ctx):
    printer, (payroll, mailing, campaign), _ = f.printing_house(ctx)
    chains = _by_business(party_incidents.party_incident(ctx, party_incidents.record(ctx, printer, FACTS)))
    # the printer tells us at once about payroll (tier 1): our deadlines start there only
    payroll_incident = chains[payroll]
    incidents.record_notice(ctx, payroll_incident.row["id"], payroll_incident.link.id, LEARNED)
    # in the mailing chain the printer told the mailing house a day later; the mailing house not yet us
    incidents.record_notice(ctx, chains[mailing].row["id"], chains[mailing].link.id, LEARNED + timedelta(days=1))
    view = party_incidents.party_incident(ctx, chains[payroll].row["party_incident_id"])
    after = _by_business(view)
    assert after[payroll].deadlines.knowledge == LEARNED and after[payroll].deadlines.final is not None
    assert after[mailing].deadlines.knowledge is None  # we have not heard in that chain yet
    assert [n.notice.state(TODAY) for n in after[mailing].notices] == ["notified", "due"]
    assert [v.next_deadline for v in view.chains] == sorted(v.next_deadline for v in view.chains)
    # one chain is closed on its own; the others stay open
    closed = after[campaign]
    incidents.update_response(ctx, closed.row["id"], closed.row["version"], ResponseInput(closed_on=TODAY))
    view = party_incidents.party_incident(ctx, view.id)
    assert view.chains[-1].row["id"] == closed.row["id"] and view.chains[-1].row["closed_on"] == TODAY.isoformat()
    assert sum(v.row["closed_on"] is None for v in view.chains) == 2
    (listed,) = party_incidents.of_party(ctx, printer)  # the party screen's list
    assert (listed["id"], listed["chains"], listed["open_chains"], listed["title"]) == (view.id, 3, 2, FACTS.title)


def test_editing_the_shared_facts_updates_every_chain_but_not_its_counts(ctx):
    printer, (payroll, mailing, campaign), _ = f.printing_house(ctx)
    group = party_incidents.record(ctx, printer, FACTS, counts={campaign: 12})
    chains = _by_business(party_incidents.party_incident(ctx, group))
    one = chains[payroll].row
    corrected = replace(FACTS, title="印刷データの誤送信", learned_on=LEARNED - timedelta(days=1),
                        individuals_count=900, my_number=True, public_exposure=True, cause="設定誤り")
    incidents.update_incident(ctx, one["id"], one["version"], corrected)
    after = _by_business(party_incidents.party_incident(ctx, group))
    assert {v.row["title"] for v in after.values()} == {"印刷データの誤送信"}
    assert {v.row["learned_on"] for v in after.values()} == {(LEARNED - timedelta(days=1)).isoformat()}
    assert {v.row["cause"] for v in after.values()} == {"設定誤り"}
    assert after[payroll].row["individuals_count"] == 900 and after[payroll].row["public_exposure"] == 1
    assert after[campaign].row["individuals_count"] == 12 and after[mailing].row["individuals_at_most"] == 50000
    assert after[mailing].row["public_exposure"] == 0  # no My Number in that chain to be exposed
    # a stale copy of another chain's incident is refused, as for any record
    from tracker.domain.problems import StaleRecord
    with pytest.raises(StaleRecord):
        incidents.update_incident(ctx, chains[mailing].row["id"], chains[mailing].row["version"], FACTS)


def test_only_the_businesses_or_links_chosen(ctx):
    printer, (payroll, mailing, campaign), third = f.printing_house(ctx)
    links = concentration.links_of(ctx, printer)
    assert len(links) == 3 and {x.business_id for x in links} == {payroll, mailing, campaign}
    chosen = [x.id for x in links if x.business_id in (mailing, campaign)]
    view = party_incidents.party_incident(ctx, party_incidents.record(ctx, printer, FACTS, link_ids=chosen))
    assert {v.link.business_id for v in view.chains} == {mailing, campaign}
    assert {v.link.id for v in view.chains} == set(chosen)


def test_nothing_is_written_when_the_choice_is_wrong(ctx):
    printer, _, _ = f.printing_house(ctx)
    stranger = f.link(ctx, f.party(ctx, "無関係株式会社"), business_id=f.business(ctx, "別業務"))
    for link_ids, field in (([], "links"), ([stranger], "links")):
        with pytest.raises(RuleViolation) as refused:
            party_incidents.record(ctx, printer, FACTS, link_ids=link_ids)
        assert [p.field for p in refused.value.problems] == [field]
    with pytest.raises(RuleViolation) as refused:  # in a hurry: no title, no day learned
        party_incidents.record(ctx, printer, IncidentInput("", None))
    assert {p.field for p in refused.value.problems} == {"title", "learned_on"}
    assert incidents.incidents_list(ctx)[1] == 0


def test_a_viewer_cannot_record_one(db_path, ctx):
    printer, _, _ = f.printing_house(ctx)
    with pytest.raises(PermissionDenied):
        party_incidents.record(context_for(db_path, Role.MANAGER), printer, FACTS)
    assert incidents.incidents_list(ctx)[1] == 0


def test_an_incident_learned_in_the_future_is_refused(ctx):
    printer, _, _ = f.printing_house(ctx)
    with pytest.raises(RuleViolation):
        party_incidents.record(ctx, printer, replace(FACTS, learned_on=date(2099, 1, 1)))
