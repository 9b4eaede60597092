"""Connections. One per operation: a sqlite3 connection belongs to the thread that opened it, and
every Streamlit session runs in its own thread, so none is ever shared between sessions. Within one
page run or API request the reads share one connection (``shared_reads``); writes always open their
own."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.utils import dedupe_keys

from . import audit_seal

BUSY_TIMEOUT_MS = 10_000


class Store(Database):
    """sqlite-utils' Database, with ``query`` running just the query.

    sqlite-utils 4 wraps every ``query`` in a savepoint of its own (so that a statement returning
    no rows can be undone before it complains): three statements for each read. Ours are all
    reads, written in this package; the savepoints were a sixth of an import's statements and a
    share of every page run."""

    def query(self, sql: str, params=None):
        """The rows of a statement as dicts, without the savepoint sqlite-utils wraps each query in;
        raises ValueError for a statement that returns no rows."""
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows")
        keys = dedupe_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)


def connect(path: Path | str, *, across_threads: bool = False) -> Database:
    """Open the database with foreign keys enforced and a busy timeout; WAL is set by ``migrate``.
    ``across_threads``: the connection may be used from another thread than this one, one at a time
    (an API request's, passed from its dependency's thread to its handler's)."""
    timeout_ms = BUSY_TIMEOUT_MS  # read at each call, so that it can be set (tests of a busy database)
    conn = sqlite3.connect(str(path), timeout=timeout_ms / 1000, isolation_level=None,
                           check_same_thread=not across_threads)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Store(conn)


class _SharedReads:
    """The read connection of one page run or API request: opened at its first read."""

    def __init__(self, path: Path | str, across_threads: bool) -> None:
        self.path, self.across_threads, self.db = str(path), across_threads, None

    def connection(self) -> Database:
        if self.db is None:
            self.db = connect(self.path, across_threads=self.across_threads)
        return self.db


# the open ``shared_reads`` of this context: a page run's thread, or an API request (its context is
# copied into the threads its dependency and handler run in)
_shared: ContextVar[_SharedReads | None] = ContextVar("shared_reads", default=None)


@contextmanager
def shared_reads(path: Path | str, *, across_threads: bool = False) -> Iterator[None]:
    """Every ``reading(path)`` in this context, until the block ends, uses one connection.

    A page run reads a dozen times, an API request twice or more (its token, then the resource);
    opening a connection costs ~1 ms (SQLite reads the schema anew), more than most of their queries.
    The connection stays in autocommit, so each read sees every commit made before it, the run's
    own saves included (no snapshot is held across the run). ``across_threads``: see ``connect``."""
    if _shared.get() is not None:  # already inside one: keep it
        yield
        return
    entry = _SharedReads(path, across_threads)
    token = _shared.set(entry)
    try:
        yield
    finally:
        _shared.reset(token)
        if entry.db is not None:
            entry.db.close()


@contextmanager
def reading(path: Path | str) -> Iterator[Database]:
    """A connection for reads: the run's or request's shared one when it is on the same file, else a
    new one closed afterwards."""
    entry = _shared.get()
    if entry is not None and entry.path == str(path):
        yield entry.connection()
        return
    db = connect(path)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def writing(path: Path | str, busy_timeout_ms: int | None = None) -> Iterator[Database]:
    """One write transaction: all of it is committed, or none of it.

    BEGIN IMMEDIATE takes the write lock up front, so two sessions saving at once wait for each
    other (busy timeout) instead of failing half-way when a read transaction tries to upgrade.
    """
    db = connect(path)
    if busy_timeout_ms is not None:  # longer than others wait (sign-in outwaits an import)
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            bump_revision(db)
            sealed = getattr(db, "audit_head", None)
            if sealed:  # the trail's new head, once per transaction rather than once per record
                db.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [AUDIT_HEAD, sealed[1]])
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        sealed = getattr(db, "audit_head", None)
        if sealed:
            audit_seal.write_head(path, *sealed)
    finally:
        db.close()


@contextmanager
def snapshot(path: Path | str) -> Iterator[Path]:
    """A private copy of the database as of now, in a temporary folder removed afterwards: a dry
    run writes there, so it holds no lock that would keep anyone else from saving or signing in.
    (SQLite's online backup reads one consistent state while others go on writing.)"""
    with tempfile.TemporaryDirectory(prefix="tracker-snapshot-") as folder:
        copy = Path(folder) / "snapshot.db"
        copy_database(path, copy)
        if not audit_seal.has_key(copy):
            audit_seal.create_key(copy)  # a throwaway key: what is written to the copy is never kept
        yield copy


def copy_database(path: Path | str, target: Path | str) -> None:
    """``target`` becomes a consistent copy of the database as of now (SQLite's online backup: it
    reads one state while others go on writing)."""
    source, copy = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000), sqlite3.connect(str(target))
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def check_file(path: Path | str) -> str:
    """SQLite's own integrity check of a database file, read-only ("ok" when whole); raises
    sqlite3.DatabaseError when the file is not a database, or not one of ours."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.execute("SELECT count(*) FROM audit_log").fetchone()
        return result
    finally:
        conn.close()


def is_busy(error: BaseException) -> bool:
    """Another connection held the write lock longer than the busy timeout (a large import)."""
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


@contextmanager
def savepoint(db: Database) -> Iterator[Database]:
    """A step inside an open transaction: undone alone if it fails, kept only if the transaction
    commits (an import applies each row this way, all inside one transaction). A step undone takes
    its audit records with it: the trail's last record is then the one before the step."""
    saved = getattr(db, "audit_state", None), getattr(db, "audit_head", None)
    db.execute("SAVEPOINT step")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK TO step")
        db.execute("RELEASE step")
        db.audit_state, db.audit_head = saved
        raise
    db.execute("RELEASE step")


AUDIT_HEAD = "audit_head"  # the setting holding the hash of the trail's last record


def touch(db: Database, *tables: str) -> None:
    """Note that this transaction writes ``tables``: their revisions move when it commits."""
    touched = getattr(db, "touched", None)
    if touched is None:
        touched = db.touched = set()
    touched.update(tables)


def bump_revision(db: Database) -> None:
    """Count committed writes, in all and per table written, so that caches of derived results
    know when to recompute: the gaps need not when a review is recorded, only when links,
    contracts or parties change."""
    keys = ["revision", *(f"revision:{table}" for table in sorted(getattr(db, "touched", ())))]
    db.conn.executemany("INSERT INTO settings(key, value) VALUES (?, 1) "
                        "ON CONFLICT(key) DO UPDATE SET value = value + 1", [(key,) for key in keys])


def revision(db: Database, tables: tuple[str, ...] | None = None) -> int | tuple[int, ...]:
    """The count of committed writes, or, for ``tables``, of the writes to each of them."""
    if tables is None:
        row = db.execute("SELECT value FROM settings WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0
    keys = [f"revision:{table}" for table in tables]
    found = dict(db.execute(f"SELECT key, value FROM settings WHERE key IN ({','.join('?' * len(keys))})",
                            keys).fetchall())
    return tuple(int(found.get(key, 0)) for key in keys)
