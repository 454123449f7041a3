"""Which retention rule an item is swept under, how, and whether a legal floor still keeps it
(R-12, R-13).

An item carries the rule that set its ``retain_until`` when it was stored or its clock last
moved (``items.retention_rule``, see :mod:`hogo.policy.retention`); the rule gives the method
(``then``) and the floor. An item without one (stored before rules were computed) is
attributed again from its subject's group, category and purposes; one no rule covers is logged
under the rule ``""`` and its ``retain_until`` alone decides.

A rule's ``legal_minimum`` is a floor that nothing shortens: an item is due only when its
``retain_until`` has passed *and* ``collected_at + legal_minimum`` has too. ``retain_until``
already includes the floor; the sweep judges it again, against the policy in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hogo.policy.model import Policy
from hogo.policy.retention import RetentionTerms, after

NO_RULE = ""
DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Attribution:
    """The rule that covers an item (``""`` for none) and how its end is carried out."""

    rule: str
    method: str  # delete | anonymise
    legal_minimum: str | None

    def floor_passed(self, collected_at: dt.datetime | None, as_of: dt.datetime) -> bool:
        """No legal floor keeps an item collected at ``collected_at`` at ``as_of`` (R-13)."""
        if self.legal_minimum is None:
            return True
        if collected_at is None:
            raise ValueError("an item under a legal floor needs its collection time")
        return after(collected_at, self.legal_minimum) <= as_of


UNCOVERED = Attribution(NO_RULE, DELETE, None)


class Attributor:
    """Attributes items to the retention rules of one policy; answers are remembered."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._terms = RetentionTerms(policy)
        self._named: dict[str, Attribution] = {}

    def named(self, rule: str) -> Attribution:
        """The attribution of an item stored under ``rule``."""
        found = self._named.get(rule)
        if found is None:
            found = self._named[rule] = self._of(rule)
        return found

    def attribute(
        self, group: str, category: str, purposes: Sequence[str], collected_at: dt.datetime
    ) -> Attribution:
        """The attribution of an item that carries no rule, from what it is."""
        found = self._terms.ending(group, category, purposes, collected_at)
        return UNCOVERED if found.rule is None else self.named(found.rule)

    def _of(self, name: str) -> Attribution:
        rule = self._policy.retention.get(name)
        if rule is None:  # a rule of an earlier version of the policy
            return Attribution(name, DELETE, None)
        return Attribution(name, rule.then, rule.legal_minimum)
