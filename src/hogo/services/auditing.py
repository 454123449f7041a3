"""One audit entry per service operation, written in the operation's own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine

from hogo.audit.chain import append
from hogo.audit.entry import AuditEntry
from hogo.services.actor import Actor


def record(
    connection: Connection,
    actor: Actor,
    action: str,
    *,
    subject_id: int | None,
    at: dt.datetime,
    purpose: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append the entry; if it cannot be written, the caller's transaction fails with it."""
    entry = AuditEntry(
        actor=actor.id,
        action=action,
        subject_id=subject_id,
        purpose=purpose,
        detail={"role": actor.role, **(detail or {})},
        at=at,
    )
    append(connection, [entry])


def record_all(
    connection: Connection,
    actor: Actor,
    entries: Sequence[tuple[str, int | None, Mapping[str, Any]]],
    *,
    at: dt.datetime,
) -> None:
    """Append many entries of one actor, each ``(action, subject_id, detail)``, at once."""
    append(
        connection,
        [
            AuditEntry(
                actor=actor.id,
                action=action,
                subject_id=subject_id,
                purpose=None,
                detail={"role": actor.role, **detail},
                at=at,
            )
            for action, subject_id, detail in entries
        ],
    )


def record_refused(
    engine: Engine, actor: Actor, *, code: str, target: str, at: dt.datetime
) -> None:
    """An attempt that was refused (bad input, no right to it, a conflict): nothing changed,
    and the attempt itself is on record, in a transaction of its own."""
    with engine.begin() as connection:
        record(
            connection,
            actor,
            "refused",
            subject_id=None,
            at=at,
            detail={"code": code, "target": target},
        )
