from datetime import date

import numpy as np
import pytest

from tests import factories as f
from tests.conftest import context_for
from tracker.domain.clauses import Level
from tracker.domain.gaps import ContractTerms, GapKind, in_force
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services.gaps import GapFilter
from tracker.services import contracts, gaps
from tracker.services.catalogue import catalogue
from tracker.services.context import PermissionDenied
from tracker.services.contracts import ContractInput, CoverageEntry
from tracker.store import connection
from tracker.store import contract_queries as cq
from tracker.domain.problems import StaleRecord

EVERY_CLAUSE = [c.id for c in catalogue()]


def cover(ctx, link_id, clauses=EVERY_CLAUSE, status="covered", signed=date(2025, 4, 1), until=None, auto=False):
    contract_id = contracts.create_contract(ctx, link_id, ContractInput("業務委託契約", "master", signed, until, auto))
    contracts.record_coverage(ctx, contract_id, 1, {c: CoverageEntry(status, article="第5条") for c in clauses})
    return contract_id


def gap_ids(ctx, link_id):
    return {g.clause_id for g in gaps.engagement_gaps(ctx, link_id)}


def test_a_link_without_contract_has_every_required_clause_as_a_gap(ctx):
    _, _, [link] = f.chain(ctx, 1)
    found = gaps.engagement_gaps(ctx, link)
    assert {"confidentiality", "redelegation_approval", "deletion_certificate", "onsite_inspection",
            "breach_notification"} <= {g.clause_id for g in found}
    assert all(g.no_contract for g in found)


def test_recording_coverage_closes_gaps_and_keeps_the_clause_version(ctx, db_path):
    _, _, [link] = f.chain(ctx, 1)
    contract_id = cover(ctx, link)
    assert gap_ids(ctx, link) == set()
    with connection.reading(db_path) as db:
        entry = cq.coverage_of(db, contract_id)["confidentiality"]
    assert entry["clause_version"] == 1 and entry["article"] == "第5条"


def test_partial_coverage_stays_a_gap(ctx):
    _, _, [link] = f.chain(ctx, 1)
    contract_id = cover(ctx, link)
    contracts.record_coverage(ctx, contract_id, 2, {"deletion_certificate": CoverageEntry("partial")})
    [gap] = gaps.engagement_gaps(ctx, link)
    assert gap.clause_id == "deletion_certificate" and gap.kind == GapKind.PARTIAL


def test_an_expired_contract_no_longer_covers(ctx):
    _, _, [link] = f.chain(ctx, 1)
    cover(ctx, link, signed=date(2023, 4, 1), until=date(2026, 3, 31))
    assert "confidentiality" in gap_ids(ctx, link)
    cover(ctx, link, signed=date(2023, 4, 1), until=date(2026, 3, 31), auto=True)
    assert gap_ids(ctx, link) == set()


def test_coverage_is_the_union_over_contracts_in_force(ctx):
    _, _, [link] = f.chain(ctx, 1)
    half = len(EVERY_CLAUSE) // 2
    cover(ctx, link, EVERY_CLAUSE[:half])
    cover(ctx, link, EVERY_CLAUSE[half:])
    assert gap_ids(ctx, link) == set()


def test_sql_in_force_filter_agrees_with_the_domain_rule(ctx, db_path):
    _, _, [link] = f.chain(ctx, 1)
    cases = [(date(2025, 1, 1), None, False), (date(2025, 1, 1), date(2026, 11, 21), False),
             (date(2025, 1, 1), date(2026, 11, 22), False), (date(2025, 1, 1), date(2026, 1, 1), True),
             (None, None, False), (date(2026, 11, 23), None, False)]
    for signed, until, auto in cases:
        contracts.create_contract(ctx, link, ContractInput("c", "dpa", signed, until, auto))
    as_of = date(2026, 11, 22)
    with connection.reading(db_path) as db:
        rows = cq.contracts_of(db, link)
        sql = db.execute(f"SELECT c.id FROM contracts c WHERE {cq._IN_FORCE}", {"as_of": as_of.isoformat()}).fetchall()
    domain = {r["id"] for r in rows if in_force(ContractTerms(
        date.fromisoformat(r["signed_on"]) if r["signed_on"] else None,
        date.fromisoformat(r["valid_until"]) if r["valid_until"] else None, bool(r["auto_renewal"])), as_of)}
    assert {r[0] for r in sql} == domain and len(domain) == 3


def test_flow_down_gap_on_a_sub_processor(ctx):
    business_id = f.business(ctx)
    top = f.link(ctx, f.party(ctx, "A"), business_id=business_id, processing_countries=["JP"],
                 storage_countries=["SG"])
    sub = f.link(ctx, f.party(ctx, "B"), parent=top)
    cover(ctx, top)
    cover(ctx, sub, [c for c in EVERY_CLAUSE if c != "foreign_transfer"])
    [gap] = gaps.engagement_gaps(ctx, sub)
    assert (gap.clause_id, gap.kind, gap.required_by, gap.level) == ("foreign_transfer", GapKind.FLOW_DOWN, top, Level.MUST)
    [row] = [r for r in gaps.link_gaps_page(ctx, limit=500)[0] if r.link.id == sub]
    assert row.required_by == {top: "A"}


def test_registry_gaps_are_cached_until_the_next_change(ctx):
    _, _, [link] = f.chain(ctx, 1)
    first = gaps.registry_gaps(ctx)
    assert gaps.registry_gaps(ctx) is first
    cover(ctx, link)
    assert gaps.registry_gaps(ctx) is not first
    assert gaps.registry_gaps(ctx).analysis.links == []


def test_gaps_page_has_one_row_per_link_must_first_and_counts_what_the_filter_keeps(ctx):
    payroll = f.business(ctx, "給与")
    other = f.business(ctx, "その他")
    f.chain(ctx, 2, categories=("ordinary", "my_number"), business_id=payroll)
    f.chain(ctx, 1, business_id=other)
    rows, counted = gaps.link_gaps_page(ctx, GapFilter(business_id=payroll), limit=500)
    assert counted.links_with_gaps == len(rows) == len({r.link.id for r in rows}) > 0
    assert all(r.link.business_id == payroll for r in rows)
    assert counted.must == sum(1 for r in rows for g in r.gaps if g.level == Level.MUST)
    assert counted.should == sum(1 for r in rows for g in r.gaps if g.level == Level.SHOULD)
    everything = gaps.summary(ctx)
    assert counted.must < everything.must or counted.should < everything.should  # the other business is left out
    for row in rows:  # within a link: must-level first
        levels = [g.level for g in row.gaps]
        assert levels == sorted(levels, key=lambda lv: lv != Level.MUST)
    with_must = [bool(any(g.level == Level.MUST for g in r.gaps)) for r in rows]
    assert with_must == sorted(with_must, reverse=True)  # links with must-level gaps first
    must, must_counted = gaps.link_gaps_page(ctx, GapFilter(level="must"), limit=500)
    assert all(g.level == Level.MUST for r in must for g in r.gaps) and must_counted.should == 0
    tier2, _ = gaps.link_gaps_page(ctx, GapFilter(tier=2, clause_id="confidentiality"))
    assert [r.link.tier for r in tier2] == [2] and "confidentiality" in {g.clause_id for g in tier2[0].gaps}


def test_contract_rules_and_permissions(ctx, db_path):
    _, _, [link] = f.chain(ctx, 1)
    with pytest.raises(RuleViolation) as raised:
        contracts.create_contract(ctx, link, ContractInput("", "letter", date(2026, 4, 1), date(2026, 3, 1)))
    assert {p.field for p in raised.value.problems} == {"title", "kind", "valid_until"}
    with pytest.raises(PermissionDenied):
        contracts.create_contract(context_for(db_path, Role.MANAGER), link, ContractInput("c", "dpa"))
    assert contracts.create_contract(context_for(db_path, Role.PROCUREMENT), link, ContractInput("c", "dpa")) > 0


def test_stale_checklist_is_refused_and_keeps_the_other_save(ctx):
    _, _, [link] = f.chain(ctx, 1)
    contract_id = contracts.create_contract(ctx, link, ContractInput("c", "dpa", date(2025, 1, 1)))
    contracts.record_coverage(ctx, contract_id, 1, {"confidentiality": CoverageEntry("covered")})
    with pytest.raises(StaleRecord):
        contracts.record_coverage(ctx, contract_id, 1, {"confidentiality": CoverageEntry("not_covered")})
    assert contracts.coverage_of(ctx, contract_id)["confidentiality"]["status"] == "covered"


def test_unknown_clause_is_refused_and_nothing_saved(ctx):
    _, _, [link] = f.chain(ctx, 1)
    contract_id = contracts.create_contract(ctx, link, ContractInput("c", "dpa", date(2025, 1, 1)))
    with pytest.raises(RuleViolation):
        contracts.record_coverage(ctx, contract_id, 1, {"confidentiality": CoverageEntry("covered"),
                                                         "no_such_clause": CoverageEntry("covered")})
    assert contracts.coverage_of(ctx, contract_id) == {}


def test_contract_masks_always_equal_its_coverage_entries(ctx, db_path):
    from tracker.store import coverage_masks

    _, _, [link] = f.chain(ctx, 1)
    contract_id = cover(ctx, link, ["confidentiality", "copy_restriction"])
    contracts.record_coverage(ctx, contract_id, 2, {"copy_restriction": CoverageEntry("partial"),
                                                     "governing_law": CoverageEntry("covered"),
                                                     "confidentiality": CoverageEntry(None)})
    with connection.reading(db_path) as db:
        bits = coverage_masks.clause_bits(db)
        covered, partial = db.execute("SELECT covered_mask, partial_mask FROM contracts WHERE id = ?",
                                      [contract_id]).fetchone()
    assert covered == 1 << bits["governing_law"] and partial == 1 << bits["copy_restriction"]


def test_a_newer_revision_replaces_the_cached_result_instead_of_sitting_beside_it(ctx):
    from tracker.services import revision_cache
    _, _, [link] = f.chain(ctx, 1)
    revision_cache.clear()
    first = gaps.registry_gaps(ctx)
    cover(ctx, link)
    second = gaps.registry_gaps(ctx)
    assert second is not first
    held = [v for k, v in revision_cache._cache.items() if k[0] == str(ctx.db_path) and k[2] == "registry_gaps"]
    assert [result for _, result in held] == [second]  # the old revision's gaps are let go


def test_results_of_an_older_revision_under_other_filters_are_let_go_when_a_newer_one_is_made(ctx):
    # the Gaps screen caches one result per filter, each holding the whole analysis: after a save,
    # the first filter recomputed must not leave the others' old analyses alive beside it
    from tracker.services import revision_cache
    from tracker.services.gaps import GapFilter
    _, _, [link] = f.chain(ctx, 1)
    revision_cache.clear()
    for level in ("must", "should", ""):
        gaps.link_gaps_page(ctx, GapFilter(level=level))
    cover(ctx, link)
    gaps.link_gaps_page(ctx, GapFilter(level="must"))
    held = [k for k in revision_cache._cache if k[0] == str(ctx.db_path) and k[2] == "gaps_filtered"]
    assert len(held) == 1


def test_the_gaps_are_recomputed_when_what_they_are_read_from_changes_and_only_then(ctx):
    from tracker.services import businesses
    _, _, [link] = f.chain(ctx, 1)
    first = gaps.registry_gaps(ctx)
    business = businesses.list_businesses(ctx)[0]
    businesses.update_business(ctx, business["id"], business["version"], business["name"],
                               business["owner_department"], "説明だけ変えた")
    assert gaps.registry_gaps(ctx) is first  # a business's description is not a fact of any gap
    cover(ctx, link)  # a contract's checklist is
    assert gaps.registry_gaps(ctx) is not first
    assert gaps.registry_gaps(ctx).analysis.links == []


def test_sessions_asking_at_once_for_the_same_result_compute_it_once(ctx):
    import threading
    import time

    from tracker.services import revision_cache
    revision_cache.clear()
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    results = []
    threads = [threading.Thread(target=lambda: results.append(revision_cache.per_revision(ctx, "slow", slow)))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42] * 5 and len(calls) == 1


def test_the_row_of_each_contracts_link_is_found_whatever_the_order_and_missing_ones_are_left_out():
    ids = np.array([5, 2, 9, 7], np.int64)  # the links' rows, in no particular order
    wanted = np.array([9, 3, 2, 100, 5, 7, 0, 9], np.int64)  # contracts' links: unknown, past the end, twice
    assert gaps._rows_of(ids, wanted).tolist() == [2, -1, 1, -1, 0, 3, -1, 2]


def _read_afresh(ctx):
    from tracker.services import revision_cache
    revision_cache.clear()
    return gaps.registry_gaps(ctx)


def _assert_same_gaps(kept, fresh):
    for column in ("ids", "covered", "partial", "has_contract"):
        assert getattr(kept.facts, column).tolist() == getattr(fresh.facts, column).tolist(), column
    assert kept.analysis.links == fresh.analysis.links


def test_after_contracts_are_saved_the_coverage_read_for_those_links_alone_gives_what_a_full_read_gives(
        demo_ctx, monkeypatch):
    from tracker.services import engagements
    ctx = demo_ctx
    gaps.registry_gaps(ctx)
    read_for, real = [], cq.contract_masks_in_force
    monkeypatch.setattr(cq, "contract_masks_in_force",
                        lambda db, as_of, ids=None: read_for.append(ids) or real(db, as_of, ids))
    links, _ = engagements.search_engagements(ctx, limit=500)
    open_links = [r["id"] for r in links if r["status"] != "ended"]
    with_contract = next(i for i in open_links if contracts.contracts_of(ctx, i))
    without = next(i for i in open_links if not contracts.contracts_of(ctx, i))
    steps = [
        lambda: cover(ctx, with_contract, ["confidentiality"], status="partial"),  # a checklist: partial
        lambda: cover(ctx, without),  # a first contract: the link now has one, every clause covered
        lambda: _expire(ctx, without),  # its contract ended before today: not in force any more
    ]
    for step in steps:
        step()
        read_for.clear()
        kept = gaps.registry_gaps(ctx)
        assert read_for and all(ids is not None and len(ids) == 1 for ids in read_for)  # one link's contracts
        _assert_same_gaps(kept, _read_afresh(ctx))


def _expire(ctx, link_id):
    row = contracts.contracts_of(ctx, link_id)[0]
    contracts.update_contract(ctx, row["id"], row["version"],
                              ContractInput(row["title"], row["kind"], date(2024, 1, 1), date(2024, 12, 31)))


def test_changes_older_than_those_kept_or_new_clause_bits_read_every_contract_again(demo_ctx, monkeypatch):
    from tracker.services import engagements
    from tracker.store import migrations
    ctx = demo_ctx
    gaps.registry_gaps(ctx)
    monkeypatch.setattr(migrations, "CONTRACT_CHANGES_KEPT", 4)  # as if the changes of two revisions were too old
    read_for, real = [], cq.contract_masks_in_force
    monkeypatch.setattr(cq, "contract_masks_in_force",
                        lambda db, as_of, ids=None: read_for.append(ids) or real(db, as_of, ids))
    links, _ = engagements.search_engagements(ctx, limit=500)
    first, second = [r["id"] for r in links if r["status"] != "ended"][:2]
    cover(ctx, first, ["confidentiality"])  # two revisions of the contracts: a contract, then its checklist
    kept = gaps.registry_gaps(ctx)
    assert read_for == [None]  # every contract read again
    _assert_same_gaps(kept, _read_afresh(ctx))
    monkeypatch.setattr(migrations, "CONTRACT_CHANGES_KEPT", 1000)
    gaps.registry_gaps(ctx)
    with connection.writing(ctx.db_path) as db:  # a clause given a stable bit of its own
        db.execute("INSERT INTO clause_bits(clause_id, bit) VALUES ('a_clause_of_tomorrow', 60)")
        connection.touch(db, "clause_bits")
    cover(ctx, second, ["confidentiality"])
    read_for.clear()
    _assert_same_gaps(gaps.registry_gaps(ctx), _read_afresh(ctx))
    assert read_for[0] is None
