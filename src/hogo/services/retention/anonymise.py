"""What an ``anonymise`` rule leaves of a person's items at the end of retention (§4, §10).

Per the de-identification role of each item's category (``categories.<id>.deid``):

- ``direct_identifier``, ``identification_code`` and ``property_damage`` items are dropped
  with the rest of the item: they identify the person or could cause harm;
- ``quasi_identifier`` items are generalised: a date keeps only its year;
- ``sensitive`` and ``other`` items are kept as they are.

What is kept goes to ``anonymous_values`` under a random record id, one per person and chunk,
so that one person's kept values stay together for statistics while nothing links them to the
person: no subject, no item id, only the day. The rows of a chunk are written in a random
order, so their ids do not follow the order of the subjects either. The items themselves are
then deleted by the sweep like any other.

Until the de-identification engine applies a privacy model (k-anonymity over the kept
quasi-identifiers), this is the minimum of PPC Rules Art. 34 (i)–(ii): identifying
descriptions and codes removed, and the link to the person cut.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection

from hogo.policy.model import Policy
from hogo.services.retention.due import DueItem
from hogo.store.tables import anonymous_values
from hogo.vault.vault import Vault

KEPT_ROLES = frozenset({"quasi_identifier", "sensitive", "other"})
DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}")


def keep_anonymous(
    connection: Connection,
    vault: Vault,
    policy: Policy,
    due: Sequence[tuple[DueItem, str]],
    today: dt.date,
) -> int:
    """Write the kept values of ``due`` (items with the rule each ends under); returns how many."""
    kept = [(item, rule) for item, rule in due if _kept(policy, item.category)]
    if not kept:
        return 0
    wanted: dict[int, dict[int, tuple[DueItem, str]]] = defaultdict(dict)
    for item, rule in kept:
        wanted[item.subject_id][item.id] = (item, rule)
    categories = sorted({item.category for item, _rule in kept})
    people = vault.subject_rows(connection, list(wanted))
    sealed = vault.load_sealed_of(connection, sorted(wanted), categories, _far_past())
    rows: list[dict[str, object]] = []
    for subject_id, of_subject in wanted.items():
        found = [value for value in sealed.get(subject_id, []) if value.id in of_subject]
        record = secrets.token_hex(16)
        for value, plain in zip(found, vault.open_values(people[subject_id], found), strict=True):
            item, rule = of_subject[value.id]
            role = policy.categories[item.category].deid
            rows.append(
                {
                    "record": record,
                    "rule": rule,
                    "category": item.category,
                    "value": _generalised(role, plain),
                    "anonymised_on": today,
                }
            )
    secrets.SystemRandom().shuffle(rows)
    if rows:
        connection.execute(anonymous_values.insert(), rows)
    return len(rows)


def _kept(policy: Policy, category: str) -> bool:
    found = policy.categories.get(category)
    return found is not None and found.storage == "encrypt" and found.deid in KEPT_ROLES


def _generalised(role: str, value: str) -> str:
    if role == "quasi_identifier":
        date = DATE.match(value)
        if date is not None:
            return date.group(1)
    return value


def _far_past() -> dt.datetime:
    """A moment before any retention ends: ``load_sealed_of`` judges expiry against it."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
