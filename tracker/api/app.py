"""The API application: its resources under /api/v1, its errors as problem details, its schema at
/api/v1/openapi.json and its docs page at /api/v1/docs."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError

from . import problems
from .routes import router

DESCRIPTION = """The vendor oversight tracker for the company's own systems (稟議 workflow, e-contract,
procurement). Authenticate with a personal API token (`Authorization: Bearer trk_…`), made on the
API tokens screen or with `tracker token create`: it acts as its user, with the user's role; a
read-only token writes nothing. Engagements are named by their ledger numbers (IT-2024-003, E12),
requests by R<n>. Writes take `If-Match` with the version read. Errors are RFC 9457 problem details
in the language of `Accept-Language` (ja or en). Guide: README, "The API"."""


def create_api() -> FastAPI:
    api = FastAPI(title="Entrustee oversight tracker API", version="1", description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    api.include_router(router)
    for error, handler in problems.HANDLERS.items():
        api.add_exception_handler(error, handler)
    api.add_exception_handler(HTTPException, _http_error)
    api.add_exception_handler(RequestValidationError, _invalid_request)
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
