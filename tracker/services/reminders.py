"""Reminder digests: each owner gets one e-mail listing their overdue and due-soon items.

Items nobody owns (or whose owner has no e-mail address) go to every privacy officer, so that
nothing due is silently dropped. Meant to run from cron: ``tracker remind``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from .. import i18n
from ..domain.schedule import DueStatus
from ..settings import Smtp
from ..store import supervision_queries as sq
from .context import Context
from .mail_delivery import Delivery, Outbox, require_server
from .schedule import due_page


@dataclass
class Digest:
    name: str
    email: str
    items: list[dict] = field(default_factory=list)  # overdue first, then soonest


def digests(ctx: Context) -> list[Digest]:
    """One digest per recipient of every overdue and due-soon item: its owner, else every privacy
    officer."""
    rows, _ = due_page(ctx, statuses=[DueStatus.OVERDUE, DueStatus.DUE_SOON], limit=None)
    with ctx.read() as db:
        officers = sq.privacy_officer_emails(db)
    by_email: dict[str, Digest] = {}
    for row in rows:
        recipients = [(row["owner_name"], row["owner_email"])] if row["owner_email"] else officers
        for name, email in recipients:
            by_email.setdefault(email.lower(), Digest(name, email)).items.append(row)
    for digest in by_email.values():
        digest.items.sort(key=lambda r: (r["status"] != DueStatus.OVERDUE, r["due_on"], r["id"]))
    return sorted(by_email.values(), key=lambda d: d.email.lower())


def message(digest: Digest, sender: str, today: date) -> EmailMessage:
    """One plain-text e-mail, Japanese first, then English (the tracker does not know each
    reader's language)."""
    overdue = sum(1 for r in digest.items if r["status"] == DueStatus.OVERDUE)
    mail = EmailMessage()
    mail["Subject"] = (f"{i18n.t('remind.subject', 'ja', overdue=overdue, total=len(digest.items))} / "
                       f"{i18n.t('remind.subject', 'en', overdue=overdue, total=len(digest.items))}")
    mail["From"] = sender
    mail["To"] = formataddr((digest.name, digest.email))
    mail["Message-ID"] = make_msgid(domain="entrustee-tracker")
    parts = []
    for lang in ("ja", "en"):
        lines = [i18n.t("remind.greeting", lang, name=digest.name, today=today.isoformat()), ""]
        for row in digest.items:
            lines.append(f"- {row['due_on']} [{i18n.t('schedule.status.' + row['status'], lang)}] "
                         f"{i18n.t('schedule.kind.' + row['kind'], lang)}: {row['party_name']}"
                         + (f" — {row['work']}" if row["work"] else "")
                         + (f" ({row['business_name']})" if row["business_name"] else ""))
        parts.append("\n".join(lines))
    mail.set_content("\n\n----\n\n".join(parts) + "\n")
    return mail


def send(ctx: Context, smtp: Smtp, dry_run: bool = False, echo: Callable[[str], None] = print) -> Delivery:
    """Send (or, dry run, print) every digest; each goes or fails on its own (see ``Delivery``)."""
    found = digests(ctx)
    done = Delivery()
    if not found:
        return done
    if not dry_run:
        require_server(smtp)
    with Outbox(smtp) as outbox:
        for digest in found:
            try:
                mail = message(digest, smtp.sender or "tracker@localhost", ctx.today)
            except ValueError as error:  # an address that cannot be written into a header
                done.failed.append(f"digest → {digest.email!r}: {error}")
                continue
            if dry_run:  # readable, not the encoded wire form
                echo(f"To: {mail['To']}\nSubject: {mail['Subject']}\n\n{mail.get_content()}")
                done.sent += 1
            elif (reason := outbox.send(mail)) is None:
                done.sent += 1
            else:
                done.failed.append(f"digest → {digest.email}: {reason}")
    return done
