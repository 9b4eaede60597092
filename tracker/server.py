"""One process, one port: the screens (app.py) and the API (/api/v1) in Streamlit's own ASGI app,
and the webhook deliveries in a thread of the same process."""

from __future__ import annotations

import contextlib
import gc
import socket

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


def bind_as_tcp(bind):
    """``bind`` (Streamlit's own binding of its listening socket), giving the socket as TCP.

    Streamlit creates it with protocol 0, and asyncio sets TCP_NODELAY only on the connections of a
    socket whose protocol is IPPROTO_TCP: without it every small answer after the first on a kept-alive
    connection (an API call, a websocket message of a rerun) waited ~40 ms for the client's delayed
    ACK (Nagle's algorithm) — measured: a one-link API page took 47 ms on a reused connection, 6 ms
    on a new one. The same descriptor, read back as what it is."""

    def bound(*args, **kwargs) -> socket.socket:
        made = bind(*args, **kwargs)
        tcp = socket.socket(fileno=made.detach())  # family, type and protocol read from the descriptor
        tcp.setblocking(False)
        tcp.set_inheritable(True)
        return tcp

    return bound


# Python looks for reference cycles after every 700 new container objects, and goes through the
# whole heap once a quarter of it has been promoted since the last time. A page run or a page of 500
# links makes tens of thousands of objects that live for milliseconds — freed by their counts, never
# by the collector — so it ran ~1,000 times a minute, and under API load went through the whole heap
# every ~0.6 s (~70 ms each, collecting nothing), a stall every client waiting then felt.
# After 10,000: 25 people clicking, CPU per rerun 57 → 51 ms; 10 API clients, p95 ~1.6× lower
# (docs/benchmarks.md). The cycles that do occur wait a little longer; memory measured the same.
YOUNG_OBJECTS_BEFORE_COLLECTING = 10_000


def collect_less_often() -> None:
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING, *gc.get_threshold()[1:])


def run(host: str, port: int) -> None:
    """Serve until stopped (the database: $TRACKER_DB, else data/tracker.db)."""
    from streamlit.web.server.starlette import starlette_server

    collect_less_often()

    starlette_server._bind_socket = bind_as_tcp(starlette_server._bind_socket)
    asgi_app().run(config={"server.address": host, "server.port": port, "server.headless": True,
                           "browser.gatherUsageStats": False})
