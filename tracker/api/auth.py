"""Who calls: a personal API token (Authorization: Bearer trk_…), acting as its user."""

from __future__ import annotations

from fastapi import HTTPException, Request

from .. import config
from ..services import api_tokens
from ..services.context import Context


def acting(request: Request) -> Context:
    """The context of the call; 401 without a usable token (unknown, expired, revoked, inactive user)."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    ctx = api_tokens.context_for(config.db_path(), secret.strip(), config.today()) \
        if scheme.lower() == "bearer" else None
    if ctx is None:
        raise HTTPException(401, headers={"WWW-Authenticate": 'Bearer realm="tracker"'})
    return ctx
