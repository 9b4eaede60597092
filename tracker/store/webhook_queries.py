"""Webhook endpoints, the outbox of events, and each delivery and its attempts."""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import json_columns


def endpoints(db: Database) -> list[dict]:
    """Every endpoint, newest first, its secret left out."""
    return [json_columns.decoded("webhook_endpoints", row) for row in db.query(
        "SELECT id, url, events, allow_http, active, version, created_at FROM webhook_endpoints ORDER BY id DESC")]


def subscribed(db: Database, event_type: str) -> list[int]:
    """The active endpoints that asked for this kind of event."""
    return [r[0] for r in db.execute(
        "SELECT e.id FROM webhook_endpoints e WHERE e.active = 1 AND EXISTS "
        "(SELECT 1 FROM json_each(e.events) j WHERE j.value = ?)", [event_type])]


def add_event(db: Database, message_id: str, event_type: str, payload: dict, at: str,
              dedupe_key: str | None) -> int | None:
    """The event in the outbox (inside the change's own transaction), its payload kept as the exact
    body every delivery sends; None when one with the same ``dedupe_key`` is there (told once)."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    cursor = db.execute("INSERT INTO webhook_events(message_id, type, payload, created_at, dedupe_key) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO NOTHING RETURNING id",
                        [message_id, event_type, body, at, dedupe_key])
    row = cursor.fetchone()
    return row[0] if row else None


def add_delivery(db: Database, event_id: int, endpoint_id: int, at: str) -> None:
    """A delivery of an event to one endpoint, due at once."""
    db.execute("INSERT INTO webhook_deliveries(event_id, endpoint_id, state, attempts, next_attempt_at) "
               "VALUES (?, ?, 'pending', 0, ?)", [event_id, endpoint_id, at])


def claim_due(db: Database, now: str, lease_until: str, limit: int) -> list[dict]:
    """Up to ``limit`` deliveries due by ``now``, leased until ``lease_until`` (inside a write
    transaction: another process sees them as not due until then), with their event (``payload``:
    the body to send, as it was written) and endpoint."""
    rows = list(db.query(
        """SELECT d.id, d.attempts, ev.message_id, ev.type, ev.payload, ev.created_at, en.url, en.secret,
                  en.allow_http, en.active
           FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
           JOIN webhook_endpoints en ON en.id = d.endpoint_id
           WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?""",
        [now, limit]))
    if rows:
        marks = ",".join("?" * len(rows))
        db.execute(f"UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id IN ({marks})",
                   [lease_until, *(r["id"] for r in rows)])
    return rows


def record_attempt(db: Database, delivery_id: int, at: str, status_code: int | None, error: str | None,
                   state: str, next_attempt_at: str | None) -> None:
    """One try of a delivery, and where the delivery stands after it."""
    db.execute("INSERT INTO webhook_attempts(delivery_id, at, status_code, error) VALUES (?, ?, ?, ?)",
               [delivery_id, at, status_code, error])
    db.execute("UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?, next_attempt_at = ?, "
               "delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?",
               [state, next_attempt_at, state, at, delivery_id])


def deliveries(db: Database, limit: int) -> list[dict]:
    """The latest deliveries with their event, endpoint and last attempt (the administrator's view)."""
    return list(db.query(
        """SELECT d.id, d.state, d.attempts, d.next_attempt_at, d.delivered_at, ev.type, ev.message_id,
                  ev.created_at, en.url, a.status_code AS last_status, a.error AS last_error, a.at AS last_at
           FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
           JOIN webhook_endpoints en ON en.id = d.endpoint_id
           LEFT JOIN webhook_attempts a ON a.id = (SELECT max(id) FROM webhook_attempts WHERE delivery_id = d.id)
           ORDER BY d.id DESC LIMIT ?""", [limit]))


def resend(db: Database, delivery_id: int, at: str) -> bool:
    """Put a delivery back in the queue (the same message id: a receiver that had it ignores it)."""
    return db.execute("UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ? WHERE id = ?",
                      [at, delivery_id]).rowcount == 1


def attempts_of(db: Database, delivery_id: int) -> list[dict]:
    """Every try of one delivery, oldest first."""
    return list(db.query("SELECT at, status_code, error FROM webhook_attempts WHERE delivery_id = ? ORDER BY id",
                         [delivery_id]))
