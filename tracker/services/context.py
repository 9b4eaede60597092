"""Who is acting, on which database, and what day it is."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from ..domain.permissions import Action, Role, may
from ..domain.problems import NotFound, StaleRecord  # noqa: F401  (every service raises them; callers catch them here)
from ..store import connection


shared_reads = connection.shared_reads  # the reads of a page run (app.py) or an API request (api.app) on one connection


@dataclass(frozen=True)
class Actor:
    username: str
    display_name: str
    role: Role


class PermissionDenied(Exception):
    def __init__(self, actor: Actor, action: Action):
        super().__init__(f"{actor.username} ({actor.role}) may not {action}")
        self.actor = actor
        self.action = action


class Busy(Exception):
    """Someone else held the database's write lock longer than the busy timeout (a large import):
    nothing of this change was written."""


@dataclass(frozen=True)
class Context:
    """Passed to every service call. ``today`` is settable so that tests control the date."""

    db_path: Path
    actor: Actor
    today: date = field(default_factory=date.today)
    # set by ``inside``: the open transaction every call of this context joins (a savepoint each)
    transaction: Database | None = field(default=None, compare=False, repr=False)
    read_only: bool = False  # a read-only API token: every write is refused, whatever the role

    def require(self, action: Action) -> None:
        """Raise PermissionDenied unless the actor's role may take ``action`` (a read-only token may
        only read)."""
        if not may(self.actor.role, action) or (self.read_only and action != Action.READ):
            raise PermissionDenied(self.actor, action)

    def can(self, action: Action) -> bool:
        """Whether the actor's role may take ``action`` (for screens choosing what to offer)."""
        return may(self.actor.role, action)

    @contextmanager
    def read(self) -> Iterator[Database]:
        """A connection to read with (the open transaction when joined). Raises PermissionDenied."""
        self.require(Action.READ)
        if self.transaction is not None:
            yield self.transaction
            return
        with connection.reading(self.db_path) as db:
            yield db

    @contextmanager
    def write(self, action: Action) -> Iterator[Database]:
        """One write transaction (a savepoint of the open one when joined), after checking ``action``.
        Raises PermissionDenied, Busy (the write lock was held past the busy timeout)."""
        self.require(action)
        if self.read_only:  # whatever the action named: a read-only token writes nothing
            raise PermissionDenied(self.actor, action)
        if self.transaction is not None:
            with connection.savepoint(self.transaction) as db:
                yield db
            return
        try:
            with connection.writing(self.db_path) as db:
                yield db
        except sqlite3.OperationalError as error:
            if connection.is_busy(error):
                raise Busy(str(error)) from error
            raise

    def inside(self, db: Database) -> Context:
        """This context, with every service call joining the open transaction ``db``: several
        services compose into one all-or-nothing change (an import)."""
        return replace(self, transaction=db)


SYSTEM = Actor("system", "System", Role.PRIVACY_OFFICER)
