"""The shapes that go into the vault and come out of it.

A value is personal data, so no ``repr`` of these classes shows it: a log line or a traceback
that prints an item never prints what the item holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Source = Literal["direct", "third_party", "public", "succession"]
SOURCES: frozenset[str] = frozenset(("direct", "third_party", "public", "succession"))
"""How an item was acquired (R-07, APPI A20(1), A30)."""

LookupKind = Literal["email", "phone"]
ACTIVE = "active"
"""The status of a subject or item in use (the others: suspended, erased, expired)."""


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item to store: its category, value, the purposes it was collected for, its source."""

    category: str
    value: str = field(repr=False)
    purposes: Sequence[str]
    source: str = "direct"
    retain_until: dt.datetime | None = None

    def __post_init__(self) -> None:
        # A tuple is hashable, so validation can be computed once per distinct purpose list.
        object.__setattr__(self, "purposes", tuple(self.purposes))


@dataclass(frozen=True, slots=True)
class NewSubject:
    """A subject to create with its first items, as one element of an ingest batch."""

    group: str
    ref: str
    birth_date: dt.date | None = None
    jurisdiction: str | None = None
    items: Sequence[NewItem] = ()


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """A row of ``subjects``; ``wrapped_key`` opens only under the master key it was made with."""

    id: int
    group: str
    ref: str
    birth_date: dt.date | None
    jurisdiction: str
    status: str
    wrapped_key: bytes = field(repr=False)
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredItem:
    """A row of ``items`` as stored: the value still encrypted (or a card token)."""

    id: int
    subject_id: int
    category: str
    ciphertext: bytes = field(repr=False)
    display: str | None
    purposes: tuple[str, ...]
    source: str
    collected_at: dt.datetime
    retain_until: dt.datetime | None
    status: str


@dataclass(frozen=True, slots=True)
class SealedValue:
    """Just what it takes to open one item in bulk: no purposes, source or status."""

    id: int
    category: str
    ciphertext: bytes = field(repr=False)
    display: str | None
    expired: bool  # past its retain_until at the time it was read


@dataclass(frozen=True, slots=True)
class PlainItem:
    """A decrypted item. For a card number ``value`` is the masked form, never the number."""

    id: int
    category: str
    value: str = field(repr=False)
    display: str | None
    purposes: tuple[str, ...]
    source: str
    collected_at: dt.datetime
    retain_until: dt.datetime | None


@dataclass(frozen=True, slots=True)
class IngestStats:
    """What one ingest call stored."""

    subjects: int
    items: int
