"""Items counted per retention rule in the database, for the retention report (R-12, D18).

Every count is one ``GROUP BY`` over ``items`` (never a loop over items), grouped by the rule
that set each item's ``retain_until`` (``items.retention_rule``). Only active items count.
A rule's method (``delete`` or ``anonymise``) is the ``then`` of the policy in force; an item
without a rule, or with a rule the policy no longer has, ends by deletion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, distinct, func, select

from hogo.policy.model import Policy
from hogo.services.retention.attribution import DELETE
from hogo.services.retention.holds import not_held
from hogo.store.tables import items
from hogo.vault.items import ACTIVE

NO_RULE = "(none)"  # how an item without a retention rule is shown
GRACE = dt.timedelta(days=1)  # a sweep a day leaves nothing due for longer than this


@dataclass(frozen=True, slots=True)
class RuleCount:
    """Items of one retention rule and how they end; ``subjects``: distinct people."""

    rule: str
    method: str  # delete | anonymise
    items: int
    subjects: int


def method_of(policy: Policy, rule: str) -> str:
    found = policy.retention.get(rule)
    return DELETE if found is None else found.then


def _rows(policy: Policy, found: Iterable[Sequence[Any]]) -> tuple[RuleCount, ...]:
    """``(rule, items, subjects)`` rows as counts, rules without items left out, by rule."""
    counted = [
        RuleCount(rule or NO_RULE, method_of(policy, rule or ""), int(count), int(people))
        for rule, count, people in found
        if count
    ]
    return tuple(sorted(counted, key=lambda row: row.rule))


def _per_rule(
    connection: Connection, policy: Policy, *where: ColumnElement[bool]
) -> tuple[RuleCount, ...]:
    rule = items.c.retention_rule
    query = (
        select(rule, func.count(), func.count(distinct(items.c.subject_id)))
        .where(items.c.status == ACTIVE, *where)
        .group_by(rule)
    )
    return _rows(policy, connection.execute(query).all())


def upcoming(
    connection: Connection, policy: Policy, as_of: dt.datetime, windows: Sequence[int]
) -> list[tuple[RuleCount, ...]]:
    """Per window of days: items whose ``retain_until`` falls in ``(as_of, as_of + days]``.

    One query for every window: each window is a pair of conditional counts.
    """
    ends = [as_of + dt.timedelta(days=days) for days in windows]
    rule, until, subject = items.c.retention_rule, items.c.retain_until, items.c.subject_id
    columns: list[ColumnElement[Any]] = []
    for end in ends:
        columns += [
            func.count(case((until <= end, 1))),
            func.count(distinct(case((until <= end, subject)))),
        ]
    query = (
        select(rule, *columns)
        .where(items.c.status == ACTIVE, until.is_not(None), until > as_of, until <= max(ends))
        .group_by(rule)
    )
    found = connection.execute(query).all()
    return [
        _rows(policy, [(row[0], row[1 + 2 * at], row[2 + 2 * at]) for row in found])
        for at in range(len(ends))
    ]


def _overdue(as_of: dt.datetime) -> list[ColumnElement[bool]]:
    """Past ``retain_until`` by more than a day, and no legal hold keeps it: a sweep missed."""
    return [
        items.c.retain_until.is_not(None),
        items.c.retain_until < as_of - GRACE,
        not_held(),
    ]


def overdue(connection: Connection, policy: Policy, as_of: dt.datetime) -> tuple[RuleCount, ...]:
    """Items a sweep should have taken: see :func:`_overdue`. None once sweeps run."""
    return _per_rule(connection, policy, *_overdue(as_of))


def held(connection: Connection, policy: Policy, as_of: dt.datetime) -> tuple[RuleCount, ...]:
    """Items past ``retain_until`` that a legal hold in force keeps (R-13)."""
    past = [items.c.retain_until.is_not(None), items.c.retain_until <= as_of]
    return _per_rule(connection, policy, *past, ~not_held())


def waiting(connection: Connection, policy: Policy) -> tuple[RuleCount, ...]:
    """Items under a rule whose clock waits for an event not yet recorded: no end yet."""
    return _per_rule(
        connection, policy, items.c.retain_until.is_(None), items.c.retention_rule.is_not(None)
    )


def overdue_in(connection: Connection, categories: Sequence[str], as_of: dt.datetime) -> int:
    """How many items of ``categories`` are overdue, as :func:`overdue` counts them."""
    if not categories:
        return 0
    query = (
        select(func.count())
        .select_from(items)
        .where(items.c.status == ACTIVE, items.c.category.in_(categories), *_overdue(as_of))
    )
    return int(connection.execute(query).scalar_one())
