"""Erasing from the vault: items deleted, and a subject's data key destroyed.

A subject erased in full keeps a row, so the ledgers that point at it (requests, consents,
audit) stay whole, but the row holds nothing of the person any more: the reference becomes
``erased:<id>``, the birth date goes, and the wrapped data key is overwritten, so any copy of
an item that survives elsewhere (a replica, a WAL segment, a backup) can no longer be opened
through this database (crypto-shredding). The tombstone, a keyed hash of the group and
reference, lets a restored copy of the subject be recognised and erased again (R-14).

Every function runs in the caller's transaction: the erasure is whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Collection, Sequence

from sqlalchemy import Connection, delete, func, select, update

from hogo.store.lists import among
from hogo.store.tables import item_revisions, items, request_attachments, subjects
from hogo.vault.keys import KeyRing

ERASED = "erased"


def tombstone(keyring: KeyRing, group: str, ref: str) -> bytes:
    """The keyed hash that recognises a subject without keeping its reference."""
    # HMAC-SHA-256; the standard library's one-shot form costs a third less than building a
    # MAC object, which a sweep of a million people notices.
    return hmac.digest(keyring.tombstone_key, group.encode() + b"\x00" + ref.encode(), "sha256")


def delete_items(connection: Connection, subject_id: int, item_ids: Collection[int]) -> int:
    """Delete items of the subject, with their earlier values; how many items went."""
    if not item_ids:
        return 0
    ids = list(item_ids)
    connection.execute(
        delete(item_revisions).where(
            item_revisions.c.subject_id == subject_id, item_revisions.c.item_id.in_(ids)
        )
    )
    result = connection.execute(
        delete(items).where(items.c.subject_id == subject_id, items.c.id.in_(ids))
    )
    return int(result.rowcount)


def delete_many_items(connection: Connection, item_ids: Sequence[int]) -> int:
    """Delete items of any subjects, with their earlier values, in two statements (a sweep's
    chunk); how many items went."""
    if not item_ids:
        return 0
    ids = sorted(item_ids)
    connection.execute(
        delete(item_revisions).where(among(connection, item_revisions.c.item_id, ids))
    )
    return int(connection.execute(delete(items).where(among(connection, items.c.id, ids))).rowcount)


def shred_subject(connection: Connection, subject_id: int, now: dt.datetime) -> int:
    """Delete all the subject's items and attachments and destroy its data key; items gone."""
    connection.execute(delete(item_revisions).where(item_revisions.c.subject_id == subject_id))
    connection.execute(
        delete(request_attachments).where(request_attachments.c.subject_id == subject_id)
    )
    gone = connection.execute(delete(items).where(items.c.subject_id == subject_id)).rowcount
    connection.execute(
        update(subjects)
        .where(subjects.c.id == subject_id)
        .values(
            status=ERASED,
            ref=f"{ERASED}:{subject_id}",
            birth_date=None,
            wrapped_key=b"",
            updated_at=now,
        )
    )
    return int(gone)


def remaining_items(connection: Connection, subject_id: int) -> int:
    """How many items of the subject are still stored, whatever their status."""
    query = select(func.count()).select_from(items).where(items.c.subject_id == subject_id)
    return int(connection.execute(query).scalar_one())
