"""A page run's reads share one connection and still see every commit made before them."""

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
