import sqlite3

import pytest

from tracker.store import connection, migrations
from tracker.store.records import StaleRecord, insert, update


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
    with pytest.raises(sqlite3.IntegrityError):
        with connection.writing(db_path) as db:
            insert(db, "parties", {"name": "A", "parent_party_id": 999}, "t")


def test_a_failed_write_leaves_nothing_behind(db_path):
    with pytest.raises(RuntimeError):
        with connection.writing(db_path) as db:
            insert(db, "parties", {"name": "half-written"}, "t")
            raise RuntimeError("boom")
    with connection.reading(db_path) as db:
        assert db.execute("SELECT count(*) FROM parties").fetchone()[0] == 0


def test_update_refuses_a_stale_version_and_keeps_the_newer_value(db_path):
    with connection.writing(db_path) as db:
        party_id = insert(db, "parties", {"name": "A"}, "alice")
    with connection.writing(db_path) as db:
        update(db, "parties", party_id, 1, {"name": "B"}, "alice")
    with pytest.raises(StaleRecord) as raised:
        with connection.writing(db_path) as db:
            update(db, "parties", party_id, 1, {"name": "C"}, "bob")
    assert raised.value.current["name"] == "B" and raised.value.current["updated_by"] == "alice"
    with connection.reading(db_path) as db:
        row = db.execute("SELECT name, version FROM parties").fetchone()
    assert row == ("B", 2)


def test_schema_refuses_a_tier_that_contradicts_the_parent(db_path):
    with connection.writing(db_path) as db:
        b = insert(db, "businesses", {"name": "b", "owner_department": "d"}, "t")
        p = insert(db, "parties", {"name": "p"}, "t")
    with pytest.raises(sqlite3.IntegrityError):
        with connection.writing(db_path) as db:
            insert(db, "engagements", {"business_id": b, "entrustee_party_id": p, "tier": 2, "path_key": "x",
                                       "work": "w", "data_categories": "[]", "status": "active"}, "t")
