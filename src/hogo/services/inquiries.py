"""The inquiry desk of §8: questions and complaints from receipt to answer (APPI A40; R-47).

A ticket records when it arrived, through which channel, who handles it, what was answered and
how it was resolved. Each step is checked against the ticket's status and audited with its
actor in the same transaction. What the person wrote, the replies, the notes and the name and
address to answer at are sealed under the ticket's own data key (:mod:`hogo.vault.tickets`);
the e-mail address also gets a blind index, so a person's tickets can be found, and erased with
them, without decrypting anything.

A ticket is due ``inquiry_desk.response_days`` after the day it arrived, in Japan time. When a
closed ticket has been kept for ``inquiry_desk.retention``, :meth:`InquiryService.purge_expired`
destroys its messages and its key; the row stays as the record that a ticket of that kind was
received, handled and closed on those dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from hogo.errors import Conflict
from hogo.policy.durations import add_duration
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.inquiry_records import (
    CONTACT_AUTHOR,
    MAX_ASSIGNEE,
    Direction,
    Ticket,
    TicketSummary,
    check_intake,
    check_text,
    first_message,
    require_desk_role,
)
from hogo.services.rights.deadlines import arrival_date
from hogo.services.rights.limits import Budget, IntakeLimits, throttle
from hogo.services.rights.tokens import IntakeHasher
from hogo.services.ticket_rows import (
    SUMMARY_COLUMNS,
    add_message,
    ids,
    insert_ticket,
    load,
    not_shredded,
    read_messages,
    require_subject,
    shred,
    shred_for_subject,
    summary_of,
)
from hogo.store.tables import tickets
from hogo.vault.blind_index import blind_index
from hogo.vault.keys import KeyRing
from hogo.vault.tickets import TicketCipher

# The status each step leads to, from each status it is allowed in.
MOVES: dict[str, dict[str, str]] = {
    "assign": {"open": "assigned", "assigned": "assigned", "answered": "answered"},
    "reply": {"open": "answered", "assigned": "answered", "answered": "answered"},
    "note": {"open": "open", "assigned": "assigned", "answered": "answered"},
    "close": {"open": "closed", "assigned": "closed", "answered": "closed"},
    "reopen": {"closed": "open"},
}
AIMS = {"assign": "assigned", "reply": "answered", "close": "closed", "reopen": "open"}


def _target(ticket: TicketSummary, step: str) -> str:
    """The status ``step`` leads to, or :class:`Conflict` naming both states."""
    if ticket.shredded:
        raise Conflict(f"ticket {ticket.id} was shredded: its messages are gone, it cannot change")
    target = MOVES[step].get(ticket.status)
    if target is None and step == "note":
        raise Conflict(f"ticket {ticket.id} is {ticket.status}; reopen it to add a note")
    if target is None:
        aim = AIMS[step]
        raise Conflict(
            f"ticket {ticket.id} is {ticket.status}; it cannot become {aim}",
            from_status=ticket.status,
            to_status=aim,
        )
    if step == "reopen" and ticket.assigned_to:
        return "assigned"
    return target


class InquiryService:
    """Receives questions and complaints and moves them through the desk's workflow."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        keyring: KeyRing,
        clock: Clock = utc_now,
        *,
        limits: IntakeLimits | None = None,
    ) -> None:
        self._engine = engine
        self._desk = policy.inquiry_desk
        self._keyring = keyring
        self._clock = clock
        self._limits = limits or IntakeLimits()

    def open(
        self,
        kind: str,
        text: str,
        *,
        email: str | None = None,
        name: str | None = None,
        lang: str = "ja",
        channel: str = "inquiry_form",
        subject_id: int | None = None,
        actor: Actor | None = None,
        client: str | None = None,
    ) -> int:
        """Record an arriving ticket and its due date; returns its id.

        ``actor`` is who records it: by default the channel itself (the person, through the
        form); a member of staff taking a call names themselves. ``client`` (the sender's IP
        address, for the public form) and the e-mail address are rate-limited like the
        privacy center's intake.
        """
        check_intake(self._desk, kind, lang, channel)
        first = first_message(text, name, email)
        address = first.get("email")
        index = blind_index(self._keyring.index_key, "email", address) if address else None
        actor = actor or Actor(id=f"desk:{channel}", role="public")
        now = self._clock()
        self._throttle(index, client, actor, now)
        due = self._due(now)
        values = {
            "kind": kind,
            "status": "open",
            "subject_id": subject_id,
            "lang": lang,
            "channel": channel,
            "contact_index": index,
            "received_at": now,
            "due_at": due,
        }
        with self._engine.begin() as connection:
            if subject_id is not None:
                require_subject(connection, subject_id)
            ticket_id, cipher = insert_ticket(connection, self._keyring, values)
            add_message(connection, cipher, ticket_id, now, CONTACT_AUTHOR, "in", first)
            detail = {"ticket_id": ticket_id, "kind": kind, "channel": channel, "lang": lang}
            record_audit(
                connection,
                actor,
                "ticket_open",
                subject_id=subject_id,
                at=now,
                detail={**detail, "to": "open", "due_at": due.isoformat()},
            )
        return ticket_id

    def _throttle(
        self, index: bytes | None, client: str | None, actor: Actor, now: dt.datetime
    ) -> None:
        budgets = [] if index is None else [Budget("address", index, self._limits.per_address)]
        if client:
            hashed = IntakeHasher(self._keyring.code_key).client(client)
            budgets.append(Budget("client", hashed, self._limits.per_client))
        if budgets:
            throttle(self._engine, budgets, now, self._limits.window, actor, "ticket_limited", {})

    def assign(self, actor: Actor, ticket_id: int, to: str) -> None:
        """Name who handles the ticket (R-47: the handler)."""
        handler = check_text(to, "the handler", MAX_ASSIGNEE)
        self._step(actor, ticket_id, "assign", {"assigned_to": handler}, {"assigned_to": handler})

    def reply(self, actor: Actor, ticket_id: int, text: str) -> None:
        """Record the answer sent to the person; the ticket becomes answered."""
        body = {"text": check_text(text, "the reply")}
        self._step(actor, ticket_id, "reply", {}, {}, message=("out", body))

    def note(self, actor: Actor, ticket_id: int, text: str) -> None:
        """An internal note, never sent; the status does not change."""
        body = {"text": check_text(text, "the note")}
        self._step(actor, ticket_id, "note", {}, {}, message=("note", body))

    def close(self, actor: Actor, ticket_id: int, resolution: str) -> None:
        """Close with how the ticket was resolved; its messages are kept ``retention`` longer."""
        body: dict[str, Any] = {
            "text": check_text(resolution, "the resolution"),
            "resolution": True,
        }
        now = self._clock()
        retain_until = add_duration(now, self._desk.retention)
        changes = {"closed_at": now, "retain_until": retain_until}
        detail = {"retain_until": retain_until.isoformat()}
        self._step(actor, ticket_id, "close", changes, detail, message=("note", body), now=now)

    def reopen(self, actor: Actor, ticket_id: int) -> None:
        """Open a closed ticket again, due ``response_days`` from today."""
        now = self._clock()
        due = self._due(now)
        changes = {"closed_at": None, "retain_until": None, "due_at": due}
        self._step(actor, ticket_id, "reopen", changes, {"due_at": due.isoformat()}, now=now)

    def get(self, ticket_id: int, actor: Actor | None = None) -> Ticket:
        """The ticket with its messages decrypted; with an ``actor`` the read is audited."""
        if actor is not None:
            require_desk_role(actor)
        with self._engine.begin() as connection:
            summary, wrapped = load(connection, ticket_id)
            messages, contact = (
                ([], {})
                if summary.shredded
                else read_messages(connection, self._cipher(ticket_id, wrapped), ticket_id)
            )
            if actor is not None:
                record_audit(
                    connection,
                    actor,
                    "ticket_read",
                    subject_id=summary.subject_id,
                    at=self._clock(),
                    detail={"ticket_id": ticket_id, "messages": len(messages)},
                )
        return Ticket(
            **asdict(summary),
            name=contact.get("name"),
            email=contact.get("email"),
            messages=tuple(messages),
        )

    def summary(self, ticket_id: int) -> TicketSummary:
        """The ticket's status and dates; nothing is decrypted."""
        with self._engine.connect() as connection:
            return load(connection, ticket_id)[0]

    def list_open(self) -> list[TicketSummary]:
        """Open tickets, the one due first at the top; nothing is decrypted."""
        query = (
            select(*SUMMARY_COLUMNS)
            .where(tickets.c.status != "closed")
            .order_by(tickets.c.due_at, tickets.c.id)
        )
        with self._engine.connect() as connection:
            return [summary_of(row) for row in connection.execute(query)]

    def for_contact(self, email: str) -> list[int]:
        """Ids of the tickets written from ``email``, found through its blind index."""
        index = blind_index(self._keyring.index_key, "email", email)
        query = select(tickets.c.id).where(tickets.c.contact_index == index).order_by(tickets.c.id)
        with self._engine.connect() as connection:
            return [int(ticket_id) for ticket_id in connection.execute(query).scalars()]

    def purge_expired(self, actor: Actor, now: dt.datetime | None = None) -> int:
        """Shred the closed tickets kept past ``retain_until``; returns how many."""
        require_desk_role(actor)
        now = now or self._clock()
        expired = (tickets.c.status == "closed", tickets.c.retain_until <= now, not_shredded())
        with self._engine.begin() as connection:
            purged = ids(connection, *expired)
            if purged:
                shred(connection, *expired)
                record_audit(
                    connection,
                    actor,
                    "ticket_purge",
                    subject_id=None,
                    at=now,
                    detail={"ticket_ids": purged, "retention": self._desk.retention},
                )
        return len(purged)

    def erase_for_subject(
        self, connection: Connection, subject_id: int, email_indexes: Collection[bytes]
    ) -> list[int]:
        """Shred the tickets of a person being erased, in the caller's transaction.

        A ticket is the person's when it names the subject or was written from one of the
        e-mail addresses whose blind indexes are given. Open ones are closed. Returns the ids
        shredded, for the caller's audit entry of the erasure.
        """
        return shred_for_subject(connection, subject_id, email_indexes, self._clock())

    def _step(
        self,
        actor: Actor,
        ticket_id: int,
        step: str,
        changes: Mapping[str, Any],
        detail: Mapping[str, Any],
        *,
        message: tuple[Direction, dict[str, Any]] | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Check the move, change the row, add the message and audit it, in one transaction."""
        require_desk_role(actor)
        now = now or self._clock()
        with self._engine.begin() as connection:
            ticket, wrapped = load(connection, ticket_id)
            to = _target(ticket, step)
            result = connection.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id, tickets.c.status == ticket.status)
                .values(status=to, **changes)
            )
            if result.rowcount != 1:
                raise Conflict(f"ticket {ticket_id} changed while being updated; try again")
            if message is not None:
                direction, body = message
                cipher = self._cipher(ticket_id, wrapped)
                add_message(connection, cipher, ticket_id, now, actor.id, direction, body)
            audit = {"ticket_id": ticket_id, "kind": ticket.kind, "from": ticket.status, "to": to}
            record_audit(
                connection,
                actor,
                f"ticket_{step}",
                subject_id=ticket.subject_id,
                at=now,
                detail={**audit, **detail},
            )

    def _cipher(self, ticket_id: int, wrapped: bytes) -> TicketCipher:
        return TicketCipher.unwrap(self._keyring, ticket_id, wrapped)

    def _due(self, now: dt.datetime) -> dt.date:
        """``response_days`` after the day of arrival in Japan time (the desk is in Japan)."""
        return arrival_date(now, "appi") + dt.timedelta(days=self._desk.response_days)
