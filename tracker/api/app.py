"""The API application: its resources under /api/v1, its errors as problem details, its schema at
/api/v1/openapi.json and its docs page at /api/v1/docs."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from starlette.middleware.gzip import GZipMiddleware

from .. import config
from ..services.context import shared_reads
from . import problems
from .routes import router

DESCRIPTION = """The vendor oversight tracker for the company's own systems (稟議 workflow, e-contract,
procurement). Authenticate with a personal API token (`Authorization: Bearer trk_…`), made on the
API tokens screen or with `tracker token create`: it acts as its user, with the user's role; a
read-only token writes nothing. Engagements are named by their ledger numbers (IT-2024-003, E12),
requests by R<n>. Writes take `If-Match` with the version read. Errors are RFC 9457 problem details
in the language of `Accept-Language` (ja or en). Guide: README, "The API"."""


SERVED_AT_ONCE = 1  # API requests one process serves at a time; the rest wait their turn


class TakeTurns:
    """At most ``SERVED_AT_ONCE`` API requests are served at once in this process, the others wait in
    arrival order. Python runs one thread at a time: ten pages served together each take ten times
    as long and more (the threads contend for it), and the screens' sessions in the same process wait
    behind all of them. 10 clients paging at once, p50 / p95: 383 / 688 ms served together, 210 / 300
    two at a time, 135 / 220 one at a time (docs/benchmarks.md)."""

    def __init__(self, app, limit: int = SERVED_AT_ONCE) -> None:
        self.app, self.turns = app, asyncio.Semaphore(limit)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.turns:
            await self.app(scope, receive, send)


class OneReadConnection:
    """Every read of one API request (its token, then the resource) on one connection, opened at the
    first read and closed when the answer is sent: opening one costs ~1 ms, a tenth of a page of 500."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # the dependency and the handler run in two worker threads, one after the other, each with a
        # copy of this context: the connection passes from one to the other, never used by both at once
        with shared_reads(config.db_path(), across_threads=True):
            await self.app(scope, receive, send)


def create_api() -> FastAPI:
    api = FastAPI(title="Entrustee oversight tracker API", version="1", description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    api.include_router(router)
    for error, handler in problems.HANDLERS.items():
        api.add_exception_handler(error, handler)
    api.add_exception_handler(HTTPException, _http_error)
    api.add_exception_handler(RequestValidationError, _invalid_request)
    # compressed here, quickly: Streamlit's own middleware would otherwise gzip every answer at level 9
    # (a page of 500 links: 48 ms of CPU, four times the page itself); level 1 takes ~2 ms
    api.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    api.add_middleware(OneReadConnection)
    api.add_middleware(TakeTurns)
    return api


_KINDS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 412: "stale",
          428: "precondition_required"}


async def _http_error(request: Request, error: HTTPException):
    return problems.problem(request, error.status_code, _KINDS.get(error.status_code, "error"),
                            detail=error.detail if isinstance(error.detail, str) and error.status_code != 401 else "",
                            headers=error.headers)


async def _invalid_request(request: Request, error: RequestValidationError):
    errors = [{"field": ".".join(str(p) for p in e["loc"][1:]) or None, "code": e["type"], "detail": e["msg"]}
              for e in error.errors()]
    return problems.problem(request, 422, "invalid", errors=errors)
