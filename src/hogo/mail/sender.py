"""The one interface every mail sender implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

from hogo.mail.message import Mail


class MailSender(ABC):
    """Sends a :class:`Mail`, or raises :class:`~hogo.errors.MailFailed` saying why not."""

    @abstractmethod
    def send(self, message: Mail) -> None:
        """Hand the message over for delivery; return only once it is accepted."""
