"""One process, one port: the screens (app.py) and the API (/api/v1) in Streamlit's own ASGI app,
and the webhook deliveries in a thread of the same process."""

from __future__ import annotations

import contextlib

import streamlit as st
from starlette.routing import Mount

from . import config
from .api.app import create_api
from .services import setup
from .services.webhook_delivery import Worker


@contextlib.asynccontextmanager
async def _deliveries(_app):
    setup.initialise(config.db_path())  # the outbox's tables exist before the first delivery run
    worker = Worker(config.db_path, config.today)
    worker.start()
    try:
        yield None
    finally:
        worker.stop()


def asgi_app() -> st.App:
    return st.App(str(config.PROJECT_ROOT / "app.py"), routes=[Mount("/api/v1", app=create_api())],
                  lifespan=_deliveries)


def run(host: str, port: int) -> None:
    """Serve until stopped (the database: $TRACKER_DB, else data/tracker.db)."""
    asgi_app().run(config={"server.address": host, "server.port": port, "server.headless": True,
                           "browser.gatherUsageStats": False})
