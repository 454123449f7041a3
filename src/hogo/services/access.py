"""Reading personal data: every read passes the guard and leaves an audit entry.

The decision, the audit entry and the read of the encrypted items share one transaction, so an
audit write that fails makes the read fail (fail closed) and auditing costs no second commit.
Values are decrypted only for the categories the decision allowed, after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from hogo.guard.compile import CompiledPolicy
from hogo.guard.decision import Decision
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.snapshot import subject_state
from hogo.vault.items import PlainItem, SubjectRow
from hogo.vault.vault import Vault

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class AccessResult:
    """The decision and the values of the allowed categories."""

    subject_id: int
    decision: Decision
    items: tuple[PlainItem, ...]


def decision_detail(decision: Decision) -> dict[str, Any]:
    return {"allowed": list(decision.allowed_categories), "denied": decision.denied}


class AccessService:
    """Decides and reads, for applications (``hogo.open``) and the API alike."""

    def __init__(
        self, engine: Engine, compiled: CompiledPolicy, vault: Vault, clock: Clock = utc_now
    ) -> None:
        self._engine = engine
        self._compiled = compiled
        self._vault = vault
        self._clock = clock

    def decide(
        self, actor: Actor, subject_id: int, categories: Sequence[str], purpose: str
    ) -> Decision:
        """A dry run: the decision a read would get, audited, with no values read."""
        now = self._clock()
        with self._engine.begin() as connection:
            record = self._vault.subject_row(connection, subject_id)
            decision = self._decision(connection, actor, record, categories, purpose, now)
            record_audit(
                connection,
                actor,
                "decide",
                subject_id=record.id,
                at=now,
                purpose=purpose,
                detail=decision_detail(decision),
            )
        return decision

    def read(
        self, actor: Actor, subject_id: int, categories: Sequence[str], purpose: str
    ) -> AccessResult:
        """Read ``categories`` for ``purpose``: the allowed values, and why not the rest."""
        now = self._clock()
        with self._engine.begin() as connection:
            record = self._vault.subject_row(connection, subject_id)
            decision = self._decision(connection, actor, record, categories, purpose, now)
            allowed = decision.allowed_categories
            stored = self._vault.load_items(connection, record.id, allowed) if allowed else []
            record_audit(
                connection,
                actor,
                "read",
                subject_id=record.id,
                at=now,
                purpose=purpose,
                detail=decision_detail(decision),
            )
        live = [item for item in stored if item.retain_until is None or item.retain_until > now]
        plain = (
            self._vault.decrypt(record.wrapped_key, record.group, record.ref, live) if live else []
        )
        return AccessResult(record.id, decision, tuple(plain))

    def _decision(
        self,
        connection: Connection,
        actor: Actor,
        record: SubjectRow,
        categories: Sequence[str],
        purpose: str,
        now: dt.datetime,
    ) -> Decision:
        state = subject_state(connection, self._compiled, record, categories, now)
        return self._compiled.decide(actor.role, state, categories, purpose)
