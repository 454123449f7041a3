"""Which retention rule covers an item, and whether a legal floor still keeps it (R-12, R-13).

An item is covered by the first rule of the policy whose categories include the item's
category and whose purposes (none: whatever the purpose) meet the item's purposes. An item no
rule covers is attributed to the rule ``""``: its ``retain_until`` was set by the application
that stored it, and it is deleted when that passes.

A rule's ``legal_minimum`` is a floor that nothing shortens: an item is due only when its
``retain_until`` has passed *and* ``collected_at + legal_minimum`` has too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hogo.policy.durations import add_duration
from hogo.policy.model import Policy, RetentionRule

NO_RULE = ""
DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Attribution:
    """The rule that covers an item (``""`` for none) and how its end is carried out."""

    rule: str
    method: str  # delete | anonymise
    legal_minimum: str | None


UNCOVERED = Attribution(NO_RULE, DELETE, None)


class Attributor:
    """Attributes items to the retention rules of one policy; answers are remembered."""

    def __init__(self, policy: Policy) -> None:
        self._rules: list[tuple[str, RetentionRule]] = list(policy.retention.items())
        self._known: dict[tuple[str, tuple[str, ...]], Attribution] = {}

    def attribute(self, category: str, purposes: Sequence[str]) -> Attribution:
        key = (category, tuple(sorted(purposes)))
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._find(category, set(purposes))
        return found

    def _find(self, category: str, purposes: set[str]) -> Attribution:
        for name, rule in self._rules:
            if category not in rule.categories:
                continue
            if rule.purposes and not purposes & set(rule.purposes):
                continue
            return Attribution(name, rule.then, rule.legal_minimum)
        return UNCOVERED


def floor_passed(attribution: Attribution, collected_at: dt.datetime, as_of: dt.datetime) -> bool:
    """No legal floor keeps the item at ``as_of`` (R-13)."""
    if attribution.legal_minimum is None:
        return True
    return add_duration(collected_at, attribution.legal_minimum) <= as_of
