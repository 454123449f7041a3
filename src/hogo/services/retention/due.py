"""The items a sweep may take: active, past their ``retain_until``, and under no legal hold.

Items are read a chunk at a time in (``retain_until``, id) order after the last pair seen
(keyset pagination on the partial index of ``retain_until`` and id, so a chunk costs the same
whatever share of the table is due). On PostgreSQL a claim locks its rows and skips rows
another sweeper has locked (``FOR UPDATE SKIP LOCKED``), so sweepers on several hosts never
take the same item. The legal floor of a rule is judged afterwards, in Python
(:mod:`.attribution`), from the rule the item carries. The purposes are read only for an item
without one, as their JSON text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Text, case, cast, func, or_, select, tuple_

from hogo.services.retention.holds import not_held
from hogo.store.tables import items
from hogo.vault.items import ACTIVE


@dataclass(frozen=True, slots=True)
class DueItem:
    id: int
    retain_until: dt.datetime
    subject_id: int
    category: str
    rule: str | None  # the rule that set retain_until; None: stored without one
    purposes_text: str | None  # the purposes as JSON, read only when ``rule`` is None
    collected_at: dt.datetime | None  # read only when a floor or ``rule`` None needs it

    @property
    def purposes(self) -> tuple[str, ...]:
        return tuple(json.loads(self.purposes_text or "[]"))


def _due(as_of: dt.datetime) -> list[ColumnElement[bool]]:
    return [
        items.c.retain_until.is_not(None),
        items.c.retain_until <= as_of,
        items.c.status == ACTIVE,
        not_held(),
    ]


Mark = tuple[dt.datetime, int] | None  # the (retain_until, id) a chunk starts after


def claim(
    connection: Connection,
    as_of: dt.datetime,
    after: Mark,
    chunk: int,
    *,
    lock: bool,
    floored: Sequence[str] = (),
) -> list[DueItem]:
    """Up to ``chunk`` items due at ``as_of`` after ``after`` (none: from the first), in
    (``retain_until``, id) order.

    With ``lock`` (PostgreSQL only), they stay locked to this transaction. The collection
    time is read for the items of the ``floored`` rules (those with a legal floor) and those
    without a rule; the others do not need it.
    """
    unruled = items.c.retention_rule.is_(None)
    purposes = case((unruled, cast(items.c.purposes, Text)))
    collected = case(
        (or_(unruled, items.c.retention_rule.in_(list(floored))), items.c.collected_at)
    )
    query = (
        select(
            items.c.id,
            items.c.retain_until,
            items.c.subject_id,
            items.c.category,
            items.c.retention_rule,
            purposes,
            collected,
        )
        .where(*_due(as_of))
        .order_by(items.c.retain_until, items.c.id)
        .limit(chunk)
    )
    if after is not None:
        query = query.where(tuple_(items.c.retain_until, items.c.id) > tuple_(*after))
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=items)
    return [DueItem(*row) for row in connection.execute(query).all()]


def count_due(connection: Connection, as_of: dt.datetime) -> int:
    """How many items are due at ``as_of`` and not held, floors not yet judged."""
    query = select(func.count()).select_from(items).where(*_due(as_of))
    return int(connection.execute(query).scalar_one())
