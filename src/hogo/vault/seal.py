"""New items become ``items`` rows: checked against the policy, then encrypted, blind-indexed
or tokenised.

This is the per-item loop of every write, so it does the least it can per item: one policy
check per distinct (group, category, purposes, source), one AES-GCM object per subject,
nonces sliced from one random block per batch, and the values shared by many rows (purposes,
collection time, the retention rule and its end) bound once per batch. Everything that can fail
here (a category the group does not collect, a card number that fails its check, a phone number
without digits) fails before anything is written, because the vault seals a whole batch before
its first insert.

An item's ``retain_until`` comes from the policy's retention rules (:mod:`hogo.policy.retention`)
with the collection time as the start of every clock that starts there; an item whose end waits
for an event has none until the event is recorded. An application may give an earlier
``retain_until`` than the rules' (never a later one); a legal floor is never shortened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hogo.policy.retention import Ending, ending
from hogo.vault.blind_index import BlindIndex
from hogo.vault.cards import tokenise
from hogo.vault.envelope import ValueCipher, random_block
from hogo.vault.items import ACTIVE, NewItem
from hogo.vault.keys import NONCE_BYTES, KeyRing
from hogo.vault.rules import ItemRule, RuleKey, Rules, check_now
from hogo.vault.writes import Binder, ItemRow

Known = tuple[ItemRule, Any]  # a checked rule and its purposes, bound for the driver
Kept = tuple[Ending, dt.datetime, Any, Any]  # the end, the floor, both bound: rule and until


class Sealer:
    """Checks and seals the items of one batch of at most ``count`` items."""

    __slots__ = (
        "_at",
        "_binder",
        "_card_key",
        "_collected",
        "_ends",
        "_index",
        "_known",
        "_nonces",
        "_now",
        "_rules",
    )

    def __init__(
        self, keyring: KeyRing, rules: Rules, binder: Binder, now: dt.datetime, count: int
    ) -> None:
        self._rules = rules
        self._binder = binder
        self._card_key = keyring.card_key
        self._index = BlindIndex(keyring.index_key)
        self._now = now
        self._collected = binder.time(now)
        self._known: dict[RuleKey, Known] = {}
        self._ends: dict[ItemRule, Kept] = {}
        self._nonces = random_block(count * NONCE_BYTES)
        self._at = 0

    def seal(self, data_key: bytes, group: str, new_items: Sequence[NewItem]) -> list[ItemRow]:
        """One subject's rows, each still without its first column, the subject id."""
        encrypt = ValueCipher(data_key).seal
        known, collected = self._known.get, self._collected
        nonces, at, index = self._nonces, self._at, self._index
        rows: list[ItemRow] = []
        for item in new_items:
            key = (group, item.category, tuple(item.purposes), item.source)
            rule, purposes = known(key) or self._learn(key)
            kept = self._ends.get(rule) or self._end(rule)
            retain = kept[3] if item.retain_until is None else self._retain(item.retain_until, kept)
            if rule.storage == "token":
                rows.append(self._token_row(item, rule, purposes, retain, kept[2]))
                continue
            nonce = nonces[at : at + NONCE_BYTES]
            at += NONCE_BYTES
            value, lookup = item.value, rule.lookup
            rows.append(
                (
                    rule.category,
                    encrypt(nonce, value, rule.aad),
                    None,
                    None if lookup is None else index(lookup, value),
                    purposes,
                    rule.source,
                    collected,
                    retain,
                    ACTIVE,
                    kept[2],
                )
            )
        self._at = at
        return rows

    def _learn(self, key: RuleKey) -> Known:
        rule = self._rules.resolve(key)
        known = self._known[key] = (rule, self._binder.purposes(rule.purposes))
        return known

    def _end(self, rule: ItemRule) -> Kept:
        """The end under the policy of an item of ``rule`` collected now, bound once."""
        found = ending(rule.retention, self._now)
        floor = max((term.floor(self._now) for term in rule.retention), default=self._now)
        until = None if found.until is None else self._binder.time(found.until)
        kept = self._ends[rule] = (found, floor, found.rule, until)
        return kept

    def _retain(self, until: dt.datetime, kept: Kept) -> Any:
        """An application's own end: kept if earlier than the policy's, never below a floor."""
        check_now(until, "retain_until")
        found, floor = kept[0], kept[1]
        if found.until is not None:
            until = min(until, found.until)
        return self._binder.time(max(until, floor))

    def _token_row(
        self, item: NewItem, rule: ItemRule, purposes: Any, retain: Any, retention_rule: Any
    ) -> ItemRow:
        """PCI DSS 3.4.1, 3.5.1: the keyed token and the last four digits, nothing else."""
        card = tokenise(self._card_key, item.value, rule.category)
        return (
            rule.category,
            card.token,
            card.display,
            None,
            purposes,
            rule.source,
            self._collected,
            retain,
            ACTIVE,
            retention_rule,
        )
