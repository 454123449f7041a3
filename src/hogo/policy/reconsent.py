"""Which purposes a consent-requiring change reopens (R-64; issue §15 of the seed).

A change classified ``consent`` by :func:`hogo.policy.diff.diff` means the new processing waits
for each person's consent. Consents given before the change do not cover it, so the guard asks
again for every purpose the change touches:

- ``purposes.P``: the purpose itself;
- ``recipients.R``: the purposes the recipient receives data for, or, where it names none, the
  purposes whose groups and categories it shares;
- ``categories.C``: the purposes that use the category;
- ``storage_locations.S``: the purposes of the groups kept there;
- anything else (a key the mapping does not know): every purpose, so that nothing is missed.

Paths are matched against the policy *after* the change, where the changed entry lives.
"""

from __future__ import annotations

from collections.abc import Iterable

from hogo.policy.diff import Change, by_system
from hogo.policy.model import Policy


def reopened_purposes(change: Change, policy: Policy) -> frozenset[str]:
    """The purposes whose earlier consents ``change`` stops covering (none for other classes)."""
    if change.classification != "consent":
        return frozenset()
    section, _dot, key = change.path.partition(".")
    if section == "purposes" and key in policy.purposes:
        return frozenset({key})
    if section == "recipients" and key in policy.recipients:
        recipient = policy.recipients[key]
        if recipient.purposes:
            return frozenset(recipient.purposes) & policy.purposes.keys()
        return _sharing(policy, recipient.groups, recipient.categories)
    if section == "categories" and key in policy.categories:
        return frozenset(p for p, purpose in policy.purposes.items() if key in purpose.categories)
    locations = by_system(policy.storage_locations)
    if section == "storage_locations" and key in locations:
        groups = set(locations[key].groups)
        return frozenset(
            p for p, purpose in policy.purposes.items() if groups & set(purpose.groups)
        )
    return frozenset(policy.purposes)


def _sharing(policy: Policy, groups: Iterable[str], categories: Iterable[str]) -> frozenset[str]:
    wanted_groups, wanted_categories = set(groups), set(categories)
    return frozenset(
        name
        for name, purpose in policy.purposes.items()
        if wanted_groups & set(purpose.groups)
        and (not wanted_categories or wanted_categories & set(purpose.categories))
    )
