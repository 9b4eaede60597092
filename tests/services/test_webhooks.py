"""Outbound webhooks: the event is written with its change or not at all, delivered signed per
Standard Webhooks to a real local receiver, tried again with backoff, never sent to a private
address unless listed, never after a redirect."""

from __future__ import annotations

import http.server
import threading
import time
from datetime import datetime, timedelta, UTC

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.conftest import TODAY
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services import approvals, engagements, requests, webhook_delivery, webhooks
from tracker.services.context import Actor, Context, PermissionDenied
from tracker.store import connection

ADMIN = Actor("admin", "Admin", Role.ADMIN)


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers with the statuses it is given, in turn."""

    def __init__(self, statuses=(200,), delay: float = 0.0):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                time.sleep(delay)  # a receiver that takes its time (the benchmark kills the sender meanwhile)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def listed(tmp_path, monkeypatch):
    """Settings that let deliveries go to this machine (as an administrator lists an internal host)."""
    settings = tmp_path / "settings.toml"
    settings.write_text('[webhooks]\nprivate_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_SETTINGS", str(settings))


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def _admin(db_path) -> Context:
    return Context(db_path, ADMIN, TODAY)


def _deliveries(db_path) -> list[dict]:
    with connection.reading(db_path) as db:
        return list(db.query("SELECT d.*, e.message_id, e.type FROM webhook_deliveries d "
                             "JOIN webhook_events e ON e.id = d.event_id ORDER BY d.id"))


def _pending_approval(demo_ctx):
    link = approvals.approval_queue(demo_ctx)[0][0]
    return link.id, link.approval_version, link.ref


def test_an_endpoint_is_https_without_credentials_and_named_events_only(demo_ctx):
    admin = _admin(demo_ctx.db_path)
    for url, allow_http, field in (("http://ringi.example.jp/hook", False, "url"), ("ftp://x.example.jp", True, "url"),
                                   ("https://user:pw@ringi.example.jp/hook", False, "url")):
        with pytest.raises(RuleViolation) as refused:
            webhooks.add_endpoint(admin, url, ["approval.decided"], allow_http)
        assert refused.value.problems[0].field == field
    with pytest.raises(RuleViolation):
        webhooks.add_endpoint(admin, "https://ringi.example.jp/hook", ["approval.maybe"])
    with pytest.raises(PermissionDenied):
        webhooks.add_endpoint(demo_ctx, "https://ringi.example.jp/hook", ["approval.decided"])  # a privacy officer
    made = webhooks.add_endpoint(admin, "https://ringi.example.jp/hook", ["approval.decided"])
    assert made.secret.startswith("whsec_")
    with connection.reading(demo_ctx.db_path) as db:  # the trail says a secret was set, never what it is
        after = db.execute("SELECT after FROM audit_log WHERE table_name = 'webhook_endpoints'").fetchone()[0]
    assert made.secret not in after and made.secret[6:20] not in after


def test_the_event_is_written_with_its_change_or_not_at_all(demo_ctx):
    webhooks.add_endpoint(_admin(demo_ctx.db_path), "https://ringi.example.jp/hook", ["approval.decided"])
    link_id, version, ref = _pending_approval(demo_ctx)
    with pytest.raises(RuleViolation):  # refused: a day in the future
        approvals.decide_redelegation(demo_ctx, link_id, version, "approved", TODAY + timedelta(days=3))
    assert _deliveries(demo_ctx.db_path) == []
    approvals.decide_redelegation(demo_ctx, link_id, version, "approved", TODAY)
    (delivery,) = _deliveries(demo_ctx.db_path)
    assert delivery["type"] == "approval.decided" and delivery["state"] == "pending"
    # an event nobody asked for is not written
    requests.create_request(demo_ctx, requests.RequestDraft(link_id, "annual_report", TODAY + timedelta(days=9)))
    assert len(_deliveries(demo_ctx.db_path)) == 1


def test_a_delivery_is_signed_and_verifies_with_the_standard_webhooks_library(demo_ctx, listed, receiver):
    made = webhooks.add_endpoint(_admin(demo_ctx.db_path), receiver.url, ["approval.decided"], allow_http=True)
    link_id, version, ref = _pending_approval(demo_ctx)
    approvals.decide_redelegation(demo_ctx, link_id, version, "approved", TODAY)
    assert webhook_delivery.deliver_due(demo_ctx.db_path) == 1
    (headers, body), = receiver.received
    payload = Webhook(made.secret).verify(body, headers)  # raises on a bad signature
    assert payload["type"] == "approval.decided" and payload["data"]["engagement"] == ref
    assert headers["webhook-id"] == _deliveries(demo_ctx.db_path)[0]["message_id"]
    assert _deliveries(demo_ctx.db_path)[0]["state"] == "delivered"
    with pytest.raises(Exception):  # noqa: B017, PT011 - any verification failure will do
        Webhook("whsec_" + "A" * 43 + "=").verify(body, headers)


def test_a_failure_is_tried_again_with_backoff_under_the_same_id_and_given_up_after_a_day(demo_ctx, listed):
    failing = Receiver(statuses=(500, 200))
    try:
        webhooks.add_endpoint(_admin(demo_ctx.db_path), failing.url, ["approval.decided"], allow_http=True)
        link_id, version, _ = _pending_approval(demo_ctx)
        approvals.decide_redelegation(demo_ctx, link_id, version, "approved", TODAY)
        now = datetime.now(UTC)
        webhook_delivery.deliver_due(demo_ctx.db_path, now)
        assert webhook_delivery.deliver_due(demo_ctx.db_path, now + timedelta(seconds=5)) == 0  # not yet
        webhook_delivery.deliver_due(demo_ctx.db_path, now + timedelta(seconds=11))
        (delivery,) = _deliveries(demo_ctx.db_path)
        assert (delivery["state"], delivery["attempts"]) == ("delivered", 2)
        assert len({h["webhook-id"] for h, _ in failing.received}) == 1  # the same message, twice
    finally:
        failing.close()
    dead = Receiver(statuses=(503,))
    try:
        webhooks.add_endpoint(_admin(demo_ctx.db_path), dead.url, ["incident.recorded"], allow_http=True)
        from tracker.services import incidents
        incidents.record_incident(demo_ctx, link_id, incidents.IncidentInput("誤送信", TODAY))
        moment, tried = datetime.now(UTC), 0
        while moment < datetime.now(UTC) + timedelta(hours=30):
            tried += webhook_delivery.deliver_due(demo_ctx.db_path, moment)
            moment += timedelta(minutes=30)
        last = _deliveries(demo_ctx.db_path)[-1]
        assert last["state"] == "failed" and 5 <= last["attempts"] <= 12 and tried == last["attempts"]
        webhooks.send_again(_admin(demo_ctx.db_path), last["id"])
        assert _deliveries(demo_ctx.db_path)[-1]["state"] == "pending"
    finally:
        dead.close()


def test_private_addresses_and_names_that_resolve_to_them_are_refused_unless_listed(demo_ctx, receiver, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setenv("TRACKER_SETTINGS", str(tmp_path / "none.toml"))  # nothing listed
    for url in (receiver.url, receiver.url.replace("127.0.0.1", "localhost")):
        webhooks.add_endpoint(_admin(demo_ctx.db_path), url, ["approval.decided"], allow_http=True)
    link_id, version, _ = _pending_approval(demo_ctx)
    approvals.decide_redelegation(demo_ctx, link_id, version, "approved", TODAY)
    webhook_delivery.deliver_due(demo_ctx.db_path)
    assert receiver.received == []
    assert [d["state"] for d in _deliveries(demo_ctx.db_path)] == ["failed", "failed"]


def test_a_redirect_is_not_followed(demo_ctx, listed):
    redirecting = Receiver(statuses=(302,))
    try:
        webhooks.add_endpoint(_admin(demo_ctx.db_path), redirecting.url, ["approval.decided"], allow_http=True)
        link_id, version, _ = _pending_approval(demo_ctx)
        approvals.decide_redelegation(demo_ctx, link_id, version, "approved", TODAY)
        webhook_delivery.deliver_due(demo_ctx.db_path)
        (delivery,) = _deliveries(demo_ctx.db_path)
        assert delivery["state"] == "pending" and delivery["attempts"] == 1  # a failure, tried again later
        assert len(redirecting.received) == 1
    finally:
        redirecting.close()


def test_an_overdue_request_is_told_once(demo_ctx):
    webhooks.add_endpoint(_admin(demo_ctx.db_path), "https://ringi.example.jp/hook", ["request.overdue"])
    link = engagements.search_engagements(demo_ctx, status="active", limit=1)[0][0]
    requests.create_request(demo_ctx, requests.RequestDraft(link["id"], "annual_report", TODAY + timedelta(days=1)))
    before = webhook_delivery.emit_due(demo_ctx.db_path, TODAY + timedelta(days=5))
    assert before >= 1
    assert webhook_delivery.emit_due(demo_ctx.db_path, TODAY + timedelta(days=6)) == 0


def test_a_worker_killed_mid_run_leaves_every_event_to_be_sent_again_under_its_own_id(demo_ctx, listed, receiver):
    webhooks.add_endpoint(_admin(demo_ctx.db_path), receiver.url, ["approval.decided"], allow_http=True)
    with connection.writing(demo_ctx.db_path) as db:
        for n in range(5):
            webhooks.emit(db, webhooks.rules.Event.APPROVAL_DECIDED, {"engagement": f"E{n}"})
    sent = []

    def dies_on_the_third(url, body, headers):
        if len(sent) == 2:
            raise KeyboardInterrupt  # the process killed in the middle of a run
        sent.append(headers["webhook-id"])
        return webhook_delivery.http_sender(httpx.Client())(url, body, headers)

    now = datetime.now(UTC)
    with pytest.raises(KeyboardInterrupt):
        webhook_delivery.deliver_due(demo_ctx.db_path, now, send=dies_on_the_third)
    assert webhook_delivery.deliver_due(demo_ctx.db_path, now + timedelta(seconds=30)) == 0  # leased meanwhile
    webhook_delivery.deliver_due(demo_ctx.db_path, now + timedelta(seconds=61))
    ids = [h["webhook-id"] for h, _ in receiver.received]
    assert len(set(ids)) == 5 and len(ids) == 7  # every event delivered; the two resent with the same id
    assert all(d["state"] == "delivered" for d in _deliveries(demo_ctx.db_path))
