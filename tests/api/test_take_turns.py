"""API requests in one process are served one at a time, in arrival order, and all of them are served."""

from __future__ import annotations

import asyncio

import httpx

from tracker.api.app import TakeTurns


def test_requests_arriving_together_are_served_one_after_another_in_order():
    serving, most, order = 0, 0, []

    async def app(scope, receive, send):
        nonlocal serving, most
        serving += 1
        most = max(most, serving)
        order.append(scope["path"])
        await asyncio.sleep(0.01)  # a request under way: the others must wait for it
        serving -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def many():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(TakeTurns(app)), base_url="http://t") as client:
            return await asyncio.gather(*(client.get(f"/{n}") for n in range(6)))

    answers = asyncio.run(many())
    assert [a.status_code for a in answers] == [200] * 6
    assert most == 1 and order == [f"/{n}" for n in range(6)]
