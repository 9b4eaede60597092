from datetime import date
from pathlib import Path

import pytest

from tracker.domain.clauses import Level, LinkTraits, load_catalogue
from tracker.domain.gaps import (
    ContractTerms, Coverage, GapAnalysis, GapKind, LinkFacts, compute_gaps, in_force, masks, needs_of, union,
)
from tracker.domain.models import DataCategory as C

CATALOGUE = load_catalogue(Path(__file__).resolve().parents[2] / "contract_clauses")
ALL = {c.id: Coverage.COVERED for c in CATALOGUE}


def link(id_, parent=None, tier=1, categories=(C.ORDINARY,), countries=("JP",), children=False,
         coverage=None, has_contract=True):
    covered, partial = masks(CATALOGUE, ALL if coverage is None else coverage)
    return LinkFacts(id_, parent, tier, LinkTraits(frozenset(categories), frozenset(countries), tier, children),
                     covered, partial, has_contract)


def gaps_of(gaps, link_id):
    return {g.clause_id: g for g in gaps if g.engagement_id == link_id}


def test_no_contract_means_every_required_clause_is_a_gap():
    gaps = compute_gaps(CATALOGUE, [link(1, coverage={}, has_contract=False)])
    assert {"confidentiality", "breach_notification", "onsite_inspection"} <= set(gaps_of(gaps, 1))
    assert all(g.no_contract and g.kind == GapKind.MISSING for g in gaps)


def test_fully_covered_link_has_no_gap():
    assert compute_gaps(CATALOGUE, [link(1)]) == []


def test_partial_coverage_is_a_gap_of_its_own_kind():
    coverage = ALL | {"deletion_certificate": Coverage.PARTIAL, "copy_restriction": Coverage.NOT_COVERED}
    found = gaps_of(compute_gaps(CATALOGUE, [link(1, coverage=coverage)]), 1)
    assert found["deletion_certificate"].kind == GapKind.PARTIAL
    assert found["copy_restriction"].kind == GapKind.MISSING
    assert set(found) == {"deletion_certificate", "copy_restriction"}


def test_flow_down_over_four_tiers_names_the_link_that_requires_it():
    # tier 1 stores data in Singapore: foreign_transfer is required there and flows down to all below
    chain = [
        link(1, tier=1, countries=("JP", "SG"), children=True),
        link(2, parent=1, tier=2, children=True, coverage=ALL),
        link(3, parent=2, tier=3, children=True, coverage={k: v for k, v in ALL.items() if k != "foreign_transfer"}),
        link(4, parent=3, tier=4, coverage={k: v for k, v in ALL.items() if k != "foreign_transfer"}),
    ]
    gaps = compute_gaps(CATALOGUE, reversed(chain))  # any input order
    assert gaps_of(gaps, 1) == {} and gaps_of(gaps, 2) == {}
    for tier in (3, 4):
        gap = gaps_of(gaps, tier)["foreign_transfer"]
        assert gap.kind == GapKind.FLOW_DOWN and gap.required_by == 1 and gap.level == Level.MUST


def test_flow_down_keeps_the_stricter_level_of_the_parent():
    parent = link(1, categories=(C.ORDINARY, C.MY_NUMBER), children=True)
    child = link(2, parent=1, tier=2, coverage={k: v for k, v in ALL.items() if k != "confidentiality"})
    gap = gaps_of(compute_gaps(CATALOGUE, [parent, child]), 2)["confidentiality"]
    assert gap.level == Level.MUST and gap.kind == GapKind.FLOW_DOWN and gap.required_by == 1


def test_own_requirement_is_not_called_flow_down():
    parent = link(1, children=True)
    child = link(2, parent=1, tier=2, coverage={})
    gap = gaps_of(compute_gaps(CATALOGUE, [parent, child]), 2)["confidentiality"]
    assert gap.kind == GapKind.MISSING and gap.required_by == 2


def test_severity_order_must_first_then_deeper_my_number_chains():
    links = [
        link(1, coverage={}),
        link(2, categories=(C.ORDINARY, C.MY_NUMBER), coverage={}, children=True),
        link(3, parent=2, tier=2, categories=(C.MY_NUMBER,), coverage={}),
    ]
    ordered = compute_gaps(CATALOGUE, links)  # most severe first
    assert ordered[0].level == Level.MUST and ordered[0].engagement_id == 3
    levels = [g.level for g in ordered]
    assert levels == sorted(levels, key=lambda level: level != Level.MUST)
    should = [g for g in ordered if g.level == Level.SHOULD]
    assert [g.my_number for g in should] == sorted((g.my_number for g in should), reverse=True)


@pytest.mark.parametrize(("terms", "expected"), [
    (ContractTerms(date(2025, 4, 1), date(2027, 3, 31), False), True),
    (ContractTerms(date(2025, 4, 1), None, False), True),
    (ContractTerms(date(2024, 4, 1), date(2026, 3, 31), False), False),  # expired
    (ContractTerms(date(2024, 4, 1), date(2026, 3, 31), True), True),  # expired but renews itself
    (ContractTerms(None, None, False), False),  # not signed yet
    (ContractTerms(date(2026, 12, 1), None, False), False),  # signed in the future
    (ContractTerms(date(2026, 11, 22), date(2026, 11, 22), False), True),  # both ends inclusive
])
def test_contract_in_force(terms, expected):
    assert in_force(terms, date(2026, 11, 22)) is expected


def test_union_takes_the_best_status_per_clause():
    first, second, third = (masks(CATALOGUE, c) for c in (
        {"confidentiality": Coverage.PARTIAL, "copy_restriction": Coverage.NOT_COVERED},
        {"confidentiality": Coverage.COVERED}, {"copy_restriction": Coverage.PARTIAL}))
    assert union([first, second, third]) == masks(CATALOGUE, {"confidentiality": Coverage.COVERED,
                                                             "copy_restriction": Coverage.PARTIAL})


def test_needs_of_a_link_list_own_and_inherited_requirements():
    chain = [link(1, countries=("JP", "SG"), children=True), link(2, parent=1, tier=2)]
    needs = needs_of(CATALOGUE, chain, 2)
    assert needs["foreign_transfer"].origin == 1 and needs["foreign_transfer"].requirement.level == Level.MUST
    assert needs["confidentiality"].origin == 2
    assert "subprocessor_oversight" in needs_of(CATALOGUE, chain, 1) and "subprocessor_oversight" in needs


def test_counts_match_the_gaps_and_filters():
    links = [link(1, coverage={}, has_contract=False, children=True),
             link(2, parent=1, tier=2, categories=(C.ORDINARY,),
                  coverage={"confidentiality": Coverage.PARTIAL})]
    analysis = GapAnalysis(CATALOGUE, links)
    every = list(analysis.gaps())
    assert analysis.count() == len(every) > 0
    bit = [c.id for c in CATALOGUE].index("confidentiality")
    only = list(analysis.gaps(clause_bit=bit))
    assert analysis.count(clause_bit=bit) == len(only) == 2 and {g.clause_id for g in only} == {"confidentiality"}
    assert [g.kind for g in analysis.of_link(2) if g.clause_id == "confidentiality"] == [GapKind.PARTIAL]
    assert analysis.count(level=Level.MUST) == 0 and analysis.count(level=Level.SHOULD) == len(every)


def test_the_array_walk_agrees_with_a_link_by_link_reference_on_random_chains():
    """The engine walks columns a tier at a time; a plain walk up each link's path must agree."""
    import random

    from tracker.domain.clauses import requirements

    rng = random.Random(2026)
    position = {c.id: b for b, c in enumerate(CATALOGUE)}
    kinds = [C.ORDINARY, C.SENSITIVE, C.MY_NUMBER, C.PAYMENT]
    links, by_id = [], {}
    for id_ in range(1, 400):
        parent = rng.choice([None, *by_id]) if by_id and rng.random() < 0.7 else None
        tier = by_id[parent].tier + 1 if parent else 1
        coverage = {c.id: rng.choice(list(Coverage)) for c in CATALOGUE if rng.random() < 0.6}
        made = link(id_, parent, tier, categories=rng.sample(kinds, rng.randint(1, 2)),
                    countries=rng.choice([("JP",), ("JP", "SG")]), children=rng.random() < 0.3,
                    coverage=coverage, has_contract=rng.random() < 0.9)
        links.append(made)
        by_id[id_] = made
    rng.shuffle(links)  # any input order

    def own(facts):
        found = {position[cid]: r.level for cid, r in requirements(CATALOGUE, facts.traits).items()}
        return (sum(1 << b for b, lv in found.items() if lv == Level.MUST),
                sum(1 << b for b, lv in found.items() if lv == Level.SHOULD))

    def effective(facts):
        must, should = own(facts)
        if facts.parent_id is not None:
            parent_must, parent_should = effective(by_id[facts.parent_id])
            must |= parent_must
            should |= parent_should
        return must, should & ~must

    analysis = GapAnalysis(CATALOGUE, links)
    for facts in by_id.values():
        must, should = effective(facts)
        missing = (must | should) & ~facts.covered
        found = analysis.by_id.get(facts.id)
        if not missing:
            assert found is None
            continue
        own_must, own_should = own(facts)
        parent_must = effective(by_id[facts.parent_id])[0] if facts.parent_id is not None else 0
        origin = own_must | (own_should & ~parent_must)
        partial = missing & facts.partial
        assert (found.must, found.should, found.partial, found.flow_down, found.no_contract) == (
            must & missing, should & missing, partial, missing & ~origin & ~partial, not facts.has_contract)


def test_one_walk_of_the_links_serves_the_analysis_of_any_coverage():
    """A contract saved changes the coverage only: the requirements walked for the links before it
    give the same gaps as a walk made afresh."""
    from tracker.domain.gaps import LinkTable, RequirementWalk

    chain = [link(1, countries=("JP", "SG"), children=True, coverage={}),
             link(2, parent=1, tier=2, categories=(C.MY_NUMBER,), coverage={"confidentiality": Coverage.PARTIAL})]
    before = LinkTable.of(chain)
    walk = RequirementWalk(CATALOGUE, before)
    after = LinkTable.of([chain[0], link(2, parent=1, tier=2, categories=(C.MY_NUMBER,),
                                         coverage={c.id: Coverage.COVERED for c in CATALOGUE})])
    reused, fresh = GapAnalysis(CATALOGUE, after, walk), GapAnalysis(CATALOGUE, after)
    assert [(g.engagement_id, g.clause_id, g.kind) for g in reused.gaps()] == \
        [(g.engagement_id, g.clause_id, g.kind) for g in fresh.gaps()]
    assert reused.of_link(2) == [] and len(GapAnalysis(CATALOGUE, before, walk).of_link(2)) > 0
