"""Senders chosen by URL scheme, from an explicit registry that :func:`register` extends.

========== ============================================= =========================
scheme     example                                       sender
========== ============================================= =========================
``smtp``   ``smtp://user:pw@mail.example.jp:587?starttls=1`` :class:`SmtpSender`
``smtps``  ``smtps://mail.example.jp``                   :class:`SmtpSender`
``file``   ``file:///var/spool/hogo`` or ``file://outbox`` :class:`FileSender`
``memory`` ``memory://``                                 :class:`MemorySender`
========== ============================================= =========================
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import SplitResult, urlsplit

from hogo.errors import ValidationFailed
from hogo.mail import outbox, smtp
from hogo.mail.memory import MemorySender
from hogo.mail.sender import MailSender

MailFactory = Callable[[SplitResult, str], MailSender]
"""Builds a sender from the parsed URL and the ``From`` address."""


def _memory(_url: SplitResult, sender: str) -> MailSender:
    return MemorySender(sender)


SENDERS: dict[str, MailFactory] = {
    "smtp": smtp.from_url,
    "smtps": smtp.from_url,
    "file": outbox.from_url,
    "memory": _memory,
}


def register(scheme: str, factory: MailFactory) -> None:
    """Make ``scheme://…`` URLs build their sender with ``factory``."""
    if not scheme.isidentifier() or scheme != scheme.lower():
        raise ValidationFailed(f"a mail URL scheme is a lower-case name, not {scheme!r}")
    SENDERS[scheme] = factory


def open_mailer(url: str, sender: str) -> MailSender:
    """The sender for ``url``; an unknown scheme is refused, naming the known ones."""
    parsed = urlsplit(url)
    factory = SENDERS.get(parsed.scheme)
    if factory is None:
        known = ", ".join(f"{scheme}://" for scheme in sorted(SENDERS))
        raise ValidationFailed(f"unknown mail URL scheme in {_shown(url)!r}; expected {known}")
    return factory(parsed, sender)


def _shown(url: str) -> str:
    """The URL without a password, fit for an error message."""
    parsed = urlsplit(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return parsed._replace(netloc=netloc).geturl()
