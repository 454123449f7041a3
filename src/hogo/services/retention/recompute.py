"""Bring the ends of stored items in line with the retention rules in force (R-12, R-13, D18).

The vault computes an item's ``retain_until`` and ``retention_rule`` when the item is stored
and when an event its clock waits for is recorded. A new version of the policy that changes a
retention rule (a duration, a clock, a floor, the method) leaves the items already stored with
the ends of the old rules; :class:`RetentionRecompute` recomputes them all.

It walks the subjects with active items in id order, a chunk of them per transaction, and
recomputes each item with :func:`hogo.vault.clocks.realign`: an end the rules gave (the rules in
force, or any version in the register, with the subject's events) moves to the new rules' end,
earlier or later; an end the application gave moves only earlier, never later than the
application asked; no end goes below the legal floor of the rules in force (R-13). Items stored
before hogo computed ends get their rule. A run changes nothing a second time.

Only the privacy office recomputes, or plans a recompute. Each run writes one audit entry with
its counts, in the transaction of its last chunk; a run stopped half way keeps the chunks it
committed, and the next run does the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from hogo.errors import PolicyError, ValidationFailed
from hogo.policy.model import Policy
from hogo.policy.retention import RetentionTerms
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.services.policy_versions import PolicyVersions
from hogo.services.retention.sweeper import require_sweep_role
from hogo.store.lists import among
from hogo.store.tables import items
from hogo.vault import clocks
from hogo.vault.items import ACTIVE

ACTION = "retention_recomputed"
CHUNK = 2000  # subjects per transaction
Progress = Callable[[int], None]  # called after each chunk with the subjects it examined
Pair = tuple[str | None, str | None]  # the rule before and after


@dataclass(frozen=True, slots=True)
class Shift:
    """Items whose end or rule a recompute changes, from one rule to another.

    ``items`` less the ends moved ``earlier``, ``later`` or ``to_none`` are items whose rule
    alone changed. An item that had no end and gets one counts as earlier.
    """

    before: str | None  # the rule that had set their end; None: none
    after: str | None  # the rule of the rules in force; None: no rule covers them
    items: int
    earlier: int
    later: int
    to_none: int  # the new rule waits for an event not yet recorded

    def as_dict(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "after": self.after,
            "items": self.items,
            "earlier": self.earlier,
            "later": self.later,
            "to_none": self.to_none,
        }


@dataclass(frozen=True, slots=True)
class Recomputed:
    """What a recompute changed (or, planned, would change)."""

    policy_version: str
    subjects: int  # subjects with active items, examined
    items: int  # their active items, examined
    chunks: int
    shifts: tuple[Shift, ...]

    @property
    def changed(self) -> int:
        return sum(shift.items for shift in self.shifts)

    @property
    def earlier(self) -> int:
        return sum(shift.earlier for shift in self.shifts)

    @property
    def later(self) -> int:
        return sum(shift.later for shift in self.shifts)

    @property
    def to_none(self) -> int:
        return sum(shift.to_none for shift in self.shifts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version,
            "subjects": self.subjects,
            "items": self.items,
            "changed": self.changed,
            "earlier": self.earlier,
            "later": self.later,
            "to_none": self.to_none,
            "rules": [shift.as_dict() for shift in self.shifts],
        }


class RetentionRecompute:
    """Recomputes every stored item's end under the retention rules of ``policy``."""

    def __init__(self, engine: Engine, policy: Policy, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._policy = policy
        self._terms = RetentionTerms(policy)
        self._clock = clock

    def subjects(self) -> int:
        """How many subjects have active items: what a run walks."""
        query = select(func.count(items.c.subject_id.distinct())).where(items.c.status == ACTIVE)
        with self._engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def plan(
        self, actor: Actor, chunk: int = CHUNK, progress: Progress | None = None
    ) -> Recomputed:
        """What :meth:`run` would change; changes nothing."""
        return self._walk(actor, chunk, progress, write=False)

    def run(self, actor: Actor, chunk: int = CHUNK, progress: Progress | None = None) -> Recomputed:
        """Recompute, ``chunk`` subjects per transaction, and write one audit entry."""
        return self._walk(actor, chunk, progress, write=True)

    def _walk(
        self, actor: Actor, chunk: int, progress: Progress | None, *, write: bool
    ) -> Recomputed:
        require_sweep_role(actor, "recompute retention")
        if chunk < 1:
            raise ValidationFailed(f"a chunk must hold at least one subject, not {chunk}")
        earlier = self._earlier()
        tally = _Tally()
        last = 0
        while True:
            with self._engine.begin() if write else self._engine.connect() as connection:
                ids = _next_subjects(connection, last, chunk)
                if not ids:
                    done = tally.result(self._policy.version)
                    if write:
                        detail = done.as_dict()
                        now = self._clock()
                        record(connection, actor, ACTION, subject_id=None, at=now, detail=detail)
                    return done
                if write:
                    _lock(connection, ids)
                examined, found = clocks.realign(connection, self._terms, ids, earlier)
                if write:
                    clocks.apply(connection, [realigned.change for realigned in found])
            tally.add(len(ids), examined, found)
            last = ids[-1]
            if progress is not None:
                progress(len(ids))

    def _earlier(self) -> list[RetentionTerms]:
        """The retention rules of the published versions that differ from those in force.

        A version whose text no longer loads is left out: the ends it gave are taken for the
        application's, so they only move earlier.
        """
        seen = [self._policy.retention]
        found: list[RetentionTerms] = []
        for version in PolicyVersions(self._engine).list():
            try:
                policy = version.policy()
            except PolicyError:
                continue
            if policy.retention not in seen:
                seen.append(policy.retention)
                found.append(RetentionTerms(policy))
        return found


def _next_subjects(connection: Connection, after: int, limit: int) -> list[int]:
    """The next ``limit`` subjects with active items, in id order, after subject ``after``."""
    query = (
        select(items.c.subject_id)
        .where(items.c.status == ACTIVE, items.c.subject_id > after)
        .group_by(items.c.subject_id)
        .order_by(items.c.subject_id)
        .limit(limit)
    )
    return [int(subject_id) for subject_id in connection.execute(query).scalars()]


def _lock(connection: Connection, subject_ids: Sequence[int]) -> None:
    """On PostgreSQL, lock the chunk's items before their subjects' events are read, so that
    an event recorded meanwhile waits for this chunk rather than being overwritten by it."""
    if connection.dialect.name != "postgresql":
        return
    query = (
        select(items.c.id)
        .where(among(connection, items.c.subject_id, subject_ids), items.c.status == ACTIVE)
        .order_by(items.c.id)
        .with_for_update()
    )
    connection.execute(query).all()


@dataclass
class _Tally:
    subjects: int = 0
    items: int = 0
    chunks: int = 0
    counts: dict[Pair, list[int]] = field(default_factory=dict)  # items, earlier, later, none

    def add(self, subjects: int, examined: int, found: Sequence[clocks.Realigned]) -> None:
        self.subjects += subjects
        self.items += examined
        self.chunks += 1
        for realigned in found:
            counts = self.counts.setdefault((realigned.was_rule, realigned.change.rule), [0] * 4)
            counts[0] += 1
            moved = _moved(realigned.was_until, realigned.change.until)
            if moved is not None:
                counts[moved] += 1

    def result(self, version: str) -> Recomputed:
        shifts = tuple(
            Shift(before, after, *counts)
            for (before, after), counts in sorted(
                self.counts.items(), key=lambda pair: (pair[0][0] or "", pair[0][1] or "")
            )
        )
        return Recomputed(version, self.subjects, self.items, self.chunks, shifts)


def _moved(was: dt.datetime | None, until: dt.datetime | None) -> int | None:
    """Which count a moved end adds to: 1 earlier, 2 later, 3 to none; ``None``: same end."""
    if was == until:
        return None
    if until is None:
        return 3
    if was is None or until < was:
        return 1
    return 2
