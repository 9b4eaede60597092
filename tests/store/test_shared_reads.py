"""A page run's or API request's reads share one connection and still see every commit made before them."""

import contextvars
import threading

from tracker.domain.party_rules import PartyDraft
from tracker.services import parties
from tracker.store import connection


def test_reads_inside_the_block_share_one_connection_and_see_later_commits(ctx):
    db_path = ctx.db_path
    with connection.shared_reads(db_path):
        with connection.reading(db_path) as first:
            before = first.execute("SELECT count(*) FROM parties").fetchone()[0]
        parties.create_party(ctx, PartyDraft(name="新規"))  # a save during the run, on its own connection
        with connection.reading(db_path) as second:
            assert second is first
            assert second.execute("SELECT count(*) FROM parties").fetchone()[0] == before + 1
    with connection.reading(db_path) as after:  # the block is over: a connection of its own again
        assert after is not first


def test_another_database_or_thread_gets_its_own_connection(db_path, tmp_path):
    from tracker.services import setup

    other = tmp_path / "other.db"
    setup.initialise(other)
    seen = {}
    with connection.shared_reads(db_path):
        with connection.reading(db_path) as mine, connection.reading(other) as theirs:
            assert theirs is not mine

        def read_elsewhere():
            with connection.reading(db_path) as db:
                seen["db"] = db

        worker = threading.Thread(target=read_elsewhere)
        worker.start()
        worker.join()
        assert seen["db"] is not mine  # a sqlite3 connection never crosses threads


def test_a_block_that_reads_nothing_opens_nothing_and_a_request_passes_its_connection_on(db_path, monkeypatch):
    opened, real = [], connection.connect
    monkeypatch.setattr(connection, "connect", lambda path, **options: opened.append(options) or real(path, **options))
    with connection.shared_reads(db_path):
        pass
    assert opened == []
    seen = {}

    def read_in_a_worker():  # as an API request's handler does: in a thread, with the request's context
        with connection.reading(db_path) as db:
            seen["db"], seen["parties"] = db, db.execute("SELECT count(*) FROM parties").fetchone()[0]

    with connection.shared_reads(db_path, across_threads=True):
        with connection.reading(db_path) as mine:
            mine.execute("SELECT 1").fetchone()
        worker = threading.Thread(target=contextvars.copy_context().run, args=[read_in_a_worker])
        worker.start()
        worker.join()
    assert seen["db"] is mine and seen["parties"] >= 0 and opened == [{"across_threads": True}]
