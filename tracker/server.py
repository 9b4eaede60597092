"""One process, one port: the screens (app.py) and the API (/api/v1) in Streamlit's own ASGI app."""

from __future__ import annotations

import streamlit as st
from starlette.routing import Mount

from . import config
from .api.app import create_api


def asgi_app() -> st.App:
    return st.App(str(config.PROJECT_ROOT / "app.py"), routes=[Mount("/api/v1", app=create_api())])


def run(host: str, port: int) -> None:
    """Serve until stopped (the database: $TRACKER_DB, else data/tracker.db)."""
    asgi_app().run(config={"server.address": host, "server.port": port, "server.headless": True,
                           "browser.gatherUsageStats": False})
