"""Fixtures of the page tests (Streamlit's AppTest, in process)."""

import pytest

from tests.conftest import copy_database


@pytest.fixture
def app_db(tmp_path, monkeypatch, demo_template):
    """The app's database as a first start leaves it: the demo registry (a copy of the session's)."""
    path = tmp_path / "app.db"
    copy_database(demo_template, path)
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_TODAY", "2026-11-22")  # the demo data's today
    return path
