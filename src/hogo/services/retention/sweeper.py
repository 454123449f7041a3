"""The retention sweep: items past their retention are deleted, and every run is logged (R-12).

``plan`` says what a sweep would take, changing nothing. ``run`` works in chunks, each its own
transaction: claim due items not under a legal hold (:mod:`.due`), leave those a legal floor
still keeps (R-13), delete the others with their earlier values, log them per rule, category
and method (:mod:`.runlog`), write their suppression entries to disk and commit. The entries
are flushed before the commit (R-14), so a backup restored later does not bring a swept item
back. A run stopped half way keeps its committed chunks; the next run takes the rest.

A rule whose ``then`` is ``anonymise`` leaves, before its items are deleted, the values that
identify no one, unlinked from the person (:mod:`.anonymise`). A subject whose every item went
stays as a row: its ledgers (requests, consents, audit entries) point at it.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from hogo.errors import Conflict, Forbidden, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.access import Clock
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.services.retention.anonymise import keep_anonymous
from hogo.services.retention.attribution import Attribution, Attributor
from hogo.services.retention.due import DueItem, Mark, claim, count_due
from hogo.services.retention.runlog import (
    PlanRow,
    SweepRun,
    finish_run,
    log_chunk,
    recent_runs,
    start_run,
)
from hogo.vault.erase import delete_many_items, tombstone
from hogo.vault.keys import KeyRing
from hogo.vault.reads import subject_names
from hogo.vault.suppression import Suppression, SuppressionList
from hogo.vault.vault import Vault

SWEEP_ROLES = ("privacy_office",)  # who runs sweeps
ANONYMISE = "anonymise"
Progress = Callable[[int], None]  # called after each chunk with the items it examined
Group = tuple[str, str, str]  # rule, category, method
Judged = list[tuple[DueItem, Attribution]]  # due items with the rule each goes under


@dataclass(frozen=True, slots=True)
class SweepReport:
    run_id: int
    as_of: dt.datetime
    rows: tuple[PlanRow, ...]  # subjects: distinct people of the run
    chunks: int

    @property
    def items(self) -> int:
        return sum(row.items for row in self.rows)


class Sweeper:
    """Sweeps the items of one database under one policy."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        vault: Vault,
        keyring: KeyRing,
        suppression: SuppressionList,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._vault = vault
        self._attributor = Attributor(policy)
        self._floored = [name for name, rule in policy.retention.items() if rule.legal_minimum]
        self._keyring = keyring
        self._suppression = suppression
        self._clock = clock

    def plan(self, as_of: dt.datetime, chunk: int = 5000) -> list[PlanRow]:
        """What a run at ``as_of`` would take, per rule, category and method; nothing changes."""
        tally = _Tally()
        after: Mark = None
        with self._engine.connect() as connection:
            while claimed := claim(
                connection, as_of, after, chunk, lock=False, floored=self._floored
            ):
                after = (claimed[-1].retain_until, claimed[-1].id)
                tally.add(self._groups(self._due(connection, claimed, as_of)))
        return tally.rows()

    def due_count(self, as_of: dt.datetime) -> int:
        """Items past ``retain_until`` and not held; an upper bound of what a run takes."""
        with self._engine.connect() as connection:
            return count_due(connection, as_of)

    def runs(self, limit: int = 20) -> list[SweepRun]:
        """The latest runs, the latest first; one without a finish was interrupted."""
        with self._engine.connect() as connection:
            return recent_runs(connection, limit)

    def run(
        self,
        actor: Actor,
        as_of: dt.datetime,
        chunk: int = 1000,
        progress: Progress | None = None,
    ) -> SweepReport:
        """Sweep what is due at ``as_of``; see the module docstring."""
        require_sweep_role(actor)
        if chunk < 1:
            raise ValidationFailed("a chunk holds at least one item")
        run_id = self._start(actor, as_of)
        tally, chunks = _Tally(), 0
        after: Mark = None
        while True:
            with self._engine.begin() as connection:
                claimed = claim(connection, as_of, after, chunk, lock=True, floored=self._floored)
                if not claimed:
                    break
                after = (claimed[-1].retain_until, claimed[-1].id)
                due = self._due(connection, claimed, as_of)
                tally.add(self._sweep_chunk(connection, run_id, due))
            chunks += 1
            if progress is not None:
                progress(len(claimed))
        self._finish(actor, run_id, tally)
        return SweepReport(run_id, as_of, tuple(tally.rows()), chunks)

    def _start(self, actor: Actor, as_of: dt.datetime) -> int:
        now = self._clock()
        with self._engine.begin() as connection:
            run_id = start_run(connection, as_of, now, actor.id, socket.gethostname()[:200])
            detail = {"run_id": run_id, "as_of": as_of.isoformat()}
            record(connection, actor, "sweep_started", subject_id=None, at=now, detail=detail)
        return run_id

    def _finish(self, actor: Actor, run_id: int, tally: _Tally) -> None:
        now = self._clock()
        with self._engine.begin() as connection:
            finish_run(connection, run_id, now)
            detail = {"run_id": run_id, "items": tally.items}
            record(connection, actor, "sweep_finished", subject_id=None, at=now, detail=detail)

    def _due(
        self, connection: Connection, claimed: Sequence[DueItem], as_of: dt.datetime
    ) -> Judged:
        """The claimed items no legal floor keeps at ``as_of`` (R-13), each with its rule."""
        named, attribute = self._attributor.named, self._attributor.attribute
        unruled = sorted({item.subject_id for item in claimed if item.rule is None})
        groups = {sid: group for sid, group, _ref in subject_names(connection, unruled)}
        judged: Judged = []
        for item in claimed:
            if item.rule is not None:
                found = named(item.rule)
            elif item.collected_at is not None:  # always read for an item without a rule
                group = groups[item.subject_id]
                found = attribute(group, item.category, item.purposes, item.collected_at)
            else:
                raise ValueError(f"item {item.id} was read without its collection time")
            if found.floor_passed(item.collected_at, as_of):
                judged.append((item, found))
        return judged

    @staticmethod
    def _groups(due: Judged) -> dict[Group, list[DueItem]]:
        grouped: dict[Group, list[DueItem]] = defaultdict(list)
        for item, found in due:
            grouped[(found.rule, item.category, found.method)].append(item)
        return grouped

    def _sweep_chunk(
        self, connection: Connection, run_id: int, due: Judged
    ) -> dict[Group, list[DueItem]]:
        """Anonymise or delete ``due``, log it, and flush its suppression entries; the caller
        commits."""
        now = self._clock()
        anonymised = [(item, found.rule) for item, found in due if found.method == ANONYMISE]
        if anonymised:
            keep_anonymous(connection, self._vault, self._policy, anonymised, now.date())
        by_subject: dict[int, list[int]] = defaultdict(list)
        for item, _found in due:
            by_subject[item.subject_id].append(item.id)
        remove(connection, by_subject)
        grouped = self._groups(due)
        log_chunk(connection, run_id, _Tally.of(grouped), now)
        # Written last, just before the commit: a crash after it is finished on the next open.
        self._suppression.append(self._entries(connection, by_subject, now))
        return grouped

    def _entries(
        self, connection: Connection, by_subject: Mapping[int, list[int]], now: dt.datetime
    ) -> list[Suppression]:
        if not by_subject:
            return []
        at, keyring = now.isoformat(), self._keyring
        return [
            Suppression(
                subject_id,
                tombstone(keyring, group, ref),
                tuple(by_subject[subject_id]),
                at,
                reason="retention",
            )
            for subject_id, group, ref in subject_names(connection, sorted(by_subject))
        ]


def remove(connection: Connection, by_subject: Mapping[int, Sequence[int]]) -> int:
    """Delete the chunk's items with their earlier values, in two statements; every one must
    go, or the chunk is not changed."""
    ids = [item_id for item_ids in by_subject.values() for item_id in item_ids]
    removed = delete_many_items(connection, ids)
    if removed != len(ids):
        raise Conflict(
            f"sweep stopped: {len(ids) - removed} items changed while it ran; this chunk was "
            "not changed, run again"
        )
    return removed


def require_sweep_role(actor: Actor, doing: str = "run sweeps") -> None:
    """Only the privacy office sweeps, purges ledgers and recomputes retention."""
    if actor.role not in SWEEP_ROLES:
        raise Forbidden(
            f"role {actor.role!r} may not {doing}; it is for {', '.join(SWEEP_ROLES)}",
            role=actor.role,
        )


class _Tally:
    """Items and distinct subjects per rule, category and method, added up chunk by chunk."""

    def __init__(self) -> None:
        self._items: dict[Group, int] = defaultdict(int)
        self._subjects: dict[Group, set[int]] = defaultdict(set)

    def add(self, grouped: Mapping[Group, Sequence[DueItem]]) -> None:
        for key, due in grouped.items():
            self._items[key] += len(due)
            self._subjects[key].update(item.subject_id for item in due)

    @property
    def items(self) -> int:
        return sum(self._items.values())

    def rows(self) -> list[PlanRow]:
        return [
            PlanRow(*key, self._items[key], len(self._subjects[key])) for key in sorted(self._items)
        ]

    @staticmethod
    def of(grouped: Mapping[Group, Sequence[DueItem]]) -> list[PlanRow]:
        return [
            PlanRow(*key, len(due), len({item.subject_id for item in due}))
            for key, due in sorted(grouped.items())
        ]
