"""Queries the vault answers from its tables; nothing here decrypts."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from hogo.errors import NotFound
from hogo.store.tables import consent_events, items, subjects
from hogo.vault.items import StoredItem, SubjectRow


def subject_row(connection: Connection, subject_id: int) -> SubjectRow:
    row = connection.execute(select(subjects).where(subjects.c.id == subject_id)).one_or_none()
    if row is None:
        raise NotFound(f"subject {subject_id} not found")
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
    return [
        StoredItem(
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
        for row in connection.execute(query.order_by(items.c.id))
    ]


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
