"""Sending a run of e-mails (the owners' digests, the vendors' invitations and reminders) so that
each one goes or fails on its own: a bad address or a refused recipient fails that mail, which is
reported, and the others go on. A server that cannot be reached fails every mail of the run with its
reason, without waiting for it again for each."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

from ..settings import Smtp

# what building or sending one mail may raise: a header that cannot be written (ValueError), the
# server's refusal (SMTPException), the network (OSError)
MAIL_ERRORS = (ValueError, smtplib.SMTPException, OSError)


def connect(smtp: Smtp) -> smtplib.SMTP:
    """A signed-in connection to the SMTP server the settings name. Raises smtplib and OS errors."""
    context = ssl.create_default_context()
    if smtp.security == "tls":
        server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_seconds, context=context)
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        if smtp.security == "starttls":
            server.starttls(context=context)
    if smtp.username:
        server.login(smtp.username, smtp.password)
    return server


def require_server(smtp: Smtp) -> None:
    """Raise ValueError unless the settings name a server and a sender."""
    if not smtp.host or not smtp.sender:
        raise ValueError("settings [smtp] needs host and sender to send e-mail (or use --dry-run)")


@dataclass
class Delivery:
    """What a run sent, and what it could not send (to whom, what, and why)."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)


class Outbox:
    """One connection for a run, opened at the first mail; one reconnection after the server drops it."""

    def __init__(self, smtp: Smtp):
        self.smtp = smtp
        self.server: smtplib.SMTP | None = None
        self.unreachable: str | None = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *_) -> None:
        if self.server is not None:
            with contextlib.suppress(MAIL_ERRORS):  # the mails are sent; a rude goodbye changes nothing
                self.server.quit()

    def send(self, mail: EmailMessage) -> str | None:
        """Send one mail; None when it went, else why not."""
        if self.unreachable:
            return self.unreachable
        for attempt in (1, 2):
            try:
                if self.server is None:
                    self.server = connect(self.smtp)
            except MAIL_ERRORS as error:
                self.unreachable = f"the mail server cannot be reached ({_reason(error)})"
                return self.unreachable
            try:
                self.server.send_message(mail)
                return None
            except smtplib.SMTPServerDisconnected as error:
                self.server = None
                if attempt == 2:
                    return _reason(error)
            except MAIL_ERRORS as error:
                return _reason(error)
        return None


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
