"""Taking a one-time code back: the outcomes, what each changes, and the requests it confirms.

The outcome of a try is one of ``unknown`` (no such challenge), ``used``, ``expired``,
``locked`` (too many wrong codes), ``invalid`` and ``confirmed``; each is audited. A wrong code
changes nothing but the challenge's count of tries. A decoy challenge (no request behind it)
answers ``invalid`` to every code, counts its tries, expires and locks like any other.

Tries of one challenge never interleave: the transaction first touches the challenge's row,
which takes its row lock on PostgreSQL and the database's write lock on SQLite, and only then
reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Engine, select, update

from hogo.errors import (
    CodeExpired,
    CodeInvalid,
    CodeLocked,
    CodeUsed,
    HogoError,
    NotFound,
)
from hogo.services.access import Clock
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.rights.limits import IntakeLimits
from hogo.services.rights.requests import RequestService
from hogo.services.rights.tokens import IntakeHasher, new_status_token
from hogo.store.tables import requests, verification_challenges

Outcome = Literal["unknown", "used", "expired", "locked", "invalid", "confirmed"]
challenges = verification_challenges


@dataclass(frozen=True, slots=True)
class Verified:
    """The confirmed requests and the token to follow them; the token is shown only once."""

    request_ids: tuple[int, ...]
    status_token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    request_ids: tuple[int, ...] = ()
    attempts_left: int = 0

    def error(self) -> HogoError:
        if self.outcome == "unknown":
            return NotFound("no such verification; ask for a new code")
        if self.outcome == "used":
            return CodeUsed("this code was already used; follow the request with its status token")
        if self.outcome == "expired":
            return CodeExpired("the code has expired; ask for a new one")
        if self.outcome == "locked":
            return CodeLocked("too many wrong codes; ask for a new one")
        left = self.attempts_left
        more = f"{left} more {'try' if left == 1 else 'tries'}" if left else "no more tries"
        return CodeInvalid(f"the code is not right; {more}", attempts_left=left)


def requester(challenge_id: str) -> Actor:
    """The person who holds the challenge, as named in the audit trail."""
    return Actor(id=f"requester:{challenge_id[:8]}", role="requester")


class Verifier:
    """Checks codes against challenges and confirms the requests of the right one."""

    def __init__(
        self,
        engine: Engine,
        requests: RequestService,
        hasher: IntakeHasher,
        limits: IntakeLimits,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._requests = requests
        self._hasher = hasher
        self._limits = limits
        self._clock = clock

    def verify(self, challenge_id: str, code: str) -> Verified:
        now = self._clock()
        token = new_status_token()
        with self._engine.begin() as connection:
            verdict = self._judge(connection, challenge_id, code, now)
            if verdict.outcome == "invalid":
                self._count_try(connection, challenge_id)
            moved: list[int] = []
            if verdict.outcome == "confirmed":
                verdict = self._confirm(connection, challenge_id, verdict, token, now)
            if verdict.outcome == "confirmed":
                moved = self._verify_requests(connection, verdict.request_ids, challenge_id)
            detail: dict[str, Any] = {"challenge": challenge_id[:8], "outcome": verdict.outcome}
            if verdict.outcome == "confirmed":
                detail["requests"] = list(verdict.request_ids)
            actor = requester(challenge_id)
            record_audit(connection, actor, "intake_verify", subject_id=None, at=now, detail=detail)
        if verdict.outcome != "confirmed":
            raise verdict.error()
        for request_id in moved:
            self._requests.announce(request_id, "verified")
        return Verified(verdict.request_ids, token)

    def _judge(
        self, connection: Connection, challenge_id: str, code: str, now: dt.datetime
    ) -> Verdict:
        touch = update(challenges).where(challenges.c.id == challenge_id)
        connection.execute(touch.values(attempts=challenges.c.attempts))
        row = connection.execute(select(challenges).where(challenges.c.id == challenge_id)).first()
        if row is None:
            return Verdict("unknown")
        request_ids = tuple(int(request_id) for request_id in row.request_ids)
        if row.used_at is not None:
            return Verdict("used")
        if now >= row.expires_at:
            return Verdict("expired")
        if row.attempts >= self._limits.max_attempts:
            return Verdict("locked")
        matches = self._hasher.matches(bytes(row.code_hash), challenge_id, code)
        if matches and request_ids:
            return Verdict("confirmed", request_ids)
        return Verdict("invalid", attempts_left=self._limits.max_attempts - row.attempts - 1)

    @staticmethod
    def _count_try(connection: Connection, challenge_id: str) -> None:
        connection.execute(
            update(challenges)
            .where(challenges.c.id == challenge_id)
            .values(attempts=challenges.c.attempts + 1)
        )

    def _confirm(
        self,
        connection: Connection,
        challenge_id: str,
        verdict: Verdict,
        token: str,
        now: dt.datetime,
    ) -> Verdict:
        """Use up the challenge; give its requests the token and record the identity check."""
        used = connection.execute(
            update(challenges)
            .where(challenges.c.id == challenge_id, challenges.c.used_at.is_(None))
            .values(used_at=now)
        )
        if used.rowcount != 1:
            return Verdict("used")
        digest = self._hasher.status_token(token)
        rows = connection.execute(
            select(requests.c.id, requests.c.details).where(requests.c.id.in_(verdict.request_ids))
        ).all()
        for row in rows:
            details = dict(row.details)
            details["id_check"] = {
                **dict(details.get("id_check") or {}),
                "result": "confirmed",
                "at": now.isoformat(),
            }
            connection.execute(
                update(requests)
                .where(requests.c.id == row.id)
                .values(status_token_hash=digest, details=details)
            )
        return verdict

    def _verify_requests(
        self, connection: Connection, request_ids: Sequence[int], challenge_id: str
    ) -> list[int]:
        """Move each request to ``verified`` in the transaction that used up the code, except
        an agent's (its proof is checked first); the ids moved."""
        actor = requester(challenge_id)
        moved = []
        for request in self._requests.get_many_in(connection, request_ids):
            if request.status != "received" or "agent" in request.details:
                continue
            self._requests.transition(
                connection, actor, request.id, "verified", {}, current=request
            )
            moved.append(request.id)
        return moved
