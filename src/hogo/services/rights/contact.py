"""The e-mail address the company holds for a subject: where codes and notices are sent.

Mail goes to the address on file, decrypted from the vault, never to one typed into a form:
a code sent to the typed address would prove only that someone can read that mailbox.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from hogo.policy.model import Policy
from hogo.vault.blind_index import normalise_email
from hogo.vault.items import ACTIVE, SubjectRow
from hogo.vault.vault import Vault


def email_categories(policy: Policy) -> list[str]:
    """The categories looked up as e-mail addresses (``lookup: email``)."""
    return [name for name, category in policy.categories.items() if category.lookup == "email"]


def addresses_on_file(
    connection: Connection, vault: Vault, policy: Policy, subject_id: int
) -> list[str]:
    """The subject's active e-mail addresses, oldest first; none for an erased subject."""
    subject = vault.subject_row(connection, subject_id)
    return addresses_of_many(connection, vault, policy, [subject])[subject_id]


def addresses_of_many(
    connection: Connection, vault: Vault, policy: Policy, subjects: Sequence[SubjectRow]
) -> dict[int, list[str]]:
    """:func:`addresses_on_file` for many subjects, read in one query."""
    categories = email_categories(policy)
    live = [s for s in subjects if s.status in (ACTIVE, "suspended") and s.wrapped_key]
    if not categories or not live:
        return {s.id: [] for s in subjects}
    stored = vault.load_items_of(connection, [s.id for s in live], categories)
    found: dict[int, list[str]] = {s.id: [] for s in subjects}
    for subject in live:
        mine = stored.get(subject.id)
        if mine:
            plain = vault.decrypt(subject.wrapped_key, subject.group, subject.ref, mine)
            found[subject.id] = [item.value for item in plain]
    return found


def address_matching(
    connection: Connection, vault: Vault, policy: Policy, subject_id: int, typed: str
) -> str | None:
    """The address on file that is the typed one once both are normalised, as stored."""
    wanted = normalise_email(typed)
    for address in addresses_on_file(connection, vault, policy, subject_id):
        if normalise_email(address) == wanted:
            return address
    return None
