"""Times are stored in UTC and shown in the organisation's time zone (``[display] timezone``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(at: str, zone: str) -> datetime:
    """A stored UTC timestamp (ISO 8601) in the organisation's time zone."""
    return datetime.fromisoformat(at).astimezone(ZoneInfo(zone))


def shown(at: str | None, zone: str) -> str:
    """「2026-12-04 07:28 JST」: to the minute, with the zone's abbreviation; empty for no time."""
    if not at:
        return ""
    local = local_time(at, zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or zone}"
