"""Reading what the guard needs about a subject, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, func, select

from hogo.guard.compile import CompiledPolicy
from hogo.guard.state import ConsentEvent, SubjectState
from hogo.store.lists import among
from hogo.store.tables import consent_events, items, restrictions
from hogo.vault.items import SubjectRow


def consent_ledger(connection: Connection, subject_id: int) -> list[ConsentEvent]:
    rows = connection.execute(
        select(
            consent_events.c.purpose,
            consent_events.c.action,
            consent_events.c.version,
            consent_events.c.by_guardian,
            consent_events.c.recorded_at,
        )
        .where(consent_events.c.subject_id == subject_id)
        .order_by(consent_events.c.id)
    )
    return [ConsentEvent(*row) for row in rows]


def restricted_purposes(connection: Connection, subject_id: int) -> list[str | None]:
    """Purposes whose use is stopped by a request in force (``None``: every purpose).

    A stop of provision to third parties is not a stop of use; the provision step reads it.
    """
    rows = connection.execute(
        select(restrictions.c.purpose).where(
            restrictions.c.subject_id == subject_id,
            restrictions.c.lifted_at.is_(None),
            restrictions.c.kind != "provision_stop",
        )
    )
    return list(rows.scalars())


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


CHUNK = 5_000  # subject ids per IN list: well under SQLite's limit of bound parameters


def chunks(values: Sequence[int], size: int = CHUNK) -> list[Sequence[int]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


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
    connection: Connection, subject_ids: Sequence[int], kinds_excluded: Sequence[str] = ()
) -> dict[int, list[str | None]]:
    """Per subject, the purposes stopped by a request in force (``None``: every purpose)."""
    found: dict[int, list[str | None]] = {}
    for chunk in chunks(subject_ids):
        query = select(restrictions.c.subject_id, restrictions.c.purpose).where(
            among(connection, restrictions.c.subject_id, chunk),
            restrictions.c.lifted_at.is_(None),
        )
        if kinds_excluded:
            query = query.where(restrictions.c.kind.not_in(list(kinds_excluded)))
        for subject_id, purpose in connection.execute(query):
            found.setdefault(subject_id, []).append(purpose)
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
    stopped = restrictions_of(connection, ids, kinds_excluded=("provision_stop",))
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
