"""Shared fixtures: a real SQLite file per test, and a service context per role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker import config
from tracker.domain.permissions import Role
from tracker.services import setup
from tracker.services.context import Actor, Context

TODAY = date(2026, 11, 22)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.db"
    setup.initialise(path)
    return path


def context_for(db_path: Path, role: Role = Role.PRIVACY_OFFICER) -> Context:
    return Context(db_path=db_path, actor=Actor(f"test.{role}", f"Test {role}", role), today=TODAY)


@pytest.fixture
def ctx(db_path: Path) -> Context:
    return context_for(db_path)


@pytest.fixture
def demo_ctx(ctx: Context) -> Context:
    setup.load_demo(ctx, config.DEMO_REGISTRY)
    return ctx
