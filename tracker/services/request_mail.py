"""Requests by e-mail: the invitation with the vendor's link (and the workbook attached), and the
chase of requests near or past their due date, copied to the link's owner.

We keep only a link's hash, so a chase cannot repeat the old link: it sends a new one (the old one
stops working; drafts are kept on our side, so nothing the vendor typed is lost). The new link
replaces the old only once its mail has gone: a vendor's working link is never traded for one that
was not delivered. Each mail goes or fails on its own (``mail_delivery``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from .. import i18n
from ..domain import request_tokens as tokens
from ..domain.problems import RuleViolation
from ..domain.requests import CHASE_BEFORE_DAYS, should_chase
from ..settings import Smtp
from ..store import request_queries as rq
from ..store import supervision_queries as sq
from . import catalogue, requests, setup
from ..domain.problems import StaleRecord
from .context import Busy, Context
from .mail_delivery import Delivery, Outbox, require_server
from .requests import Issued

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def invitation(ctx: Context, issued: Issued, sender: str, chase: bool = False) -> EmailMessage | None:
    """The e-mail to the request's contact, Japanese then English; None when it has no address."""
    view = requests.request_view(ctx, issued.request_id)
    row = view.row
    if not row["contact_email"] or not issued.link:
        return None
    with ctx.read() as db:
        owner = sq.owner_of_link(db, row["engagement_id"])
    organisation = setup.organisation_name(ctx, "ja")
    question_set = catalogue.question_set(row["set_id"])
    mail = EmailMessage()
    key = "request_mail.chase_subject" if chase else "request_mail.subject"
    mail["Subject"] = " / ".join(i18n.t(key, lang, title=question_set.title(lang), organisation=organisation,
                                        number=row["id"]) for lang in ("ja", "en"))
    mail["From"] = sender
    mail["To"] = formataddr((row["contact_name"] or "", row["contact_email"]))
    if owner and owner[1]:
        mail["Cc"] = formataddr(owner)
    mail["Message-ID"] = make_msgid(domain="entrustee-tracker")
    parts = [i18n.t("request_mail.body_chase" if chase else "request_mail.body", lang, name=row["contact_name"] or "",
                    organisation=organisation, title=question_set.title(lang), business=view.link["business_name"],
                    work=view.link["work"], due=row["due_on"], link=issued.link, number=row["id"])
             for lang in ("ja", "en")]
    mail.set_content("\n\n----\n\n".join(parts) + "\n")
    name, data = requests.workbook_of(ctx, issued.request_id)
    mail.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
    return mail


def send_invitations(ctx: Context, issued: list[Issued], smtp: Smtp) -> Delivery:
    """E-mail each newly sent request to its contact (those without an address are left to be passed
    on by hand; one that fails keeps its link, shown on the screen)."""
    require_server(smtp)
    done = Delivery()
    with Outbox(smtp) as outbox:
        for one in issued:
            _send_one(ctx, outbox, one, smtp.sender, done, chase=False)
    return done


def _send_one(ctx: Context, outbox: Outbox, issued: Issued, sender: str, done: Delivery, chase: bool) -> bool:
    """Build and send one request's mail; True when it went (a failure is noted in ``done``)."""
    try:
        mail = invitation(ctx, issued, sender, chase=chase)
    except ValueError as error:  # an address that cannot be written into a header
        done.failed.append(f"R{issued.request_id}: {error}")
        return False
    if mail is None:
        return False
    reason = outbox.send(mail)
    if reason is not None:
        done.failed.append(f"R{issued.request_id} → {mail['To']}: {reason}")
        return False
    done.sent += 1
    return True


def chase(ctx: Context, smtp: Smtp, dry_run: bool = False, echo: Callable[[str], None] = print) -> Delivery:
    """Requests a vendor still owes, due in a week, tomorrow, or overdue (weekly): a reminder with a
    new link, which replaces the old one once the mail has gone. A dry run prints who would be
    chased and changes nothing."""
    with ctx.read() as db:
        rows = [r for r in rq.near_due(db, ctx.today + timedelta(days=CHASE_BEFORE_DAYS)) if r["contact_email"]
                and should_chase(date.fromisoformat(r["due_on"]), ctx.today)
                and date.fromisoformat(r["link_expires_on"]) >= ctx.today]
    done = Delivery()
    if dry_run:
        for row in rows:
            echo(f"Chase R{row['id']} ({row['set_id']}, due {row['due_on']}) → {row['contact_email']}")
        done.sent = len(rows)
        return done
    require_server(smtp)
    with Outbox(smtp) as outbox:
        for row in rows:
            token = tokens.new_token()  # kept by us only once the mail with it has gone
            if _send_one(ctx, outbox, Issued(row["id"], requests.link_of(token)), smtp.sender, done, chase=True):
                try:
                    requests.send_request(ctx, row["id"], None, token=token)  # same due date, the new link
                except (RuleViolation, StaleRecord, Busy) as refused:
                    done.failed.append(f"R{row['id']}: the mail went, but its new link was not kept ({refused}); "
                                       "the old link still works")
    return done
