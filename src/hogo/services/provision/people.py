"""Who of the people asked for may be provided, and why the others may not (R-29, R-42, G-10).

Every person goes through the guard for the provision's purpose and categories, in one
vectorised batch: an erased or suspended person, an objection to an opt-out purpose, a
restriction, a missing consent to a ``required`` purpose or expired retention all exclude
the person. Where the terms need each person's consent (a consent-based or foreign
provision), only a consent in force counts and the record names its ledger entry. Where a
stop of provision to third parties counts (A35(3)), a stop in force excludes the person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, select

from hogo.errors import ProvisionRefused
from hogo.guard.compile import CompiledPolicy
from hogo.guard.reasons import Reason
from hogo.guard.state import ConsentState, SubjectState
from hogo.services.provision.basis import Order, Terms
from hogo.services.snapshot import provision_stops
from hogo.store.lists import among, chunks
from hogo.store.tables import consent_events, items, subjects
from hogo.vault.items import SealedValue, SubjectRow

GRANTED = (ConsentState.GRANTED, ConsentState.GRANTED_BY_GUARDIAN)
SHOWN_EXCLUDED = 20  # people named in a refusal's message; the extension lists them all


@dataclass(frozen=True, slots=True)
class Excluded:
    subject_id: int
    reason: str  # a guard reason code, or outside_group, provision_stopped, no_consent

    def to_json(self) -> dict[str, object]:
        return {"subject_id": self.subject_id, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Selection:
    """The people to provide (with the consent each rests on, if any) and those left out."""

    included: list[SubjectRow]
    consent_ids: dict[int, int]  # subject id -> the consent event relied on
    excluded: list[Excluded]


def select_people(
    connection: Connection,
    compiled: CompiledPolicy,
    role: str,
    order: Order,
    terms: Terms,
    records: Sequence[SubjectRow],
    states: Sequence[SubjectState],
) -> Selection:
    """Split ``records`` (with their guard ``states``, in the same order) into in and out."""
    groups = set(compiled.policy.recipients[order.recipient].groups)
    reasons = _guard_reasons(compiled, role, order, states)
    stopped = provision_stops(connection, [r.id for r in records]) if terms.honours_stop else set()
    included: list[SubjectRow] = []
    excluded: list[Excluded] = []
    for row, record in enumerate(records):
        reason = _exclusion(record, states[row], reasons[row], groups, stopped, order, terms)
        if reason is None:
            included.append(record)
        else:
            excluded.append(Excluded(record.id, reason))
    consent_ids = _consents(connection, order.purpose, included) if terms.needs_consent else {}
    return Selection(included, consent_ids, excluded)


def _guard_reasons(
    compiled: CompiledPolicy, role: str, order: Order, states: Sequence[SubjectState]
) -> list[str | None]:
    """Per person, the first denial over the categories (``None``: all allowed)."""
    if not states:
        return []
    table = compiled.subject_table(states)
    n, k = len(states), len(order.categories)
    subject_idx = np.repeat(np.arange(n), k)
    category_idx = np.tile([compiled.category_index[c] for c in order.categories], n)
    purpose_idx = np.full(n * k, compiled.purpose_index[order.purpose])
    decided = compiled.decide_batch(role, table, subject_idx, category_idx, purpose_idx)
    ranks = (decided.reshape(n, k).astype(np.int16) - 1) % 256  # ALLOWED last (rank 255)
    first = ranks.min(axis=1)
    return [None if rank == 255 else Reason(int(rank) + 1).code for rank in first]


def _exclusion(
    record: SubjectRow,
    state: SubjectState,
    guard_reason: str | None,
    groups: set[str],
    stopped: set[int],
    order: Order,
    terms: Terms,
) -> str | None:
    if record.group not in groups:
        return "outside_group"
    if guard_reason is not None:
        return guard_reason
    if terms.honours_stop and record.id in stopped:
        return "provision_stopped"
    if terms.needs_consent and state.consents.get(order.purpose) not in GRANTED:
        return "no_consent"
    return None


def _consents(
    connection: Connection, purpose: str, included: Sequence[SubjectRow]
) -> dict[int, int]:
    """Per person, the latest grant for ``purpose`` in the ledger: the consent relied on."""
    latest: dict[int, int] = {}
    for chunk in chunks([record.id for record in included]):
        query = (
            select(consent_events.c.subject_id, consent_events.c.id)
            .where(
                among(connection, consent_events.c.subject_id, chunk),
                consent_events.c.purpose == purpose,
                consent_events.c.action == "grant",
            )
            .order_by(consent_events.c.id)
        )
        latest.update({int(sid): int(eid) for sid, eid in connection.execute(query)})
    return latest


def counts(excluded: Sequence[Excluded]) -> Mapping[str, int]:
    """How many people were left out for each reason."""
    found: dict[str, int] = {}
    for person in excluded:
        found[person.reason] = found.get(person.reason, 0) + 1
    return found


def group_members(connection: Connection, group: str, categories: Sequence[str]) -> list[int]:
    """Active people of ``group`` with an active item of one of ``categories``."""
    query = (
        select(subjects.c.id)
        .where(
            subjects.c.subject_group == group,
            subjects.c.status == "active",
            select(items.c.id)
            .where(
                items.c.subject_id == subjects.c.id,
                items.c.category.in_(list(categories)),
                items.c.status == "active",
            )
            .exists(),
        )
        .order_by(subjects.c.id)
    )
    return [int(sid) for sid in connection.execute(query).scalars()]


def expired_categories(found: Sequence[SealedValue]) -> frozenset[str]:
    """The categories all of whose items are past retention (R-12): the guard denies them."""
    live = {item.category for item in found if not item.expired}
    return frozenset(item.category for item in found if item.category not in live)


def refuse_exclusions(selection: Selection, allow_partial: bool) -> None:
    if not selection.excluded:
        return
    listed = [person.to_json() for person in selection.excluded]
    if not selection.included:
        raise ProvisionRefused(
            f"no one can be provided: {named(selection.excluded)}", excluded=listed
        )
    if not allow_partial:
        raise ProvisionRefused(
            f"{len(selection.excluded)} of {len(selection.excluded) + len(selection.included)} "
            f"people cannot be provided ({named(selection.excluded)}); nothing was provided. "
            "Allow a partial provision to provide the others",
            excluded=listed,
        )


def named(excluded: Sequence[Excluded]) -> str:
    shown = ", ".join(f"{p.subject_id} ({p.reason})" for p in excluded[:SHOWN_EXCLUDED])
    more = len(excluded) - SHOWN_EXCLUDED
    return shown + (f" and {more} more" if more > 0 else "")
