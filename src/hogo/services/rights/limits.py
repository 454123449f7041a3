"""How often the privacy center may be asked, and how long a code lives.

Attempts are counted in ``intake_attempts``, one row per attempt and key: the blind index of
the address, and the keyed hash of the client. A key at its limit is refused until its oldest
attempt in the window has aged out; that wait is the ``retry_after`` of
:class:`~hogo.errors.RateLimited`. Rows older than the window are deleted as the key is used
again, so the table holds no more than the last window's attempts of each key.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select

from hogo.errors import RateLimited
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.store.tables import intake_attempts


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Rate limits per address and per client, the code's life and its number of tries."""

    per_address: int = 5
    per_client: int = 30
    window: dt.timedelta = dt.timedelta(hours=1)
    code_ttl: dt.timedelta = dt.timedelta(minutes=15)
    max_attempts: int = 5


@dataclass(frozen=True, slots=True)
class Budget:
    """One key and the number of attempts it may make per window."""

    name: str  # "address" or "client": named in the audit entry, never the key itself
    key: bytes
    limit: int


def over_limit(
    connection: Connection, budgets: Sequence[Budget], now: dt.datetime, window: dt.timedelta
) -> tuple[Budget, int] | None:
    """The first budget spent, with the seconds until it allows another attempt; else None."""
    since = now - window
    for budget in budgets:
        connection.execute(
            delete(intake_attempts).where(
                intake_attempts.c.key == budget.key, intake_attempts.c.at < since
            )
        )
        in_window = (intake_attempts.c.key == budget.key, intake_attempts.c.at >= since)
        used = connection.execute(
            select(func.count()).select_from(intake_attempts).where(*in_window)
        ).scalar_one()
        if used < budget.limit:
            continue
        freed_by = connection.execute(
            select(intake_attempts.c.at)
            .where(*in_window)
            .order_by(intake_attempts.c.at)
            .offset(int(used) - budget.limit)
            .limit(1)
        ).scalar_one()
        wait = (freed_by + window - now).total_seconds()
        return budget, max(1, math.ceil(wait))
    return None


def throttle(
    engine: Engine,
    budgets: Sequence[Budget],
    now: dt.datetime,
    window: dt.timedelta,
    actor: Actor,
    action: str,
    detail: Mapping[str, Any],
) -> None:
    """Count the attempt, or refuse it (audited as ``action``) when a budget is spent."""
    with engine.begin() as connection:
        spent = over_limit(connection, budgets, now, window)
        if spent is None:
            count_attempt(connection, budgets, now)
        else:
            audited = {**detail, "limit": spent[0].name, "retry_after": spent[1]}
            record_audit(connection, actor, action, subject_id=None, at=now, detail=audited)
    if spent is not None:
        budget, wait = spent
        raise RateLimited(
            f"too many requests from this {budget.name}; try again in {wait} seconds",
            retry_after=wait,
        )


def count_attempt(connection: Connection, budgets: Sequence[Budget], now: dt.datetime) -> None:
    connection.execute(
        insert(intake_attempts), [{"key": budget.key, "at": now} for budget in budgets]
    )
