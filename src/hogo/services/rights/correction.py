"""Correction, addition and deletion of a person's items (APPI A34, GDPR Art. 16, 19).

A corrected item keeps its earlier value in ``item_revisions``, still encrypted under the
person's data key (so an erasure destroys it too); a deleted item loses its value and keeps
only the record that it was deleted. The result lists the recipients the policy lets receive
the changed categories, whom GDPR Art. 19 asks to tell (R-41, G-07). Once provision records
exist, the recipients that actually received the old value narrow this list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, insert, update

from hogo.errors import NotFound, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.actor import Actor
from hogo.store.tables import item_revisions, items
from hogo.vault.items import NewItem, SubjectRow
from hogo.vault.reads import load_items
from hogo.vault.vault import Vault

ChangeKind = Literal["correct", "add", "delete"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("correct", "add", "delete")
MAX_CHANGES = 200


@dataclass(frozen=True, slots=True)
class Change:
    """One change asked for: correct or delete ``item_id``, or add an item of ``category``."""

    kind: ChangeKind
    item_id: int | None = None
    category: str | None = None
    value: str | None = field(default=None, repr=False)
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CorrectionResult:
    changed: tuple[int, ...]  # the item ids corrected, added or deleted
    recipients: tuple[str, ...]  # to be told of the change (GDPR Art. 19)


def check_changes(changes: Sequence[Change]) -> None:
    if not changes:
        raise ValidationFailed("a correction names at least one change")
    if len(changes) > MAX_CHANGES:
        raise ValidationFailed(f"a correction holds at most {MAX_CHANGES} changes")
    for change in changes:
        if change.kind not in CHANGE_KINDS:
            raise ValidationFailed(
                f"unknown change {change.kind!r}; expected {', '.join(CHANGE_KINDS)}"
            )
        if change.kind != "add" and change.item_id is None:
            raise ValidationFailed(f"a {change.kind!r} change names the item_id")
        if change.kind != "delete" and not change.value:
            raise ValidationFailed(f"a {change.kind!r} change gives the new value")
        if change.kind == "add" and (change.category is None or not change.purposes):
            raise ValidationFailed("an 'add' change names the category and its purposes")


def apply_changes(
    connection: Connection,
    vault: Vault,
    policy: Policy,
    actor: Actor,
    subject: SubjectRow,
    changes: Sequence[Change],
    *,
    request_id: int | None,
    now: dt.datetime,
) -> CorrectionResult:
    """Apply every change in the caller's transaction, or none (the first failure raises)."""
    check_changes(changes)
    changed: list[int] = []
    categories: set[str] = set()
    for change in changes:
        applied = _apply(connection, vault, subject, change, now)
        _revision(connection, subject.id, applied, change.kind, actor, request_id, now)
        changed.append(applied.item_id)
        categories.add(applied.category)
    return CorrectionResult(tuple(changed), recipients_of(policy, subject.group, categories))


@dataclass(frozen=True, slots=True)
class _Applied:
    item_id: int
    category: str
    old_ciphertext: bytes | None = field(default=None, repr=False)
    old_display: str | None = None


def _apply(
    connection: Connection, vault: Vault, subject: SubjectRow, change: Change, now: dt.datetime
) -> _Applied:
    if change.kind == "add":
        category = change.category or ""
        new = NewItem(category, change.value or "", change.purposes)
        (item_id,) = vault.add_items(connection, subject.id, [new], now=now)
        return _Applied(item_id, category)
    item_id = change.item_id or 0
    if change.kind == "correct":
        old = vault.revise_item(connection, subject.id, item_id, change.value or "", now=now)
        return _Applied(item_id, old.category, old.ciphertext, old.display)
    found = load_items(connection, subject.id, None, item_ids=[item_id])
    if not found:
        raise NotFound(f"subject {subject.id} has no active item {item_id}")
    connection.execute(
        update(items)
        .where(items.c.id == item_id)
        .values(status="erased", ciphertext=b"", display=None, blind_index=None)
    )
    return _Applied(item_id, found[0].category)


def _revision(
    connection: Connection,
    subject_id: int,
    applied: _Applied,
    change: ChangeKind,
    actor: Actor,
    request_id: int | None,
    now: dt.datetime,
) -> None:
    connection.execute(
        insert(item_revisions).values(
            item_id=applied.item_id,
            subject_id=subject_id,
            category=applied.category,
            old_ciphertext=applied.old_ciphertext,
            old_display=applied.old_display,
            change=change,
            request_id=request_id,
            actor=actor.id,
            at=now,
        )
    )


def recipients_of(policy: Policy, group: str, categories: set[str]) -> tuple[str, ...]:
    """Recipients the policy lets receive any of ``categories`` of ``group`` (GDPR Art. 19)."""
    return tuple(
        name
        for name, recipient in policy.recipients.items()
        if group in recipient.groups
        and (not recipient.categories or categories & set(recipient.categories))
    )
