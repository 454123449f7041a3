"""Retention clocks that start at an event: the ends of items recomputed from the events recorded
for their subjects (R-12, R-13, D18).

The vault sets an item's ``retain_until`` when it stores the item (:mod:`hogo.vault.seal`);
an item whose rule's clock starts at an event that has not happened yet gets none. When the
event is recorded (``subject_events``, append-only), the items of the subject that wait for it
are recomputed here: their end, and the rule that decides it (``retention_rule``).

An end the application gave (earlier than the policy's, :mod:`hogo.vault.seal`) stays
unless the policy's new end is earlier still. The stored end is taken for the policy's own
when it equals the end the policy gave from the events known when it was computed
(``computed_with``); any other end is the application's. A legal floor is never shortened:
the policy's ends include it, and so did the application's end when it was stored.

After the rules themselves change, :func:`realign` brings every end in line with the rules in
force. A stored end is the rules' own when the rules in force or an earlier set of rules
(``earlier``: the published versions) give it, with the rule that decided it, from the
subject's events; it then moves to the new end, earlier or later. Any other end is the
application's (an item stored before ends were computed, with no ``retention_rule``, has only
the application's): it moves only earlier, never later, and never below the legal floor of the
rules in force, which a raised floor may lift it to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select, update

from hogo.policy.retention import NO_EVENTS, Ending, RetentionTerms
from hogo.store.lists import among, chunks
from hogo.store.tables import items, subject_events, subjects
from hogo.vault.items import ACTIVE

EventsOf = dict[int, dict[str, dt.datetime]]  # subject id -> event -> its latest moment
Known = Mapping[int, Mapping[str, dt.datetime]]


@dataclass(frozen=True, slots=True)
class Change:
    """An item's new end and the rule that decides it."""

    item_id: int
    until: dt.datetime | None
    rule: str | None


@dataclass(frozen=True, slots=True)
class Realigned:
    """An item's change under :func:`realign`, with the end and rule it had."""

    change: Change
    was_until: dt.datetime | None
    was_rule: str | None


def latest_events(
    connection: Connection, subject_ids: Iterable[int], names: Collection[str] | None = None
) -> EventsOf:
    """The latest moment of each event of each subject; only ``names`` when given."""
    if names is not None and not names:
        return {}
    found: EventsOf = {}
    latest = func.max(subject_events.c.at).label("at")
    for chunk in chunks(sorted(set(subject_ids))):
        query = (
            select(subject_events.c.subject_id, subject_events.c.event, latest)
            .where(among(connection, subject_events.c.subject_id, chunk))
            .group_by(subject_events.c.subject_id, subject_events.c.event)
        )
        if names is not None:
            query = query.where(subject_events.c.event.in_(sorted(names)))
        for row in connection.execute(query):
            found.setdefault(row.subject_id, {})[row.event] = row.at
    return found


def recompute(
    connection: Connection,
    terms: RetentionTerms,
    subject_ids: Iterable[int],
    only_events: set[str] | None = None,
    *,
    computed_with: Known | None = None,
) -> int:
    """Recompute the ends of the subjects' active items; how many changed.

    With ``only_events``, only the items whose end waits for one of those events, and only
    for the subjects that have one of them recorded (one query when none has).
    ``computed_with`` holds the events each subject's stored ends were computed with
    (default: none, as the vault stores new items).
    """
    changed = changes(connection, terms, subject_ids, only_events, computed_with=computed_with)
    apply(connection, changed)
    return len(changed)


def changes(
    connection: Connection,
    terms: RetentionTerms,
    subject_ids: Iterable[int],
    only_events: set[str] | None = None,
    *,
    computed_with: Known | None = None,
) -> list[Change]:
    """What :func:`recompute` would change, without changing it."""
    ids = sorted(set(subject_ids))
    events = latest_events(connection, ids)
    if only_events is not None:
        ids = [subject for subject in ids if only_events & events.get(subject, {}).keys()]
    known = computed_with or {}
    found: list[Change] = []
    for chunk in chunks(ids):
        for row in connection.execute(_items_of(connection, chunk)):
            waits = terms.events(row.subject_group, row.category, row.purposes)
            if only_events is not None and not only_events & waits:
                continue
            change = _change(terms, row, events.get(row.subject_id), known.get(row.subject_id))
            if change is not None:
                found.append(change)
    return found


def realign(
    connection: Connection,
    terms: RetentionTerms,
    subject_ids: Iterable[int],
    earlier: Sequence[RetentionTerms] = (),
) -> tuple[int, list[Realigned]]:
    """How many active items the subjects have, and the changes that bring their ends and rules
    in line with ``terms`` (a full recompute; see the module's docstring)."""
    ids = sorted(set(subject_ids))
    events = latest_events(connection, ids)
    examined = 0
    found: list[Realigned] = []
    for chunk in chunks(ids):
        for row in connection.execute(_items_of(connection, chunk)):
            examined += 1
            realigned = _realigned(terms, earlier, row, events.get(row.subject_id) or NO_EVENTS)
            if realigned is not None:
                found.append(realigned)
    return examined, found


def apply(connection: Connection, changed: Sequence[Change]) -> None:
    """Write the new ends, in one ``executemany``."""
    if not changed:
        return
    statement = (
        update(items)
        .where(items.c.id == bindparam("item_id"))
        .values(
            retain_until=bindparam("until", type_=items.c.retain_until.type),
            retention_rule=bindparam("rule", type_=items.c.retention_rule.type),
        )
    )
    connection.execute(
        statement,
        [{"item_id": c.item_id, "until": c.until, "rule": c.rule} for c in changed],
    )


def _items_of(connection: Connection, subject_ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            items.c.id,
            items.c.subject_id,
            items.c.category,
            items.c.purposes,
            items.c.collected_at,
            items.c.retain_until,
            items.c.retention_rule,
            subjects.c.subject_group,
        )
        .join(subjects, subjects.c.id == items.c.subject_id)
        .where(among(connection, items.c.subject_id, subject_ids), items.c.status == ACTIVE)
        .order_by(items.c.id)
    )


def _change(
    terms: RetentionTerms,
    row: Any,
    events: Mapping[str, dt.datetime] | None,
    known: Mapping[str, dt.datetime] | None,
) -> Change | None:
    """The item's change, or ``None`` when its end and rule stay."""
    kind = (row.subject_group, row.category, row.purposes)
    after = terms.ending(*kind, row.collected_at, events or NO_EVENTS)
    before = terms.ending(*kind, row.collected_at, known or NO_EVENTS)
    until = _until(row.retain_until, before, after)
    if (until, after.rule) == (row.retain_until, row.retention_rule):
        return None
    return Change(row.id, until, after.rule)


def _until(stored: dt.datetime | None, before: Ending, after: Ending) -> dt.datetime | None:
    """The item's new end: the policy's, or the application's own while it is earlier."""
    if stored is None or stored == before.until:
        return after.until
    if after.until is None:
        return stored
    return min(stored, after.until)


def _realigned(
    terms: RetentionTerms,
    earlier: Sequence[RetentionTerms],
    row: Any,
    events: Mapping[str, dt.datetime],
) -> Realigned | None:
    """The item's change under the rules in force, or ``None`` when its end and rule stay."""
    kind = (row.subject_group, row.category, row.purposes)
    after = terms.ending(*kind, row.collected_at, events)
    until = _application_end(terms, row, after)
    if until != after.until and _computed(earlier, row, events):
        until = after.until
    if (until, after.rule) == (row.retain_until, row.retention_rule):
        return None
    return Realigned(Change(row.id, until, after.rule), row.retain_until, row.retention_rule)


def _application_end(terms: RetentionTerms, row: Any, after: Ending) -> dt.datetime | None:
    """The item's end if the stored one is the application's: no later than it, no later than
    the rules' end, and never below the floor of the rules in force (R-13)."""
    stored: dt.datetime | None = row.retain_until
    if stored is None:
        return after.until
    if after.until is not None:
        stored = min(stored, after.until)
    covering = terms.terms(row.subject_group, row.category, row.purposes)
    floor = max((term.floor(row.collected_at) for term in covering), default=row.collected_at)
    return max(stored, floor)


def _computed(
    earlier: Sequence[RetentionTerms], row: Any, events: Mapping[str, dt.datetime]
) -> bool:
    """Whether an earlier set of rules gave the stored end, with the stored rule."""
    if row.retention_rule is None:  # stored before ends were computed: the application's end
        return False
    stored = (row.retain_until, row.retention_rule)
    kind = (row.subject_group, row.category, row.purposes)
    for rules in earlier:
        found = rules.ending(*kind, row.collected_at, events)
        if (found.until, found.rule) == stored:
            return True
    return False
