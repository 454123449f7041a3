"""What the inquiry desk holds and accepts: tickets as read back, and the checks on input.

A ticket is a question, complaint or request received by the desk of §8 (APPI A40; R-47). Its
status moves ``open → assigned → answered → closed`` (a reply may come before anyone is
assigned) and a closed ticket may be reopened. The texts are personal data: the dataclasses
here keep them out of their ``repr``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, get_args

from hogo.errors import Forbidden, ValidationFailed
from hogo.policy.model import InquiryDesk
from hogo.services.actor import Actor

TicketKind = Literal["question", "complaint", "request"]
TICKET_KINDS: tuple[str, ...] = get_args(TicketKind)
TicketStatus = Literal["open", "assigned", "answered", "closed"]
Direction = Literal["in", "out", "note"]
LANGS = ("ja", "en")
DESK_ROLES = ("privacy_office",)  # who may read and work tickets
CONTACT_AUTHOR = "contact"  # the author of what the person wrote

MAX_TEXT = 10_000
MAX_NAME = 200
MAX_EMAIL = 254  # RFC 5321's limit on a forward path
MAX_ASSIGNEE = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class TicketMessage:
    """One message: ``in`` from the person, ``out`` a reply, ``note`` internal to the desk."""

    id: int
    at: dt.datetime
    author: str
    direction: str
    text: str = field(repr=False)
    resolution: bool = False  # the note that closed the ticket


@dataclass(frozen=True, slots=True)
class TicketSummary:
    """A ticket without its messages: what the queue shows, nothing decrypted."""

    id: int
    kind: str
    status: str
    subject_id: int | None
    lang: str
    channel: str
    received_at: dt.datetime
    due_at: dt.date
    assigned_to: str | None
    closed_at: dt.datetime | None
    retain_until: dt.datetime | None
    shredded: bool  # the messages were destroyed: retention ended, or the person was erased

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

    def overdue(self, on: dt.date) -> bool:
        """Still open after its due date (R-47: a prompt process)."""
        return self.is_open and self.due_at < on


@dataclass(frozen=True, slots=True)
class Ticket(TicketSummary):
    """A ticket with its messages decrypted, oldest first, and the contact to answer."""

    name: str | None = field(repr=False)
    email: str | None = field(repr=False)
    messages: tuple[TicketMessage, ...]

    @property
    def resolution(self) -> str | None:
        """What the ticket was closed with, while it is closed."""
        if self.is_open:
            return None
        found = [message.text for message in self.messages if message.resolution]
        return found[-1] if found else None


def require_desk_role(actor: Actor) -> None:
    """Only the privacy office reads and works tickets (R-15: persons in charge)."""
    if actor.role not in DESK_ROLES:
        raise Forbidden(
            f"role {actor.role!r} may not work the inquiry desk; it is for {', '.join(DESK_ROLES)}",
            role=actor.role,
        )


def check_text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    """The text without surrounding space: not empty, at most ``limit`` characters."""
    text = value.strip()
    if not text:
        raise ValidationFailed(f"{what} is empty")
    if len(text) > limit:
        raise ValidationFailed(
            f"{what} has {len(text):,} characters; at most {limit:,} are accepted"
        )
    return text


def check_email(value: str) -> str:
    """An address to answer at, NFKC-normalised (a full-width ＠ becomes @)."""
    email = unicodedata.normalize("NFKC", value).strip()
    if len(email) > MAX_EMAIL:
        raise ValidationFailed(f"the e-mail address is longer than {MAX_EMAIL} characters")
    if not _EMAIL.match(email):
        raise ValidationFailed("the e-mail address is not one such as taro@example.jp")
    return email


def check_intake(desk: InquiryDesk, kind: str, lang: str, channel: str) -> None:
    """The kind, language and channel of a new ticket; :class:`ValidationFailed` otherwise."""
    if kind not in TICKET_KINDS:
        raise ValidationFailed(f"unknown inquiry kind {kind!r}; expected {', '.join(TICKET_KINDS)}")
    if lang not in LANGS:
        raise ValidationFailed(f"unknown language {lang!r}; expected {', '.join(LANGS)}")
    if channel not in desk.channels:
        raise ValidationFailed(
            f"the inquiry desk has no channel {channel!r}; it receives through "
            f"{', '.join(desk.channels)}"
        )


def first_message(text: str, name: str | None, email: str | None) -> dict[str, str]:
    """The body of what the person wrote, with the name and address to answer at, if given."""
    body = {"text": check_text(text, "the inquiry text")}
    if name is not None and name.strip():
        body["name"] = check_text(name, "the name", MAX_NAME)
    if email is not None and email.strip():
        body["email"] = check_email(email)
    return body
