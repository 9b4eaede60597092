"""The benchmark's synthetic registry obeys the registry's rules and is reproducible."""

import json

from tests.conftest import context_for
from tracker.domain.chain import ids_in_path
from tracker.services import gaps, synthetic
from tracker.store import connection, due_items


def rows(path, sql):
    with connection.reading(path) as db:
        return db.execute(sql).fetchall()


def test_a_small_synthetic_registry_keeps_the_chain_rules(tmp_path):
    path = tmp_path / "s.db"
    counts = synthetic.build(path, 300, seed=7)
    links = {r[0]: r for r in rows(path, "SELECT id, parent_engagement_id, tier, path_key, entrustee_party_id, "
                                         "data_categories, status, entruster_party_id FROM engagements")}
    assert counts["engagements"] == len(links) == 300 * synthetic.ENGAGEMENTS_PER_PARTY
    assert {r[2] for r in links.values()} <= set(range(1, synthetic.MAX_TIER + 1)) and max(r[2] for r in links.values()) >= 3
    for link_id, parent, tier, key, _party, categories, status, entruster in links.values():
        path_ids = ids_in_path(key)
        assert path_ids[-1] == link_id and len(path_ids) == tier
        assert len({links[i][4] for i in path_ids}) == tier  # a party once per path
        if parent:
            assert links[parent][2] == tier - 1 and entruster == links[parent][4]
            assert set(json.loads(categories)) <= set(json.loads(links[parent][5]))
            assert status != "active" or links[parent][6] == "active"
    shared = rows(path, "SELECT entrustee_party_id, count(*) FROM engagements GROUP BY 1 ORDER BY 2 DESC LIMIT 1")[0]
    assert shared[1] >= 20  # the long tail: one sub-processor in many chains
    assert gaps.summary(context_for(path)).must + gaps.summary(context_for(path)).should > 0


def test_the_same_seed_builds_the_same_registry_and_the_schedule_matches_a_rebuild(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    synthetic.build(first, 100, seed=11)
    synthetic.build(second, 100, seed=11)
    query = "SELECT id, business_id, parent_engagement_id, entrustee_party_id, work, status FROM engagements ORDER BY id"
    assert rows(first, query) == rows(second, query)
    snapshot = "SELECT kind, ref_id, engagement_id, due_on FROM due_items ORDER BY 1, 2, 3, 4"
    kept = rows(first, snapshot)
    with connection.writing(first) as db:
        due_items.rebuild_all(db)
    assert rows(first, snapshot) == kept
