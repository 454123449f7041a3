"""What the policy allows the vault to store, checked once per distinct kind of item.

An item is allowed when its category is declared and not ``storage: never``, its subject's
group collects the category, and every purpose it is collected for is declared, covers the
group and lists the category (APPI A17(1): purposes specified in advance), and its source is
one of the four of R-07. A batch of a million items usually holds a handful of distinct kinds
of item (group, category, purposes, source), so :class:`Rules` checks each kind once and
hands back the same :class:`ItemRule` after that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hogo.errors import StorageRefused, ValidationFailed
from hogo.policy.model import Category, LookupKind, Policy, StorageRule
from hogo.policy.retention import RetentionTerms, Term
from hogo.vault.items import SOURCES

RuleKey = tuple[str, str, tuple[str, ...], str]


@dataclass(frozen=True, slots=True, eq=False)
class ItemRule:
    """How to store items of one category, collected for one list of purposes from one source.

    Compared and hashed by identity: :class:`Rules` makes one per distinct kind of item, so
    per-batch caches keyed by rule cost no more than a pointer hash.
    """

    category: str
    aad: bytes  # the category name, bound to each ciphertext
    storage: StorageRule
    lookup: LookupKind | None
    special_care: bool
    purposes: tuple[str, ...]
    source: str
    retention: tuple[Term, ...]  # the retention rules that decide when such items end


class Rules:
    """The policy's storage rules with a cache of checked kinds of item; one per batch."""

    __slots__ = ("_cache", "_policy", "_terms")

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._terms = RetentionTerms(policy)
        self._cache: dict[RuleKey, ItemRule] = {}

    def check_group(self, group: str) -> None:
        if group not in self._policy.subject_groups:
            raise ValidationFailed(f"subject group {group!r} is not declared in the policy")

    def resolve(self, key: RuleKey) -> ItemRule:
        """The rule for (group, category, purposes, source), or the policy's reason why items
        of that kind cannot be stored; checked on first sight only."""
        rule = self._cache.get(key)
        if rule is None:
            rule = self._cache[key] = self._check(*key)
        return rule

    def used(self) -> list[ItemRule]:
        """Every rule handed out so far."""
        return list(self._cache.values())

    def _check(self, group: str, name: str, purposes: tuple[str, ...], source: str) -> ItemRule:
        category = self._category(group, name)
        if source not in SOURCES:
            raise ValidationFailed(
                f"item source {source!r} is not one of {', '.join(sorted(SOURCES))}"
            )
        if not purposes:
            raise ValidationFailed(f"an item of category {name!r} names no purpose")
        for purpose in purposes:
            self._check_purpose(group, name, purpose)
        return ItemRule(
            retention=self._terms.terms(group, name, purposes),
            category=name,
            aad=name.encode(),
            storage=category.storage,
            lookup=category.lookup,
            special_care=category.special_care,
            purposes=tuple(dict.fromkeys(purposes)),
            source=source,
        )

    def _category(self, group: str, name: str) -> Category:
        category = self._policy.categories.get(name)
        if category is None:
            raise ValidationFailed(f"category {name!r} is not declared in the policy")
        if category.storage == "never":
            raise StorageRefused(
                f"category {name!r} has storage rule 'never': its values are not stored"
            )
        if name not in self._policy.subject_groups[group].collects:
            raise ValidationFailed(f"subject group {group!r} does not collect category {name!r}")
        return category

    def _check_purpose(self, group: str, category: str, name: str) -> None:
        purpose = self._policy.purposes.get(name)
        if purpose is None:
            raise ValidationFailed(f"purpose {name!r} is not declared in the policy")
        if group not in purpose.groups:
            raise ValidationFailed(f"purpose {name!r} does not cover subject group {group!r}")
        if category not in purpose.categories:
            raise ValidationFailed(f"purpose {name!r} does not list category {category!r}")


def check_now(now: dt.datetime, name: str = "now") -> None:
    if now.tzinfo is None:
        raise ValidationFailed(f"{name} must be an aware datetime")
