"""The gap engine reads every open link as columns; the three JSON list columns come back coded
(few distinct texts), and each link's codes decode to exactly what is stored for it."""

from __future__ import annotations

import json

from tracker.store import contract_queries as cq


def test_each_open_link_decodes_to_its_own_stored_lists(demo_ctx):
    with demo_ctx.read() as db:
        columns = cq.link_fact_columns(db)
        stored = {r["id"]: r for r in db.query("SELECT id, data_categories, processing_countries, storage_countries "
                                                "FROM engagements WHERE status <> 'ended'")}
    assert sorted(columns.ids.tolist()) == sorted(stored)
    for i, link_id in enumerate(columns.ids.tolist()):
        for column, name in (("categories", "data_categories"), ("processing", "processing_countries"),
                             ("storage", "storage_countries")):
            assert list(columns.listed(column, i)) == json.loads(stored[link_id][name])
    assert len(columns.categories.texts) == len({r["data_categories"] for r in stored.values()}) > 1
    assert len(columns.categories.texts) < len(stored)  # coded: each distinct text once


def test_a_few_links_read_alone_keep_their_own_codes(demo_ctx):
    with demo_ctx.read() as db:
        every = cq.link_fact_columns(db)
        chosen = every.ids[::3].tolist()
        few = cq.link_fact_columns(db, chosen)
    assert sorted(few.ids.tolist()) == sorted(chosen)
    position = {link_id: i for i, link_id in enumerate(every.ids.tolist())}
    for i, link_id in enumerate(few.ids.tolist()):
        assert few.listed("categories", i) == every.listed("categories", position[link_id])
