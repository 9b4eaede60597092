"""Due items as an iCalendar (RFC 5545) file, written with the maintained ``icalendar`` package.

All-day events; the UID names the item (kind, link or party, record), not its date, so importing a
newer export moves an event instead of adding a second one."""

from __future__ import annotations

from datetime import date, datetime, timedelta, UTC

from icalendar import Calendar, Event

PRODID = "-//entrustee-tracker//schedule//JA"


def uid(row: dict) -> str:
    subject = f"e{row['engagement_id']}" if row["engagement_id"] else f"p{row['party_id']}"
    return f"{row['kind']}-{subject}-{row['ref_id'] or 0}@entrustee-tracker"


def calendar(rows: list[dict], labels: dict[str, str]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = datetime.now(UTC)
    for row in rows:
        day = date.fromisoformat(row["due_on"])
        event = Event()
        event.add("uid", uid(row))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        title = f"{labels[row['kind']]}: {row['party_name']}"
        event.add("summary", f"{title} — {row['work']}" if row.get("work") else title)
        details = [row.get("business_name"), row.get("owner_name")]
        event.add("description", "\n".join(d for d in details if d))
        event.add("categories", [labels[row["kind"]]])
        cal.add_component(event)
    return cal.to_ical()
