"""One sub-processor, many chains (issue 30, point 1): a printing house that serves three businesses
at tiers 1, 2 and 3, seen from the printing house."""

from __future__ import annotations

from tests import factories as f
from tracker.services import approvals, concentration
from tests.conftest import TODAY


def test_every_chain_the_printer_is_in_by_business_with_its_data_and_approvals(ctx):
    printer, (payroll, mailing, campaign), third = f.printing_house(ctx)
    seen = concentration.of_party(ctx, printer)
    by_business = {b.business_id: b for b in seen.businesses}
    assert set(by_business) == {payroll, mailing, campaign}
    assert by_business[payroll].tiers == (1, 1) and by_business[payroll].my_number
    assert not by_business[mailing].my_number and by_business[mailing].countries == ("JP", "SG")
    assert by_business[campaign].tiers == (3, 3) and by_business[campaign].sensitive
    assert seen.individuals == 1200 + 50000 + 300  # each business once
    assert (by_business[mailing].needing_approval, by_business[mailing].approved) == (1, 0)
    assert seen.unapproved == 2
    link = approvals.approval_queue(ctx, limit=100)[0]
    mailing_link = next(x for x in link if x.business_id == mailing)
    approvals.decide_redelegation(ctx, mailing_link.id, mailing_link.approval_version, "approved", TODAY)
    assert concentration.of_party(ctx, printer).unapproved == 1
    assert all(b.with_gaps == b.links for b in seen.businesses)  # no contract recorded anywhere yet
    # legally required: My Number's clauses (payroll), the foreign storage's (mailing); not the campaign's
    assert [by_business[b].with_must_gaps for b in (payroll, mailing, campaign)] == [1, 1, 0]


def test_the_sub_processors_most_chains_depend_on(ctx):
    printer, _, _ = f.printing_house(ctx)
    top = concentration.most_depended_on(ctx)
    assert top[0]["party_id"] == printer and top[0]["businesses"] == 2 and top[0]["links"] == 2  # tiers 2 and 3
    assert all(row["businesses"] >= 2 for row in top)


def test_the_report_lists_the_companies_several_businesses_depend_on(ctx):
    import io

    import openpyxl

    from tracker.services import reports
    from tracker.services.reports import ReportFilter

    f.printing_house(ctx)
    out = io.BytesIO()
    reports.write_report(ctx, out, ReportFilter(), "en")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Shared sub-processors"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    assert [r[:5] for r in rows] == [("株式会社共同印刷サービス", None, 3, 3, "1–3")]
    (row,) = rows
    assert row[5] == "Yes" and row[6] == "Yes" and row[7] == 1200 + 50000 + 300
    assert row[8] == "Japan, Singapore" and row[9] == "0 / 2" and row[10] == "0 / 3"


def test_every_link_of_a_company_ended_at_once_one_termination_per_chain(ctx):
    import pytest

    from tracker.domain.problems import RuleViolation
    from tracker.services import engagements, terminations

    printer, _, third = f.printing_house(ctx)
    with pytest.raises(RuleViolation) as refused:  # in a hurry: no reason, the name not typed again
        terminations.end_party(ctx, printer, TODAY, "", "共同印刷")
    assert {p.field for p in refused.value.problems} == {"reason", "confirmed_name"}
    assert concentration.of_party(ctx, printer).links == 3  # nothing ended
    made = terminations.end_party(ctx, printer, TODAY, "委託先の事業撤退", "株式会社共同印刷サービス")
    assert len(made) == 3  # one per chain
    assert concentration.of_party(ctx, printer).businesses == []
    assert engagements.get_engagement(ctx, third)["status"] == "ended"
    rows, _ = terminations.terminations(ctx)
    assert sorted(len(t["certificates"]) for t in rows if t["id"] in made) == [1, 1, 1]
    with pytest.raises(RuleViolation) as again:
        terminations.end_party(ctx, printer, TODAY, "再実行", "株式会社共同印刷サービス")
    assert [p.code for p in again.value.problems] == ["error.termination.nothing_open"]
