"""Queries the vault answers from its tables; nothing here decrypts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from hogo.errors import NotFound
from hogo.store.lists import among, among_sql, among_values, chunks
from hogo.store.tables import consent_events, items, subjects
from hogo.vault.items import SealedValue, StoredItem, SubjectRow
from hogo.vault.writes import MARKERS, Binder


def subject_row(connection: Connection, subject_id: int) -> SubjectRow:
    row = connection.execute(select(subjects).where(subjects.c.id == subject_id)).one_or_none()
    if row is None:
        raise NotFound(f"subject {subject_id} not found")
    return _subject(row)


def subject_rows(connection: Connection, subject_ids: Collection[int]) -> dict[int, SubjectRow]:
    """The subjects of ``subject_ids`` by id; raises :class:`NotFound` if one is missing."""
    query = select(subjects).where(among(connection, subjects.c.id, list(subject_ids)))
    rows = connection.execute(query).all()
    found = {row.id: _subject(row) for row in rows}
    for subject_id in subject_ids:
        if subject_id not in found:
            raise NotFound(f"subject {subject_id} not found")
    return found


def _subject(row: Row[Any]) -> SubjectRow:
    return SubjectRow(
        id=row.id,
        group=row.subject_group,
        ref=row.ref,
        birth_date=row.birth_date,
        jurisdiction=row.jurisdiction,
        status=row.status,
        wrapped_key=bytes(row.wrapped_key),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def load_items(
    connection: Connection,
    subject_id: int,
    categories: Collection[str] | None,
    *,
    item_ids: Collection[int] | None = None,
) -> list[StoredItem]:
    """The subject's active items, oldest first; all categories when ``categories`` is None,
    only those of ``item_ids`` when given."""
    query = select(items).where(items.c.subject_id == subject_id, items.c.status == "active")
    if categories is not None:
        query = query.where(items.c.category.in_(list(categories)))
    if item_ids is not None:
        query = query.where(items.c.id.in_(list(item_ids)))
    return [_item(row) for row in connection.execute(query.order_by(items.c.id))]


def load_items_of(
    connection: Connection, subject_ids: Collection[int], categories: Collection[str]
) -> dict[int, list[StoredItem]]:
    """The active items of ``categories`` of many subjects, oldest first, by subject."""
    query = select(items).where(
        items.c.subject_id.in_(list(subject_ids)),
        items.c.category.in_(list(categories)),
        items.c.status == "active",
    )
    found: dict[int, list[StoredItem]] = {subject_id: [] for subject_id in subject_ids}
    for row in connection.execute(query.order_by(items.c.id)):
        found[row.subject_id].append(_item(row))
    return found


def load_sealed_of(
    connection: Connection,
    subject_ids: Sequence[int],
    categories: Sequence[str],
    now: dt.datetime,
) -> dict[int, list[SealedValue]]:
    """The active items of ``categories`` of many subjects, oldest first, by subject.

    The bulk path of a provision: only what it takes to open each value, and whether it is
    past its retention at ``now``, read with the driver directly (several times faster than
    building SQLAlchemy rows for hundreds of thousands of items). Every value is bound.
    """
    dialect = connection.dialect
    mark = MARKERS[dialect.paramstyle]
    table = dialect.identifier_preparer.format_table(items)
    sql = (
        "SELECT subject_id, id, category, ciphertext, display, "  # noqa: S608 - bound values
        f"(retain_until IS NOT NULL AND retain_until <= {mark}) FROM {table} "
        f"WHERE {among_sql(connection, 'subject_id', len(subject_ids), mark)} "
        f"AND category IN ({', '.join([mark] * len(categories))}) AND status = {mark} "
        "ORDER BY id"
    )
    ids = among_values(connection, subject_ids)
    values = (Binder(dialect).time(now), *ids, *categories, "active")
    found: dict[int, list[SealedValue]] = {subject_id: [] for subject_id in subject_ids}
    for subject_id, item_id, category, ciphertext, display, expired in driver_rows(
        connection, sql, values
    ):
        found[subject_id].append(SealedValue(item_id, category, ciphertext, display, bool(expired)))
    return found


def subject_names(connection: Connection, subject_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(id, subject group, ref) of each of ``subject_ids``, read with the driver directly: a
    sweep asks this of every person whose items it takes."""
    dialect = connection.dialect
    mark = MARKERS[dialect.paramstyle]
    table = dialect.identifier_preparer.format_table(subjects)
    found: list[tuple[Any, ...]] = []
    for chunk in chunks(subject_ids):
        sql = (
            f"SELECT id, subject_group, ref FROM {table} "  # noqa: S608 - bound values
            f"WHERE {among_sql(connection, 'id', len(chunk), mark)}"
        )
        found.extend(driver_rows(connection, sql, among_values(connection, chunk)))
    return found


def driver_rows(connection: Connection, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` as the driver returns them, in the caller's transaction."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    cursor = driver.cursor()
    try:
        cursor.execute(sql, values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _item(row: Row[Any]) -> StoredItem:
    return StoredItem(
        id=row.id,
        subject_id=row.subject_id,
        category=row.category,
        ciphertext=bytes(row.ciphertext),
        display=row.display,
        purposes=tuple(row.purposes),
        source=row.source,
        collected_at=row.collected_at,
        retain_until=row.retain_until,
        status=row.status,
    )


def find_by_index(connection: Connection, index: bytes, categories: Collection[str]) -> list[int]:
    """Ids of subjects with an active item of ``categories`` whose blind index is ``index``."""
    query = (
        select(items.c.subject_id)
        .distinct()
        .where(
            items.c.blind_index == index,
            items.c.category.in_(list(categories)),
            items.c.status == "active",
        )
        .order_by(items.c.subject_id)
    )
    return [int(subject_id) for subject_id in connection.execute(query).scalars()]


def consent_granted(
    connection: Connection, subject_id: int, purpose: str, version: str | None
) -> bool:
    """Whether the latest consent event of the subject for ``purpose`` grants it.

    A grant counts only for the purpose's current consent text version, when it has one.
    """
    query = (
        select(consent_events.c.action, consent_events.c.version)
        .where(consent_events.c.subject_id == subject_id, consent_events.c.purpose == purpose)
        .order_by(consent_events.c.recorded_at.desc(), consent_events.c.id.desc())
        .limit(1)
    )
    latest = connection.execute(query).one_or_none()
    if latest is None or latest.action != "grant":
        return False
    return version is None or latest.version == version
