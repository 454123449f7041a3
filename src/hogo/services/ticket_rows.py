"""The rows of ``tickets`` and ``ticket_messages``: written sealed, read back, shredded.

These helpers run in the caller's transaction. Message bodies are JSON (``{"text": …}``, plus
``name`` and ``email`` on the person's first message and ``resolution`` on the closing note),
sealed whole under the ticket's data key, so nothing a person wrote is stored in clear.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from hogo.errors import NotFound
from hogo.services.inquiry_records import Direction, TicketMessage, TicketSummary
from hogo.store.tables import subjects, ticket_messages, tickets
from hogo.vault.keys import KeyRing
from hogo.vault.tickets import SHREDDED, TicketCipher

SUMMARY_COLUMNS = [
    *(column for column in tickets.c if column.name not in ("wrapped_key", "contact_index")),
    (func.length(tickets.c.wrapped_key) == 0).label("shredded"),
]
SUMMARY_FIELDS = [field.name for field in fields(TicketSummary)]


def summary_of(row: Row[*tuple[Any, ...]]) -> TicketSummary:
    values = {name: getattr(row, name) for name in SUMMARY_FIELDS}
    return TicketSummary(**{**values, "shredded": bool(row.shredded)})


def not_shredded() -> ColumnElement[bool]:
    return func.length(tickets.c.wrapped_key) > 0


def insert_ticket(
    connection: Connection, keyring: KeyRing, values: Mapping[str, Any]
) -> tuple[int, TicketCipher]:
    """A new ticket row with its own wrapped data key; the key's associated data is the id."""
    inserted = insert(tickets).values(**values, wrapped_key=SHREDDED).returning(tickets.c.id)
    ticket_id = int(connection.execute(inserted).scalar_one())
    cipher, wrapped = TicketCipher.create(keyring, ticket_id)
    connection.execute(update(tickets).where(tickets.c.id == ticket_id).values(wrapped_key=wrapped))
    return ticket_id, cipher


def add_message(
    connection: Connection,
    cipher: TicketCipher,
    ticket_id: int,
    now: dt.datetime,
    author: str,
    direction: Direction,
    body: Mapping[str, Any],
) -> None:
    sealed = cipher.seal(direction, author, json.dumps(body, ensure_ascii=False))
    connection.execute(
        insert(ticket_messages).values(
            ticket_id=ticket_id, at=now, author=author, direction=direction, ciphertext=sealed
        )
    )


def read_messages(
    connection: Connection, cipher: TicketCipher, ticket_id: int
) -> tuple[list[TicketMessage], dict[str, Any]]:
    """The ticket's messages, oldest first, and the contact given with the first one."""
    query = (
        select(ticket_messages)
        .where(ticket_messages.c.ticket_id == ticket_id)
        .order_by(ticket_messages.c.id)
    )
    messages: list[TicketMessage] = []
    contact: dict[str, Any] = {}
    for row in connection.execute(query):
        body = json.loads(cipher.open(bytes(row.ciphertext), row.direction, row.author, row.id))
        if not messages and row.direction == "in":
            contact = body
        messages.append(
            TicketMessage(
                id=row.id,
                at=row.at,
                author=row.author,
                direction=row.direction,
                text=str(body["text"]),
                resolution=bool(body.get("resolution", False)),
            )
        )
    return messages, contact


def load(connection: Connection, ticket_id: int) -> tuple[TicketSummary, bytes]:
    """The ticket's summary and its wrapped key; :class:`NotFound` if there is no such ticket."""
    query = select(*SUMMARY_COLUMNS, tickets.c.wrapped_key).where(tickets.c.id == ticket_id)
    row = connection.execute(query).first()
    if row is None:
        raise NotFound(f"no ticket {ticket_id}")
    return summary_of(row), bytes(row.wrapped_key)


def ids(connection: Connection, *where: ColumnElement[bool]) -> list[int]:
    query = select(tickets.c.id).where(*where).order_by(tickets.c.id)
    return [int(ticket_id) for ticket_id in connection.execute(query).scalars()]


def shred(connection: Connection, *where: ColumnElement[bool]) -> None:
    """Destroy the messages and the key of the tickets ``where`` selects; keep kind and dates."""
    chosen = select(tickets.c.id).where(*where)
    connection.execute(delete(ticket_messages).where(ticket_messages.c.ticket_id.in_(chosen)))
    connection.execute(
        update(tickets)
        .where(*where)
        .values(wrapped_key=SHREDDED, contact_index=None, subject_id=None)
    )


def shred_for_subject(
    connection: Connection, subject_id: int, email_indexes: Collection[bytes], now: dt.datetime
) -> list[int]:
    """Shred a person's tickets (by subject, or by e-mail blind index); close the open ones."""
    mine = or_(
        tickets.c.subject_id == subject_id,
        tickets.c.contact_index.in_([bytes(index) for index in email_indexes]),
    )
    found = ids(connection, mine, not_shredded())
    if not found:
        return []
    connection.execute(
        update(tickets)
        .where(tickets.c.id.in_(found), tickets.c.status != "closed")
        .values(status="closed", closed_at=now, retain_until=now)
    )
    shred(connection, tickets.c.id.in_(found))
    return found


def require_subject(connection: Connection, subject_id: int) -> None:
    found = connection.execute(select(subjects.c.id).where(subjects.c.id == subject_id))
    if found.first() is None:
        raise NotFound(f"no subject {subject_id}")
