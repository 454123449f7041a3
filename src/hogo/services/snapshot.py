"""Reading what the guard needs about a subject, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, Connection, func, select

from hogo.guard.compile import CompiledPolicy
from hogo.guard.state import ConsentEvent, SubjectState
from hogo.store.lists import among, chunks
from hogo.store.tables import consent_events, items, restrictions
from hogo.vault.items import SubjectRow

STOP = "provision_stop"  # a stop of provision to third parties (APPI A35(3))


def consent_ledger(connection: Connection, subject_id: int) -> list[ConsentEvent]:
    """One subject's consent ledger, in the order the events were appended."""
    return consent_ledgers(connection, [subject_id])[subject_id]


def restricted_purposes(connection: Connection, subject_id: int) -> list[str | None]:
    """Purposes whose use is stopped by a request in force (``None``: every purpose).

    A stop of provision to third parties is not a stop of use; the provision step reads it
    (:func:`provision_stops`).
    """
    return restrictions_of(connection, [subject_id]).get(subject_id, [])


def latest_retention(
    connection: Connection, subject_id: int, categories: Sequence[str]
) -> dict[str, dt.datetime | None]:
    """Per category, the latest ``retain_until`` of the subject's active items.

    A category with any item kept without a limit maps to ``None`` (not expired).
    """
    rows = connection.execute(
        select(
            items.c.category,
            func.max(items.c.retain_until),
            func.count(),
            func.count(items.c.retain_until),
        )
        .where(
            items.c.subject_id == subject_id,
            items.c.category.in_(categories),
            items.c.status == "active",
        )
        .group_by(items.c.category)
    )
    return {
        category: (latest if limited == total else None)
        for category, latest, total, limited in rows
    }


def subject_state(
    connection: Connection,
    compiled: CompiledPolicy,
    record: SubjectRow,
    categories: Sequence[str],
    now: dt.datetime,
) -> SubjectState:
    """Fold the subject's row, consent ledger and item retention into a guard snapshot."""
    return compiled.snapshot(
        group=record.group,
        status=record.status,
        birth_date=record.birth_date,
        jurisdiction=record.jurisdiction,
        consent_events=consent_ledger(connection, record.id),
        retain_until=latest_retention(connection, record.id, categories),
        now=now,
        restricted=restricted_purposes(connection, record.id),
    )


def consent_ledgers(
    connection: Connection, subject_ids: Sequence[int]
) -> dict[int, list[ConsentEvent]]:
    """The consent ledgers of many subjects, each in the order the events were appended."""
    found: dict[int, list[ConsentEvent]] = {subject_id: [] for subject_id in subject_ids}
    for chunk in chunks(subject_ids):
        rows = connection.execute(
            select(
                consent_events.c.subject_id,
                consent_events.c.purpose,
                consent_events.c.action,
                consent_events.c.version,
                consent_events.c.by_guardian,
                consent_events.c.recorded_at,
            )
            .where(among(connection, consent_events.c.subject_id, chunk))
            .order_by(consent_events.c.id)
        )
        for subject_id, *event in rows:
            found[subject_id].append(ConsentEvent(*event))
    return found


def restrictions_of(
    connection: Connection, subject_ids: Sequence[int]
) -> dict[int, list[str | None]]:
    """Per subject, the purposes whose use a request in force stops (``None``: every purpose);
    a stop of provision to third parties is not among them."""
    found: dict[int, list[str | None]] = {}
    for subject_id, purpose in _restrictions(connection, subject_ids, restrictions.c.kind != STOP):
        found.setdefault(subject_id, []).append(purpose)
    return found


def provision_stops(connection: Connection, subject_ids: Sequence[int]) -> set[int]:
    """The subjects with a stop of provision to third parties in force (APPI A35(3))."""
    return {sid for sid, _ in _restrictions(connection, subject_ids, restrictions.c.kind == STOP)}


def _restrictions(
    connection: Connection, subject_ids: Sequence[int], kind: ColumnElement[bool]
) -> list[tuple[int, str | None]]:
    found: list[tuple[int, str | None]] = []
    for chunk in chunks(subject_ids):
        query = select(restrictions.c.subject_id, restrictions.c.purpose).where(
            among(connection, restrictions.c.subject_id, chunk),
            restrictions.c.lifted_at.is_(None),
            kind,
        )
        found.extend((int(sid), purpose) for sid, purpose in connection.execute(query))
    return found


def subject_states(
    connection: Connection,
    compiled: CompiledPolicy,
    records: Sequence[SubjectRow],
    expired: Mapping[int, frozenset[str]],
    now: dt.datetime,
) -> list[SubjectState]:
    """Guard snapshots of many subjects at once, in the order of ``records``.

    ``expired`` gives, per subject, the categories all of whose items the caller loaded are
    past retention (R-12).
    """
    ids = [record.id for record in records]
    ledgers = consent_ledgers(connection, ids)
    stopped = restrictions_of(connection, ids)
    return [
        compiled.snapshot(
            group=record.group,
            status=record.status,
            birth_date=record.birth_date,
            jurisdiction=record.jurisdiction,
            consent_events=ledgers[record.id],
            retain_until=dict.fromkeys(expired.get(record.id, ()), now),
            now=now,
            restricted=stopped.get(record.id, ()),
        )
        for record in records
    ]
