"""Incidents recorded at any tier with their notices and deadlines; terminations ending a sub-tree
and asking each of its parties for a deletion certificate."""

from datetime import date

import pytest

from tests import factories as f
from tests import files
from tests.conftest import context_for
from tracker.domain.incidents import Reason
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services import engagements, incidents, schedule, terminations
from tracker.services.context import PermissionDenied
from tracker.services.engagements import to_input
from tracker.services.incidents import IncidentInput, ResponseInput
from tracker.services.terminations import CertificateInput
from tracker.store import connection

CERTIFICATE = CertificateInput(items="申込書一式", method="destruction", responsible_person="責任者",
                               done_on=date(2026, 11, 20), certificate=("cert.pdf", files.pdf("certificate")))


def count(db_path, table, where="1"):
    with connection.reading(db_path) as db:
        return db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def test_an_incident_at_tier_three_travels_up_and_sets_our_deadlines(ctx):
    _, parties, links = f.chain(ctx, 4, categories=("ordinary", "my_number"))
    incident_id = incidents.record_incident(ctx, links[2], IncidentInput(
        "誤送付", learned_on=date(2026, 11, 2), individuals_count=150))
    view = incidents.incident(ctx, incident_id)
    assert view.classification.reasons == (Reason.MY_NUMBER_OVER_100,)
    assert [n.notice.link_id for n in view.notices] == [links[2], links[1], links[0]]  # not the tier-4 link
    assert view.deadlines.knowledge is None and view.next_deadline == date(2026, 11, 6)  # tier 3 tells tier 2
    for link_id, on in ((links[2], date(2026, 11, 4)), (links[1], date(2026, 11, 5)), (links[0], date(2026, 11, 6))):
        incidents.record_notice(ctx, incident_id, link_id, on)
    view = incidents.incident(ctx, incident_id)
    assert view.deadlines.knowledge == date(2026, 11, 6)
    assert (view.deadlines.preliminary.opens, view.deadlines.final) == (date(2026, 11, 8), date(2026, 12, 7))
    assert view.notices[-1].to_name is None  # the tier-1 entrustee tells us
    with pytest.raises(RuleViolation):  # the tier-4 link is below where it happened
        incidents.record_notice(ctx, incident_id, links[3], date(2026, 11, 4))


def test_deadlines_recompute_when_facts_change(ctx):
    _, _, links = f.chain(ctx, 1)
    incident_id = incidents.record_incident(ctx, links[0], IncidentInput("紛失", learned_on=date(2026, 10, 1),
                                                                        individuals_count=10))
    incidents.record_notice(ctx, incident_id, links[0], date(2026, 10, 2))
    assert incidents.incident(ctx, incident_id).deadlines.final is None  # not reportable
    data = IncidentInput("紛失", learned_on=date(2026, 10, 1), individuals_count=10, wrongful_purpose=True)
    incidents.update_incident(ctx, incident_id, 1, data)
    view = incidents.incident(ctx, incident_id)
    assert view.classification.reasons == (Reason.WRONGFUL,)
    assert view.deadlines.final == date(2026, 11, 30)  # day 60 from 10/2 = 11/30 (Monday)


def test_response_dates_and_closing(ctx):
    _, _, links = f.chain(ctx, 1)
    incident_id = incidents.record_incident(ctx, links[0], IncidentInput("x", learned_on=date(2026, 11, 10),
                                                                        sensitive=True))
    with pytest.raises(RuleViolation) as raised:
        incidents.update_response(ctx, incident_id, 1, ResponseInput(steps={"containment": date(2026, 11, 9)}))
    assert raised.value.problems[0].code == "error.incident.before_learning"
    incidents.update_response(ctx, incident_id, 1, ResponseInput(
        steps={"containment": date(2026, 11, 10)}, preliminary_filed_on=date(2026, 11, 12),
        closed_on=date(2026, 11, 20)))
    view = incidents.incident(ctx, incident_id)
    assert view.next_deadline is None
    assert [key for _, key, _ in view.timeline][-1] == "incident.event.closed"
    assert incidents.open_summary(ctx) == (0, None)


def test_only_privacy_officers_record_incidents(db_path):
    officer = context_for(db_path)
    _, _, links = f.chain(officer, 1)
    with pytest.raises(PermissionDenied):
        incidents.record_incident(context_for(db_path, Role.PROCUREMENT), links[0],
                                  IncidentInput("x", learned_on=officer.today))


def test_ending_a_mid_chain_link_asks_its_whole_sub_tree_and_no_more_for_certificates(ctx, db_path):
    business, parties, links = f.chain(ctx, 4)
    side = f.link(ctx, f.party(ctx, "別の再委託先"), parent=links[1])  # a second branch under tier 2
    other = f.link(ctx, f.party(ctx, "隣の再委託先"), parent=links[0])  # beside the ended link: untouched
    termination_id = terminations.end_engagement(ctx, links[1], date(2026, 11, 20), "契約満了")
    ended = {i for i in (*links, side, other) if engagements.get_engagement(ctx, i)["status"] == "ended"}
    assert ended == {links[1], links[2], links[3], side}
    (row,), _ = terminations.terminations(ctx)
    assert {c["engagement_id"] for c in row["certificates"]} == {links[1], links[2], links[3], side}
    assert schedule.due_page(ctx, engagement_id=links[3], limit=None)[1] == 0
    with pytest.raises(RuleViolation) as raised:
        terminations.close_termination(ctx, termination_id, 1)
    assert raised.value.problems[0].params == {"count": 4}
    for certificate in row["certificates"]:
        terminations.record_certificate(ctx, certificate["id"], certificate["version"], CERTIFICATE)
    terminations.close_termination(ctx, termination_id, 1)
    assert terminations.terminations(ctx)[1] == 0 and terminations.owed_count(ctx) == 0
    assert count(db_path, "deletion_certificates", "certificate_attachment_id IS NOT NULL") == 4


def test_closing_without_certificates_is_an_officers_decision_and_stays_visible(db_path):
    officer, buyer = context_for(db_path), context_for(db_path, Role.PROCUREMENT)
    _, _, links = f.chain(officer, 2)
    termination_id = terminations.end_engagement(buyer, links[0], officer.today)
    with pytest.raises(PermissionDenied):
        terminations.close_termination(buyer, termination_id, 1, "委託先が倒産")
    terminations.close_termination(officer, termination_id, 1, "委託先が倒産")
    assert [r["override_reason"] for r in terminations.closed_with_override(officer)] == ["委託先が倒産"]


def test_a_certificate_needs_its_facts_and_nothing_is_saved_without_them(ctx, db_path):
    _, _, links = f.chain(ctx, 1)
    terminations.end_engagement(ctx, links[0], ctx.today)
    (row,), _ = terminations.terminations(ctx)
    certificate = row["certificates"][0]
    with pytest.raises(RuleViolation) as raised:
        terminations.record_certificate(ctx, certificate["id"], 1, CertificateInput("", "burn", "", None))
    assert {p.field for p in raised.value.problems} == {"items", "method", "responsible_person", "done_on"}
    assert count(db_path, "deletion_certificates", "received_on IS NOT NULL") == 0


def test_the_registry_form_cannot_end_a_link_around_the_termination(ctx):
    _, _, links = f.chain(ctx, 1)
    data = to_input(engagements.get_engagement(ctx, links[0]))
    data.status = "ended"
    with pytest.raises(RuleViolation) as raised:
        engagements.update_engagement(ctx, links[0], engagements.get_engagement(ctx, links[0])["version"], data)
    assert raised.value.problems[0].code == "error.engagement.end_by_termination"
