"""Events that start retention clocks: recorded for a subject, each one audited (R-12, D18).

A rule whose clock starts at an event (``clock: event``, ``relationship_end``,
``last_activity``) keeps its items without an end until the event is recorded for their
subject. Recording it appends a ``subject_events`` row (append-only in the database),
recomputes the ends of the subject's items that wait for it (:mod:`hogo.vault.clocks`) and
writes an audit entry, in one transaction. Only a role that covers the subject's group may
record or read a subject's events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, insert, select

from hogo.errors import Conflict, ValidationFailed
from hogo.policy.model import Policy
from hogo.policy.retention import RetentionTerms, known_events
from hogo.services.access import Clock
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.scope import require_scope
from hogo.store.tables import subject_events
from hogo.vault import clocks, reads
from hogo.vault.items import SubjectRow

AHEAD = dt.timedelta(minutes=5)  # how far in the future an event may be, for clock skew


@dataclass(frozen=True, slots=True)
class SubjectEvent:
    id: int
    subject_id: int
    event: str
    at: dt.datetime  # when it happened: the clocks waiting for it start here
    recorded_at: dt.datetime
    recorded_by: str


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event just recorded, with what it changed."""

    event: SubjectEvent
    changed: int  # items whose end (or deciding rule) changed
    earliest_until: dt.datetime | None  # the earliest of their new ends


class EventService:
    """Records the events that start retention clocks, and lists a subject's events."""

    def __init__(self, engine: Engine, policy: Policy, clock: Clock) -> None:
        self._engine = engine
        self._policy = policy
        self._terms = RetentionTerms(policy)
        self._known = known_events(policy)
        self._clock = clock

    def record(
        self, actor: Actor, subject_id: int, event: str, at: dt.datetime | None = None
    ) -> RecordedEvent:
        """Record that ``event`` happened to the subject at ``at`` (default: now); the ends of
        the subject's items that wait for it follow."""
        now = self._clock()
        at = now if at is None else at
        self._check(event, at, now)
        with self._engine.begin() as connection:
            self._subject(connection, actor, subject_id)
            before = clocks.latest_events(connection, [subject_id])
            added = insert(subject_events).values(
                subject_id=subject_id, event=event, at=at, recorded_at=now, recorded_by=actor.id
            )
            row = connection.execute(added.returning(*subject_events.c)).one()
            changed = clocks.changes(
                connection, self._terms, [subject_id], {event}, computed_with=before
            )
            clocks.apply(connection, changed)
            detail = {"event": event, "at": at.isoformat(), "items_changed": len(changed)}
            record_audit(
                connection, actor, "event_recorded", subject_id=subject_id, at=now, detail=detail
            )
        ends = [change.until for change in changed if change.until is not None]
        return RecordedEvent(_event(row), len(changed), min(ends, default=None))

    def events_of(self, actor: Actor, subject_id: int) -> list[SubjectEvent]:
        """The subject's events, the earliest first."""
        query = (
            select(subject_events)
            .where(subject_events.c.subject_id == subject_id)
            .order_by(subject_events.c.at, subject_events.c.id)
        )
        with self._engine.connect() as connection:
            require_scope(
                self._policy, actor.role, group=reads.subject_row(connection, subject_id).group
            )
            return [_event(row) for row in connection.execute(query)]

    def _check(self, event: str, at: dt.datetime, now: dt.datetime) -> None:
        if event not in self._known:
            known = ", ".join(sorted(self._known))
            raise ValidationFailed(f"unknown event {event!r}; the policy knows: {known}")
        if at.tzinfo is None:
            raise ValidationFailed("the moment of an event must be an aware datetime")
        if at > now + AHEAD:
            raise ValidationFailed(f"event {event!r} at {at.isoformat()} is in the future")

    def _subject(self, connection: Connection, actor: Actor, subject_id: int) -> SubjectRow:
        subject = reads.subject_row(connection, subject_id)
        require_scope(self._policy, actor.role, group=subject.group)
        if subject.status == "erased":
            raise Conflict(f"subject {subject_id} is erased; no events are recorded for it")
        return subject


def _event(row: Row[Any]) -> SubjectEvent:
    return SubjectEvent(
        id=row.id,
        subject_id=row.subject_id,
        event=row.event,
        at=row.at,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )
