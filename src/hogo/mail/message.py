"""A mail to send, and its RFC 5322 form.

A mail to a person carries personal data (a one-time code, the answer to a request), so the
``repr`` of :class:`Mail` shows neither its body nor its recipient.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime, make_msgid

from hogo.errors import ValidationFailed

MAX_SUBJECT = 200
_LINE_BREAKS = ("\r", "\n")


@dataclass(frozen=True, slots=True)
class Mail:
    """One message: the recipient, a subject line, a plain-text body and an optional HTML one."""

    to: str = field(repr=False)
    subject: str
    text: str = field(repr=False)
    html: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if "@" not in self.to or any(mark in self.to for mark in (*_LINE_BREAKS, ",", " ")):
            raise ValidationFailed("a mail needs exactly one recipient address")
        if not self.subject or len(self.subject) > MAX_SUBJECT:
            raise ValidationFailed(f"a mail subject has 1 to {MAX_SUBJECT} characters")
        if any(mark in self.subject for mark in _LINE_BREAKS):
            raise ValidationFailed("a mail subject is one line")


def to_email(mail: Mail, sender: str, *, now: dt.datetime | None = None) -> EmailMessage:
    """The message in RFC 5322 form, UTF-8 throughout (non-ASCII headers RFC 2047-encoded)."""
    message = EmailMessage(policy=default)
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    # base64: the message stays 7-bit, so any relay passes it unchanged.
    message.set_content(mail.text, charset="utf-8", cte="base64")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="base64")
    return message


def to_bytes(message: EmailMessage) -> bytes:
    """The message as sent over SMTP: CRLF line ends, 7-bit."""
    return message.as_bytes(policy=SMTP)


def _domain(sender: str) -> str:
    """The domain of the sender's address, for the Message-ID."""
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rpartition("@")[2] or "localhost"
