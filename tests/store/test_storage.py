import sqlite3

import pytest

from tracker.store import connection, migrations
from tracker.domain.problems import StaleRecord
from tracker.store.records import insert, update


def test_migrate_creates_the_schema_in_wal_mode(db_path):
    with connection.reading(db_path) as db:
        assert {"parties", "businesses", "engagements", "approvals", "settings"} <= set(db.table_names())
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == connection.BUSY_TIMEOUT_MS
    assert migrations.pending(db_path) == []


def test_migrating_again_keeps_the_data(db_path):
    with connection.writing(db_path) as db:
        insert(db, "parties", {"name": "残るべき会社"}, "t")
    migrations.migrate(db_path)
    with connection.reading(db_path) as db:
        assert [r["name"] for r in db.query("SELECT name FROM parties")] == ["残るべき会社"]


def test_foreign_keys_are_enforced(db_path):
    with pytest.raises(sqlite3.IntegrityError), connection.writing(db_path) as db:
        insert(db, "parties", {"name": "A", "parent_party_id": 999}, "t")


def test_a_failed_write_leaves_nothing_behind(db_path):
    with pytest.raises(RuntimeError), connection.writing(db_path) as db:  # noqa: PT012 - the write fails inside
        insert(db, "parties", {"name": "half-written"}, "t")
        raise RuntimeError("boom")
    with connection.reading(db_path) as db:
        assert db.execute("SELECT count(*) FROM parties").fetchone()[0] == 0


def test_update_refuses_a_stale_version_and_keeps_the_newer_value(db_path):
    with connection.writing(db_path) as db:
        party_id = insert(db, "parties", {"name": "A"}, "alice")
    with connection.writing(db_path) as db:
        update(db, "parties", party_id, 1, {"name": "B"}, "alice")
    with pytest.raises(StaleRecord) as raised, connection.writing(db_path) as db:
        update(db, "parties", party_id, 1, {"name": "C"}, "bob")
    assert raised.value.current["name"] == "B" and raised.value.current["updated_by"] == "alice"
    with connection.reading(db_path) as db:
        row = db.execute("SELECT name, version FROM parties").fetchone()
    assert row == ("B", 2)


def test_schema_refuses_a_tier_that_contradicts_the_parent(db_path):
    with connection.writing(db_path) as db:
        b = insert(db, "businesses", {"name": "b", "owner_department": "d"}, "t")
        p = insert(db, "parties", {"name": "p"}, "t")
    with pytest.raises(sqlite3.IntegrityError), connection.writing(db_path) as db:
        insert(db, "engagements", {"business_id": b, "entrustee_party_id": p, "tier": 2, "path_key": "x",
                                   "work": "w", "data_categories": "[]", "status": "active"}, "t")


def test_a_database_from_before_coverage_masks_upgrades_without_losing_data(tmp_path):
    """An older database (migrations up to 002) gets migration 003, its masks filled from the
    coverage entries it already had."""
    path = tmp_path / "old.db"
    db = connection.connect(path)
    migrations.migrations.apply(db, stop_before="m003_coverage_masks")
    def insert(db, table, values, _user):  # the old schema: no audit trail yet, plain rows
        stamps = {"created_at": "2025-01-01", "created_by": "t", "updated_at": "2025-01-01", "updated_by": "t"}
        return db[table].insert({**values, **stamps}).last_pk

    with db.atomic():
        b = insert(db, "businesses", {"name": "b", "owner_department": "d"}, "t")
        p = insert(db, "parties", {"name": "p"}, "t")
        e = insert(db, "engagements", {"business_id": b, "entrustee_party_id": p, "tier": 1, "path_key": "0000000001",
                                       "work": "w", "data_categories": '["ordinary"]', "status": "active"}, "t")
        c = insert(db, "contracts", {"engagement_id": e, "title": "c", "kind": "dpa", "signed_on": "2025-01-01"}, "t")
        for clause_id, status in (("confidentiality", "covered"), ("copy_restriction", "partial"),
                                  ("governing_law", "not_covered")):
            insert(db, "clause_coverage", {"contract_id": c, "clause_id": clause_id, "clause_version": 1,
                                           "status": status}, "t")
    db.close()
    migrations.migrate(path)
    with connection.reading(path) as db:
        bits = dict(db.execute("SELECT clause_id, bit FROM clause_bits").fetchall())
        covered, partial = db.execute("SELECT covered_mask, partial_mask FROM contracts").fetchone()
        assert db.execute("SELECT count(*) FROM clause_coverage").fetchone()[0] == 3
    assert covered == 1 << bits["confidentiality"] and partial == 1 << bits["copy_restriction"]


def test_a_step_undone_inside_a_transaction_leaves_an_unbroken_audit_trail(db_path):
    from tracker.services.audit import verify_chain
    with connection.writing(db_path) as db:
        insert(db, "businesses", {"name": "一つ目", "owner_department": "総務部"}, "tester")
        with pytest.raises(RuntimeError), connection.savepoint(db):  # noqa: PT012 - the write fails inside
            insert(db, "businesses", {"name": "取り消される", "owner_department": "総務部"}, "tester")
            raise RuntimeError("this row fails")
        insert(db, "businesses", {"name": "三つ目", "owner_department": "総務部"}, "tester")
    broken, checked = verify_chain(db_path)
    assert broken is None and checked >= 2
    with connection.reading(db_path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM businesses ORDER BY id")]
        audited = db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'businesses'").fetchone()[0]
    assert names == ["一つ目", "三つ目"] and audited == 2


def test_the_coverage_mask_migration_gives_what_the_live_code_computes(tmp_path):
    # a database of the time before m003, holding contracts with coverage: the migration (frozen, no
    # live code) must leave the masks the live code would compute from the same rows
    from tracker.store import coverage_masks

    db = connection.connect(tmp_path / "old.db")
    migrations.migrations.apply(db, stop_before="m003_coverage_masks")
    stamp = ["2024-01-01", "t", "2024-01-01", "t"]
    with db.conn:
        db.execute("INSERT INTO parties(id, name, created_at, created_by, updated_at, updated_by) "
                   "VALUES (1, 'A', ?, ?, ?, ?)", stamp)
        db.execute("INSERT INTO businesses(id, name, owner_department, created_at, created_by, updated_at, updated_by) "
                   "VALUES (1, 'B', 'D', ?, ?, ?, ?)", stamp)
        db.execute("INSERT INTO engagements(id, business_id, entrustee_party_id, tier, path_key, work, data_categories, "
                   "status, created_at, created_by, updated_at, updated_by) "
                   "VALUES (1, 1, 1, 1, '1', 'W', '[]', 'active', ?, ?, ?, ?)", stamp)
        coverage = {1: {"confidentiality": "covered", "breach_notification": "partial", "audit": "not_covered"},
                    2: {"breach_notification": "covered", "deletion": "covered"}, 3: {}}
        for contract_id, entries in coverage.items():
            db.execute("INSERT INTO contracts(id, engagement_id, title, kind, created_at, created_by, updated_at, "
                       "updated_by) VALUES (?, 1, 'C', 'dpa', ?, ?, ?, ?)", [contract_id, *stamp])
            for clause_id, status in entries.items():
                db.execute("INSERT INTO clause_coverage(contract_id, clause_id, clause_version, status, created_at, "
                           "created_by, updated_at, updated_by) VALUES (?, ?, 1, ?, ?, ?, ?, ?)",
                           [contract_id, clause_id, status, *stamp])
    migrations.migrations.apply(db)
    migrated = dict((r[0], r[1:]) for r in db.execute("SELECT id, covered_mask, partial_mask FROM contracts"))
    bits = coverage_masks.clause_bits(db)
    assert migrated[3] == (0, 0)
    for contract_id, entries in coverage.items():
        for status, mask in zip(("covered", "partial"), migrated[contract_id], strict=True):
            assert {c for c, bit in bits.items() if mask >> bit & 1} == {c for c, s in entries.items() if s == status}
    with db.conn:
        for contract_id in coverage:
            coverage_masks.refresh_contract_masks(db, contract_id)
    assert dict((r[0], r[1:]) for r in db.execute("SELECT id, covered_mask, partial_mask FROM contracts")) == migrated
    db.close()
