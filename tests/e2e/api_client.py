"""Calling the running app's API as another system does (urllib: no client library of ours)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def call(url: str, path: str, secret: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    """(status, JSON answer) of one call to ``url``/api/v1``path`` with a bearer token."""
    request = urllib.request.Request(f"{url}/api/v1{path}", data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")
