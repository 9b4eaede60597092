"""Connections. One per operation: a sqlite3 connection belongs to the thread that opened it, and
every Streamlit session runs in its own thread, so none is ever shared."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path | str) -> Database:
    """Open the database with foreign keys enforced and a busy timeout; WAL is set by ``migrate``."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Database(conn)


@contextmanager
def reading(path: Path | str) -> Iterator[Database]:
    db = connect(path)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def writing(path: Path | str) -> Iterator[Database]:
    """One write transaction: all of it is committed, or none of it.

    BEGIN IMMEDIATE takes the write lock up front, so two sessions saving at once wait for each
    other (busy timeout) instead of failing half-way when a read transaction tries to upgrade.
    """
    db = connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            bump_revision(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        db.close()


@contextmanager
def savepoint(db: Database) -> Iterator[Database]:
    """A step inside an open transaction: undone alone if it fails, kept only if the transaction
    commits (an import applies each row this way, all inside one transaction)."""
    db.execute("SAVEPOINT step")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK TO step")
        db.execute("RELEASE step")
        raise
    db.execute("RELEASE step")


def bump_revision(db: Database) -> None:
    """Count committed writes, so that caches of derived results (gaps) know when to recompute."""
    db.execute("INSERT INTO settings(key, value) VALUES ('revision', 1) "
               "ON CONFLICT(key) DO UPDATE SET value = value + 1")


def revision(db: Database) -> int:
    row = db.execute("SELECT value FROM settings WHERE key = 'revision'").fetchone()
    return int(row[0]) if row else 0
