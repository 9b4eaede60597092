"""Errors as RFC 9457 problem details, in the caller's language (Accept-Language: ja or en), each
field at fault named as the screens name it."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from ..domain.problems import NotFound, Problem, RuleViolation, StaleRecord
from ..i18n import describe, t
from ..services.context import Busy, PermissionDenied

MEDIA_TYPE = "application/problem+json"


def language(request: Request) -> str:
    """The first of ja / en the caller accepts (Japanese when it names neither)."""
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith(("ja", "en")):
            return code[:2]
    return "ja"


def problem(request: Request, status: int, kind: str, detail: str = "", errors: list[dict] | None = None,
            headers: dict | None = None) -> JSONResponse:
    """A problem document: ``kind`` names its type and title (api.problem.<kind> in the catalogue)."""
    lang = language(request)
    body = {"type": f"/api/v1/problems/{kind}", "title": t(f"api.problem.{kind}", lang), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field_errors(request: Request, problems: list[Problem]) -> list[dict]:
    lang = language(request)
    return [{"field": p.field, "code": p.code, "detail": describe(p, lang)} for p in problems]


async def rule_violation(request: Request, error: RuleViolation) -> JSONResponse:
    return problem(request, 422, "invalid", errors=_field_errors(request, error.problems))


async def not_found(request: Request, error: NotFound) -> JSONResponse:
    return problem(request, 404, "not_found", detail=f"{error.what} {error.row_id}")


async def permission_denied(request: Request, error: PermissionDenied) -> JSONResponse:
    return problem(request, 403, "forbidden", detail=t(f"api.action.{error.action.value}", language(request)))


async def stale_record(request: Request, error: StaleRecord) -> JSONResponse:
    return problem(request, 412, "stale")


async def busy(request: Request, error: Busy) -> JSONResponse:
    return problem(request, 503, "busy", headers={"Retry-After": "5"})


HANDLERS = {RuleViolation: rule_violation, NotFound: not_found, PermissionDenied: permission_denied,
            StaleRecord: stale_record, Busy: busy}
