"""When an item's retention ends under the policy's rules (§4; R-12, R-13).

For each purpose an item was collected for, the rule that covers it is the one naming that
purpose and the item's category (and the subject's group, when the rule names groups); failing
that, a rule naming the category and no purpose. ``hogo policy check`` refuses two rules that
would both cover the same group, purpose and category on different terms, so the first found
is the only one.

An item collected for several purposes is kept until the last of them ends: data still needed
for one purpose is still needed. A rule's clock starts at collection, at the subject's last
activity (the later of collection and the latest ``activity`` event), or at an event recorded
for the subject (``relationship_ended`` or a named one); until that event is recorded the item
has no end. A legal floor (``legal_minimum``, from collection) is never shortened (R-13).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hogo.policy.durations import add_duration
from hogo.policy.model import Policy, RetentionRule

# The events the two built-in clocks wait for; a policy names any others under ``events``.
CLOCK_EVENTS = {"last_activity": "activity", "relationship_end": "relationship_ended"}
NO_EVENTS: Mapping[str, dt.datetime] = {}
# Periods run on the Japanese calendar, whatever zone a moment arrives in: one year after
# 31 January 09:00 JST is the same moment whether it was given in UTC or in Japan time.
CALENDAR = ZoneInfo("Asia/Tokyo")


def clock_event(rule: RetentionRule) -> str | None:
    """The event that starts ``rule``'s clock; ``None`` when it starts at collection."""
    if rule.clock == "event":
        return rule.event
    return CLOCK_EVENTS.get(rule.clock)


def known_events(policy: Policy) -> set[str]:
    """Every event that may be recorded for a subject under ``policy``."""
    return set(CLOCK_EVENTS.values()) | set(policy.events)


@dataclass(frozen=True, slots=True)
class Term:
    """One rule as it applies to an item."""

    rule: str
    event: str | None  # what starts the clock; None: collection
    since_collection: bool  # last activity: the clock also counts from collection
    duration: str
    method: str  # delete | anonymise
    legal_minimum: str | None

    def end(
        self, collected_at: dt.datetime, events: Mapping[str, dt.datetime]
    ) -> dt.datetime | None:
        """When an item collected at ``collected_at`` may be deleted; ``None``: not yet known."""
        start: dt.datetime | None = collected_at if self.event is None else events.get(self.event)
        if self.since_collection:
            start = collected_at if start is None else max(start, collected_at)
        if start is None:
            return None
        return max(after(start, self.duration), self.floor(collected_at))

    def floor(self, collected_at: dt.datetime) -> dt.datetime:
        """The legal floor of an item collected at ``collected_at`` (R-13)."""
        if self.legal_minimum is None:
            return collected_at
        return after(collected_at, self.legal_minimum)


@dataclass(frozen=True, slots=True)
class Ending:
    """An item's end under the policy: the rule that decides it, the moment (``None``: not yet
    known, kept), and how it ends."""

    rule: str | None  # None: no rule covers the item
    until: dt.datetime | None
    method: str


UNCOVERED = Ending(None, None, "delete")


class RetentionTerms:
    """The terms of one policy's retention rules per kind of item; answers are remembered."""

    def __init__(self, policy: Policy) -> None:
        self._rules = policy.retention
        self._known: dict[tuple[str, str, tuple[str, ...]], tuple[Term, ...]] = {}

    def terms(self, group: str, category: str, purposes: Iterable[str]) -> tuple[Term, ...]:
        """The rules covering an item of ``category`` of a ``group`` subject, one per purpose
        (the same rule once)."""
        key = (group, category, tuple(sorted(set(purposes))))
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._find(*key)
        return found

    def events(self, group: str, category: str, purposes: Iterable[str]) -> set[str]:
        """The events an item's end waits for."""
        return {t.event for t in self.terms(group, category, purposes) if t.event is not None}

    def ending(
        self,
        group: str,
        category: str,
        purposes: Iterable[str],
        collected_at: dt.datetime,
        events: Mapping[str, dt.datetime] = NO_EVENTS,
    ) -> Ending:
        """When the item ends: the last of its purposes' ends, or not yet if any is unknown."""
        return ending(self.terms(group, category, purposes), collected_at, events)

    def floor(self, rule: str | None, collected_at: dt.datetime) -> dt.datetime:
        """The legal floor of an item that ``rule`` covers (R-13)."""
        found = None if rule is None else self._rules.get(rule)
        if found is None or found.legal_minimum is None:
            return collected_at
        return after(collected_at, found.legal_minimum)

    def _find(self, group: str, category: str, purposes: tuple[str, ...]) -> tuple[Term, ...]:
        found: dict[str, Term] = {}
        for purpose in purposes:
            named = self._first(group, category, purpose)
            if named is not None and named[0] not in found:
                found[named[0]] = _term(*named)
        return tuple(found.values())

    def _first(self, group: str, category: str, purpose: str) -> tuple[str, RetentionRule] | None:
        general: tuple[str, RetentionRule] | None = None
        for name, rule in self._rules.items():
            if category not in rule.categories:
                continue
            if rule.subject_groups and group not in rule.subject_groups:
                continue
            if purpose in rule.purposes:
                return name, rule
            if not rule.purposes and general is None:
                general = (name, rule)
        return general


def after(start: dt.datetime, duration: str) -> dt.datetime:
    """``duration`` after ``start`` on the Japanese calendar, in UTC."""
    return add_duration(start.astimezone(CALENDAR), duration).astimezone(dt.UTC)


def ending(
    terms: Iterable[Term],
    collected_at: dt.datetime,
    events: Mapping[str, dt.datetime] = NO_EVENTS,
) -> Ending:
    """The end of an item under ``terms``: the latest, or none while any is not yet known."""
    latest: tuple[dt.datetime, Term] | None = None
    for term in terms:
        until = term.end(collected_at, events)
        if until is None:
            return Ending(term.rule, None, term.method)
        if latest is None or until > latest[0]:
            latest = (until, term)
    if latest is None:
        return UNCOVERED
    return Ending(latest[1].rule, latest[0], latest[1].method)


def _term(name: str, rule: RetentionRule) -> Term:
    return Term(
        rule=name,
        event=clock_event(rule),
        since_collection=rule.clock == "last_activity",
        duration=rule.duration,
        method=rule.then,
        legal_minimum=rule.legal_minimum,
    )
