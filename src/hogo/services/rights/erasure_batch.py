"""Many verified erasure requests fulfilled together, a few hundred per transaction.

The work for each person is the same as one at a time (:meth:`Eraser.erase`: every item that
may go, the data key, the tombstone, the tickets, nothing skipped in silence), but what costs
per transaction is paid once per chunk: the requests and people are read in one query each, the
request moves are one update, one insert of events and one audit append, the suppression list is
flushed to disk once, and the notices are audited together. A chunk is all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hogo.errors import Conflict, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.actor import Actor
from hogo.services.rights.contact import addresses_of_many
from hogo.services.rights.erasure import Eraser, ErasureResult, kept_reason
from hogo.services.rights.requests import Move, RequestService, RightsRequest
from hogo.services.scope import require_scope
from hogo.vault.suppression import Suppression
from hogo.vault.vault import Vault

CHUNK = 200
OPEN_TO_WORK = ("verified", "in_progress")


@dataclass(frozen=True, slots=True)
class Erased:
    """How one request of the batch closed, and where to tell the person."""

    request: RightsRequest  # as closed
    addresses: list[str]
    result: ErasureResult


def check_batch(batch: Sequence[RightsRequest]) -> None:
    """Only verified or started erasure requests, one per person."""
    seen: dict[int, int] = {}
    for request in batch:
        if request.kind != "erasure":
            raise ValidationFailed(
                f"request {request.id} is a {request.kind!r} request, not an erasure"
            )
        if request.status not in OPEN_TO_WORK:
            raise Conflict(f"request {request.id} is {request.status}; it cannot become fulfilled")
        if request.subject_id in seen:
            raise ValidationFailed(
                f"requests {seen[request.subject_id]} and {request.id} are for the same person; "
                "fulfil one of them on its own"
            )
        seen[request.subject_id] = request.id


def erase_chunk(
    connection: Connection,
    policy: Policy,
    vault: Vault,
    requests: RequestService,
    eraser: Eraser,
    actor: Actor,
    request_ids: Sequence[int],
    now: dt.datetime,
) -> list[Erased]:
    """Fulfil one chunk in the caller's transaction; raises before any change if one request
    may not be fulfilled, or the actor's role does not cover one person."""
    batch = requests.get_many_in(connection, request_ids)
    check_batch(batch)
    people = vault.subject_rows(connection, [r.subject_id for r in batch])
    for subject in people.values():
        require_scope(policy, actor.role, group=subject.group)
    addresses = addresses_of_many(connection, vault, policy, list(people.values()))
    starts: list[Move] = [(r, "in_progress", {}, {}) for r in batch if r.status == "verified"]
    started = {r.id: r for r in requests.transition_many(connection, actor, starts)}
    pending: list[Suppression] = []
    results = [
        eraser.erase(connection, people[r.subject_id], now, r.id, pending=pending) for r in batch
    ]
    moves = [_close(started.get(r.id, r), result) for r, result in zip(batch, results, strict=True)]
    closed = requests.transition_many(connection, actor, moves)
    eraser.record(pending)  # on disk before the commit: see hogo.vault.suppression
    return [
        Erased(request, addresses[request.subject_id], result)
        for request, result in zip(closed, results, strict=True)
    ]


def _close(request: RightsRequest, result: ErasureResult) -> Move:
    detail: Mapping[str, Any] = {
        "erased_items": result.erased_items,
        "kept_items": [k.item_id for k in result.kept],
        "tickets_shredded": list(result.tickets),
    }
    if result.complete:
        return (request, "fulfilled", {}, detail)
    values = {"reason": kept_reason(result.kept), "decision_ground": "alternative_measure"}
    return (request, "partially_fulfilled", values, detail)


def chunks(values: Sequence[int], size: int = CHUNK) -> list[Sequence[int]]:
    return [values[start : start + size] for start in range(0, len(values), size)]
