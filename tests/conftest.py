"""Shared fixtures: a real SQLite file per test, and a service context per role.

A new database and the demo registry are each made once per test session into a template; a test
gets its own copy of the file (with its audit key and head), which is much faster than migrating, or
loading the demo through the services, again for every test."""

from __future__ import annotations

import shutil
import sqlite3
import socket
from datetime import date
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tracker import config
from tracker.domain.permissions import Role
from tracker.services import demo_loader, setup
from tracker.services.context import Actor, Context
from tracker.store import audit_seal, connection

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    """A new database as ``tracker init`` leaves it, made once per session (migrating takes ten
    times as long as copying the file)."""
    path = tmp_path_factory.mktemp("empty-template") / "tracker.db"
    setup.initialise(path)
    return path


@pytest.fixture
def db_path(tmp_path: Path, empty_template: Path) -> Path:
    path = tmp_path / "tracker.db"
    copy_database(empty_template, path)
    return path


def write_behind_the_app(db_path: Path, *statements: str) -> None:
    """What someone with write access to the file does, bypassing the app (and its audit trail)."""
    conn = sqlite3.connect(db_path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def context_for(db_path: Path, role: Role = Role.PRIVACY_OFFICER) -> Context:
    return Context(db_path=db_path, actor=Actor(f"test.{role}", f"Test {role}", role), today=TODAY)


@pytest.fixture
def ctx(db_path: Path) -> Context:
    return context_for(db_path)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo registry, loaded once through the services as the app does on a first start."""
    path = tmp_path_factory.mktemp("demo-template") / "tracker.db"
    setup.initialise(path)
    demo_loader.load_demo(context_for(path), config.DEMO_REGISTRY)
    return path


def copy_database(template: Path, target: Path) -> None:
    """``target`` becomes a copy of ``template``: the database (SQLite's backup, WAL included), its
    audit key and its head file; whatever was at ``target`` is replaced."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    connection.copy_database(template, target)
    for place in (audit_seal.key_path, audit_seal.head_path):
        if place(template).exists():
            shutil.copyfile(place(template), place(target))
            place(target).chmod(0o600)
    audit_seal._cached_key.cache_clear()


@pytest.fixture
def demo_ctx(ctx: Context, demo_template: Path) -> Context:
    copy_database(demo_template, ctx.db_path)
    return ctx


class Inbox:
    """What a real (local) SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:  # a free port (the controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
