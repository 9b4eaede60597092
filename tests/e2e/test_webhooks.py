"""The running app (tracker serve) tells a local receiver, signed per Standard Webhooks, that a
re-delegation was decided through its API — the worker delivers in the app's own process."""

import time

from standardwebhooks.webhooks import Webhook

from tests.conftest import TODAY
from tests.e2e.api_client import call
from tests.services.test_webhooks import Receiver
from tracker.domain.permissions import Role
from tracker.services import api_tokens, webhooks
from tracker.services.context import Actor, Context

ADMIN = Actor("admin", "Admin", Role.ADMIN)


def test_a_decision_through_the_api_reaches_the_receiver_signed(app_server):
    url, db = app_server
    (db.parent / "settings.toml").write_text('[webhooks]\nprivate_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    receiver = Receiver()
    try:
        admin = Context(db, ADMIN, TODAY)
        endpoint = webhooks.add_endpoint(admin, receiver.url, ["approval.decided"], allow_http=True)
        secret = api_tokens.create_token(admin, "ringi", username="privacy").secret

        _, queue = call(url, "/approvals", secret)
        pending = queue["items"][0]
        status, _ = call(url, f"/approvals/{pending['ref']}/decision", secret,
                         {"decision": "approved", "decided_on": TODAY.isoformat(), "conditions": "年1回報告"},
                         {"If-Match": f'"{pending["approval"]["version"]}"'})
        assert status == 204

        deadline = time.monotonic() + 30
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.2)
        (headers, body), = receiver.received
        payload = Webhook(endpoint.secret).verify(body, headers)
        assert payload["type"] == "approval.decided"
        assert payload["data"]["engagement"] == pending["ref"]
        assert payload["data"]["decision"] == "approved" and payload["data"]["conditions"] == "年1回報告"
    finally:
        receiver.close()
