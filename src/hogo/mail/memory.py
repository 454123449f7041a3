"""A sender that keeps messages in a list: for tests and for embedding applications."""

from __future__ import annotations

from hogo.mail.message import Mail
from hogo.mail.sender import MailSender


class MemorySender(MailSender):
    """Keeps every message sent, oldest first, in :attr:`sent`."""

    def __init__(self, sender: str = "privacy@localhost") -> None:
        self.sender = sender
        self.sent: list[Mail] = []

    def send(self, message: Mail) -> None:
        self.sent.append(message)

    def __repr__(self) -> str:
        return f"MemorySender({len(self.sent)} sent)"
