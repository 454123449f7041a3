"""Erasing a person: every item that may go goes, and nothing is skipped in silence.

An item is kept only where the law sets a floor on how long it must be kept (a retention
rule's ``legal_minimum``, R-13; APPI A35 provisos, GDPR Art. 17(3)(b)). A kept item is named
with its rule and the date until which it must stay, its use is stopped for every purpose (the
guard answers ``suspended``), and the request cannot be closed as fulfilled. When nothing has to
stay, the subject is erased whole: items deleted, data key destroyed, tombstone written.

Before the transaction commits the erasure is written to the suppression list outside the
database (:mod:`hogo.vault.suppression`), so that neither a crash after it nor a restored backup
brings the person back: :func:`reapply` finishes it when hogo next opens the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from hogo.errors import Conflict
from hogo.policy.durations import add_duration
from hogo.policy.model import Policy
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.ticket_rows import shred_for_subject
from hogo.store.lists import among, chunks
from hogo.store.tables import (
    access_log_lines,
    erasures,
    items,
    requests,
    restrictions,
    subjects,
    suppression_marks,
)
from hogo.vault.erase import (
    ERASED,
    delete_items,
    remaining_items,
    shred_subject,
    tombstone,
)
from hogo.vault.items import SubjectRow
from hogo.vault.keys import KeyRing
from hogo.vault.suppression import Suppression, SuppressionList

SYSTEM = Actor("hogo:suppression-list", "privacy_office")


@dataclass(frozen=True, slots=True)
class KeptItem:
    """An item the law requires to keep, and why."""

    item_id: int
    category: str
    rule: str
    until: dt.date | None  # None: the rule's clock has not started (e.g. the contract runs)
    why: str


@dataclass(frozen=True, slots=True)
class ErasureResult:
    subject_id: int
    erased_items: int
    kept: tuple[KeptItem, ...]
    tickets: tuple[int, ...] = ()  # inquiry tickets whose text was destroyed with the person

    @property
    def complete(self) -> bool:
        return not self.kept


@dataclass(frozen=True, slots=True)
class _Item:
    id: int
    category: str
    purposes: tuple[str, ...]
    collected_at: dt.datetime


class Eraser:
    """Erases subjects under one policy, keyring and suppression list."""

    def __init__(self, policy: Policy, keyring: KeyRing, suppression: SuppressionList) -> None:
        self._policy = policy
        self._keyring = keyring
        self._suppression = suppression

    def erase(
        self,
        connection: Connection,
        subject: SubjectRow,
        now: dt.datetime,
        request_id: int | None = None,
        *,
        pending: list[Suppression] | None = None,
    ) -> ErasureResult:
        """Erase what may be erased, in the caller's transaction; see the module docstring.

        With ``pending``, the suppression entry is added to it instead of being written: a
        caller erasing many people writes them all with one :meth:`record` before it commits.
        """
        if subject.status == ERASED:
            raise Conflict(f"subject {subject.id} is already erased")
        stored = _items(connection, subject.id)
        kept = self._kept_of(stored, now)
        kept_ids = {k.item_id for k in kept}
        addresses = self._email_indexes(connection, subject.id)
        if kept:
            gone = delete_items(
                connection, subject.id, [i.id for i in stored if i.id not in kept_ids]
            )
            connection.execute(
                insert(restrictions).values(
                    subject_id=subject.id,
                    purpose=None,
                    kind="suspension",
                    request_id=request_id,
                    since=now,
                )
            )
        else:
            gone = shred_subject(connection, subject.id, now)
            connection.execute(
                insert(erasures).values(
                    subject_id=subject.id,
                    tombstone=tombstone(self._keyring, subject.group, subject.ref),
                    request_id=request_id,
                    items_erased=gone,
                    erased_at=now,
                )
            )
        _check_gone(connection, subject.id, len(stored), gone, len(kept))
        shredded = shred_for_subject(connection, subject.id, addresses, now)
        _scrub_requests(connection, subject.id)
        # Access-log lines stay for statistics, but no longer point at the person.
        connection.execute(
            update(access_log_lines)
            .where(access_log_lines.c.member_subject_id == subject.id)
            .values(member_subject_id=None)
        )
        erased_ids = () if not kept else tuple(i.id for i in stored if i.id not in kept_ids)
        if not kept or erased_ids:
            entry = Suppression(
                subject.id,
                tombstone(self._keyring, subject.group, subject.ref),
                erased_ids,
                now.isoformat(),
            )
            if pending is None:
                self.record([entry])
            else:
                pending.append(entry)
        return ErasureResult(subject.id, gone, kept, tuple(shredded))

    def record(self, entries: Sequence[Suppression]) -> None:
        """Write suppression entries to disk (one flush for all); call before committing."""
        self._suppression.append(entries)

    def _email_indexes(self, connection: Connection, subject_id: int) -> list[bytes]:
        """Blind indexes of the subject's e-mail addresses: its inquiry tickets carry them."""
        categories = [n for n, c in self._policy.categories.items() if c.lookup == "email"]
        query = select(items.c.blind_index).where(
            items.c.subject_id == subject_id,
            items.c.category.in_(categories),
            items.c.blind_index.is_not(None),
        )
        return [bytes(index) for index in connection.execute(query).scalars()]

    def must_keep(
        self, connection: Connection, subject_id: int, now: dt.datetime
    ) -> tuple[KeptItem, ...]:
        """The subject's items that a legal floor keeps past ``now``; nothing is changed."""
        return self._kept_of(_items(connection, subject_id), now)

    def _kept_of(self, stored: Sequence[_Item], now: dt.datetime) -> tuple[KeptItem, ...]:
        return tuple(k for item in stored if (k := self.kept(item, now)) is not None)

    def kept(self, item: _Item, now: dt.datetime) -> KeptItem | None:
        """The legal floor that keeps ``item`` past ``now``, if any (R-13)."""
        for name, rule in self._policy.retention.items():
            if rule.legal_minimum is None or item.category not in rule.categories:
                continue
            if rule.purposes and not set(rule.purposes) & set(item.purposes):
                continue
            if rule.clock != "collected_at":
                return KeptItem(item.id, item.category, name, None, rule.why)
            until = add_duration(item.collected_at, rule.legal_minimum)
            if until > now:
                return KeptItem(item.id, item.category, name, until.date(), rule.why)
        return None


def _items(connection: Connection, subject_id: int) -> list[_Item]:
    query = (
        select(items.c.id, items.c.category, items.c.purposes, items.c.collected_at)
        .where(items.c.subject_id == subject_id)
        .order_by(items.c.id)
    )
    return [
        _Item(row.id, row.category, tuple(row.purposes), row.collected_at)
        for row in connection.execute(query)
    ]


PERSONAL_DETAILS = ("description",)  # what the person wrote; the agent's name and file name


def scrub_details(details: dict[str, Any]) -> dict[str, Any]:
    """A request's details without what the person or their agent wrote in their own words."""
    scrubbed = {k: v for k, v in details.items() if k not in PERSONAL_DETAILS}
    agent = scrubbed.get("agent")
    if isinstance(agent, dict):
        scrubbed["agent"] = {k: v for k, v in agent.items() if k not in ("name", "proof_file")}
    return scrubbed


def _scrub_requests(connection: Connection, subject_id: int) -> None:
    """Remove from the person's requests what they or their agent wrote in their own words.

    What stays is the record of the request (kind, dates, decisions), kept as proof that it
    was answered.
    """
    rows = connection.execute(
        select(requests.c.id, requests.c.details).where(requests.c.subject_id == subject_id)
    ).all()
    for request_id, details in rows:
        scrubbed = scrub_details(details)
        if scrubbed != details:
            connection.execute(
                update(requests).where(requests.c.id == request_id).values(details=scrubbed)
            )


def _check_gone(connection: Connection, subject_id: int, stored: int, gone: int, kept: int) -> None:
    """Count again: an item neither erased nor knowingly kept stops the whole erasure."""
    left = remaining_items(connection, subject_id)
    if gone + kept != stored or left != kept:
        raise Conflict(
            f"erasure of subject {subject_id} stopped: {stored} items, {gone} erased, "
            f"{kept} kept by law, {left} still stored; nothing was changed"
        )


REAPPLY_CHUNK = 500


def reapply(
    engine: Engine, eraser_keyring: KeyRing, suppression: SuppressionList, now: dt.datetime
) -> int:
    """Erase again what the suppression list says is erased (R-14); how many subjects.

    The database keeps how far into the list it has been brought (``suppression_marks``), so
    an open reads only the entries written since; a database restored from a backup carries
    the mark of its backup and so applies every entry written after it. Of those entries, only
    the ones whose subject is in the database, not erased, still the same person (its
    tombstone matches) and, for some items, still holding one of them need work; they are
    found a chunk at a time with one query each.
    """
    with engine.begin() as connection:
        mark = connection.execute(
            select(suppression_marks.c.offset).where(suppression_marks.c.id == MARK_ROW)
        ).scalar_one_or_none()
        entries, end = suppression.read_from(mark or 0)
        touched = 0
        for start in range(0, len(entries), REAPPLY_CHUNK):
            chunk = entries[start : start + REAPPLY_CHUNK]
            for entry in _needing_work(connection, eraser_keyring, chunk):
                if _reapply_one(connection, entry, now):
                    touched += 1
        if end != mark:
            _set_mark(connection, end, now, known=mark is not None)
    return touched


MARK_ROW = 1


def _set_mark(connection: Connection, offset: int, now: dt.datetime, *, known: bool) -> None:
    if known:
        connection.execute(
            update(suppression_marks)
            .where(suppression_marks.c.id == MARK_ROW)
            .values(offset=offset, applied_at=now)
        )
    else:
        connection.execute(
            insert(suppression_marks).values(id=MARK_ROW, offset=offset, applied_at=now)
        )


def _needing_work(
    connection: Connection, keyring: KeyRing, chunk: Sequence[Suppression]
) -> list[Suppression]:
    """The entries of ``chunk`` that still have something to erase in this database."""
    live = _live_tombstones(connection, keyring, {e.subject_id for e in chunk})
    # Another tombstone: the id belongs to someone this database never erased.
    mine = [e for e in chunk if live.get(e.subject_id) == e.tombstone]
    wanted = sorted({item for e in mine if not e.whole_subject for item in e.item_ids})
    present: set[int] = set()
    for ids in chunks(wanted):
        query = select(items.c.id).where(among(connection, items.c.id, ids))
        present.update(connection.execute(query).scalars())
    return [e for e in mine if e.whole_subject or present.intersection(e.item_ids)]


def _live_tombstones(
    connection: Connection, keyring: KeyRing, subject_ids: set[int]
) -> dict[int, bytes]:
    """The tombstone of each subject of ``subject_ids`` not yet erased."""
    query = select(subjects.c.id, subjects.c.subject_group, subjects.c.ref).where(
        subjects.c.id.in_(sorted(subject_ids)), subjects.c.status != ERASED
    )
    return {
        row.id: tombstone(keyring, row.subject_group, row.ref) for row in connection.execute(query)
    }


def _reapply_one(connection: Connection, entry: Suppression, now: dt.datetime) -> bool:
    if entry.whole_subject:
        gone = shred_subject(connection, entry.subject_id, now)
        connection.execute(
            insert(erasures).values(
                subject_id=entry.subject_id,
                tombstone=entry.tombstone,
                request_id=None,
                items_erased=gone,
                erased_at=now,
            )
        )
    else:
        gone = delete_items(connection, entry.subject_id, entry.item_ids)
        if not gone:
            return False
        if entry.reason == "erasure":
            # What the law keeps stays suspended, as it was when the items were erased; items
            # that merely reached the end of their retention suspend nothing.
            connection.execute(
                insert(restrictions).values(
                    subject_id=entry.subject_id, purpose=None, kind="suspension", since=now
                )
            )
    record_audit(
        connection,
        SYSTEM,
        "erasure_reapplied",
        subject_id=entry.subject_id,
        at=now,
        detail={
            "items": gone,
            "whole_subject": entry.whole_subject,
            "erased_at": entry.erased_at,
            "reason": entry.reason,
        },
    )
    return True


def kept_reason(kept: Sequence[KeptItem]) -> str:
    """The text told to the person and recorded on the request (R-43)."""
    parts = [
        f"item {k.item_id} ({k.category}) must be kept "
        + (
            f"until {k.until.isoformat()}"
            if k.until
            else "for the legal period after the relationship ends"
        )
        + f" under retention rule {k.rule}: {k.why}"
        for k in kept
    ]
    return "; ".join(parts) + "; its use is suspended for every purpose until then"
