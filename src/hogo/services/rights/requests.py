"""Rights requests from receipt to answer, each step checked, recorded and audited.

A request moves ``received → verified → in_progress → fulfilled | partially_fulfilled``, and
may be ``refused`` from any open state. Every step appends a row to the ``request_events``
ledger and an audit entry, in the same transaction as the change of state. Due dates come from
:mod:`hogo.services.rights.deadlines` and the policy's ``rights`` section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Row, bindparam, func, insert, select, update

from hogo.errors import Conflict, NotFound, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record as record_audit
from hogo.services.auditing import record_all
from hogo.services.rights import deadlines
from hogo.services.rights.deadlines import Regime
from hogo.services.rights.kinds import (
    CLOSED,
    TRANSITIONS,
    RequestKind,
    Status,
    check_decision_ground,
    check_submission,
    required_text,
)
from hogo.store.tables import UTCDateTime, request_events, requests, subjects


@dataclass(frozen=True, slots=True)
class RightsRequest:
    """A request as stored, with its due dates."""

    id: int
    subject_id: int
    kind: str
    status: str
    regime: str
    ground: str | None
    fee_jpy: int
    received_at: dt.datetime
    due_at: dt.date
    may_sue_from: dt.date | None
    extended_due_at: dt.date | None
    extension_notice_at: dt.datetime | None
    closed_at: dt.datetime | None
    decision_ground: str | None
    reason: str | None
    details: dict[str, Any]

    @property
    def effective_due(self) -> dt.date:
        """The due date in force: the extended one once a GDPR extension is recorded."""
        return self.extended_due_at or self.due_at

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    def litigation_possible(self, on: dt.date) -> bool:
        """R-46: the person may sue the company over this request on that day (APPI A39)."""
        return self.may_sue_from is not None and on >= self.may_sue_from


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One row of the append-only ``request_events`` ledger."""

    at: dt.datetime
    actor: str
    from_status: str | None
    to_status: str
    detail: dict[str, Any]


def _to_request(row: Row[Any]) -> RightsRequest:
    return RightsRequest(**{name: getattr(row, name) for name in RightsRequest.__slots__})


class Notifier(Protocol):
    """Tells the person of a decision (see :class:`hogo.services.rights.notify.RequestNotifier`)."""

    def notify(
        self, request: RightsRequest, event: str, addresses: Sequence[str] | None = None
    ) -> object: ...

    def notify_many(
        self, notices: Sequence[tuple[RightsRequest, str, Sequence[str]]]
    ) -> object: ...


Move = tuple["RightsRequest", Status, Mapping[str, Any], Mapping[str, Any]]
"""One step of :meth:`RequestService.transition_many`: the request as it is, the state it moves
to, the values to set (``reason``, ``decision_ground``) and the detail to record."""
NOTIFIED = ("verified", "fulfilled", "partially_fulfilled", "refused")


_MOVE = (
    update(requests)
    .where(requests.c.id == bindparam("b_id"), requests.c.status == bindparam("b_from"))
    .values(
        status=bindparam("b_to"),
        closed_at=func.coalesce(bindparam("b_closed", type_=UTCDateTime()), requests.c.closed_at),
        reason=bindparam("b_reason"),
        decision_ground=bindparam("b_ground"),
    )
)


class RequestService:
    """Receives rights requests and moves them through their workflow.

    ``notifier`` is told of each decision once it has committed (verified, fulfilled,
    partially fulfilled, refused, extended), to tell the person.
    """

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        clock: Clock = utc_now,
        notifier: Notifier | None = None,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._clock = clock
        self._notifier = notifier

    def announce(self, request_id: int, event: str, addresses: Sequence[str] | None = None) -> None:
        """Tell the person of a decision that has committed (a no-op without a notifier);
        ``addresses`` instead of those on file, when the person's data is already gone."""
        if self._notifier is not None:
            self._notifier.notify(self.get(request_id), event, addresses)

    def announce_many(self, notices: Sequence[tuple[RightsRequest, str, Sequence[str]]]) -> None:
        """:meth:`announce` for many committed decisions, with the addresses to tell."""
        if self._notifier is not None and notices:
            self._notifier.notify_many(notices)

    def get_many_in(
        self, connection: Connection, request_ids: Sequence[int]
    ) -> list[RightsRequest]:
        """The requests, in the order asked, read in the caller's transaction."""
        rows = connection.execute(select(requests).where(requests.c.id.in_(list(request_ids))))
        found = {row.id: _to_request(row) for row in rows}
        missing = [request_id for request_id in request_ids if request_id not in found]
        if missing:
            raise NotFound(f"no request {missing[0]}")
        return [found[request_id] for request_id in request_ids]

    def transition_many(
        self, connection: Connection, actor: Actor, moves: Sequence[Move]
    ) -> list[RightsRequest]:
        """:meth:`transition` for many requests in one go: one conditional update, one insert
        of events and one audit append for all; any request moved meanwhile fails them all."""
        now = self._clock()
        params: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        audits: list[tuple[str, int | None, Mapping[str, Any]]] = []
        for request, to, values, detail in moves:
            if to not in TRANSITIONS.get(request.status, ()) or to == "refused":
                raise Conflict(f"request {request.id} is {request.status}; it cannot become {to}")
            closed = now if to in CLOSED else None
            params.append(
                {
                    "b_id": request.id,
                    "b_from": request.status,
                    "b_to": to,
                    "b_closed": closed,
                    "b_reason": values.get("reason"),
                    "b_ground": values.get("decision_ground"),
                }
            )
            logged = {k: v for k, v in values.items() if v is not None} | dict(detail)
            events.append(
                {
                    "request_id": request.id,
                    "at": now,
                    "actor": actor.id,
                    "from_status": request.status,
                    "to_status": to,
                    "detail": logged,
                }
            )
            audit = {"request_id": request.id, "from": request.status, "to": to, **logged}
            audits.append(("request", request.subject_id, audit))
        if not moves:
            return []
        updated = connection.execute(_MOVE, params)
        if updated.rowcount != len(moves):
            raise Conflict("a request changed while the batch was being updated; try again")
        connection.execute(insert(request_events), events)
        record_all(connection, actor, audits, at=now)
        return [
            replace(
                request,
                status=to,
                closed_at=p["b_closed"] or request.closed_at,
                reason=p["b_reason"],
                decision_ground=p["b_ground"],
            )
            for (request, to, _values, _detail), p in zip(moves, params, strict=True)
        ]

    def submit(
        self,
        actor: Actor,
        subject_id: int,
        kind: RequestKind,
        regime: Regime,
        *,
        fee_jpy: int = 0,
        ground: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        """Record the arrival of a request and its due dates; returns its id."""
        check_submission(self._policy, kind, regime, fee_jpy, ground)
        now = self._clock()
        arrival = deadlines.arrival_date(now, regime)
        values = {
            "subject_id": subject_id,
            "kind": kind,
            "status": "received",
            "regime": regime,
            "ground": ground,
            "fee_jpy": fee_jpy,
            "received_at": now,
            "due_at": deadlines.due_date(arrival, regime, self._policy.rights.deadline_days),
            "may_sue_from": deadlines.may_sue_from(arrival) if regime == "appi" else None,
            "details": dict(details or {}),
        }
        with self._engine.begin() as connection:
            self._require_subject(connection, subject_id)
            inserted = insert(requests).values(values).returning(requests.c.id)
            request_id = int(connection.execute(inserted).scalar_one())
            detail = {"kind": kind, "regime": regime, "ground": ground, "fee_jpy": fee_jpy}
            self._log(connection, actor, request_id, subject_id, None, "received", now, detail)
        return request_id

    def verify(self, actor: Actor, request_id: int) -> None:
        """The requester's identity (or the agent's authority) is confirmed (R-44)."""
        self._move(actor, request_id, "verified", {})

    def start(self, actor: Actor, request_id: int) -> None:
        self._move(actor, request_id, "in_progress", {})

    def fulfil(
        self,
        actor: Actor,
        request_id: int,
        *,
        partial_reason: str | None = None,
        ground: str | None = None,
    ) -> None:
        """Close as done; partly done (an action other than the one asked) needs a reason (R-43)."""
        if partial_reason is None and ground is None:
            self._move(actor, request_id, "fulfilled", {})
            return
        reason = required_text(partial_reason, "a partial fulfilment")
        decision = check_decision_ground(ground)
        values = {"reason": reason, "decision_ground": decision}
        self._move(actor, request_id, "partially_fulfilled", values)

    def refuse(self, actor: Actor, request_id: int, reason: str, ground: str) -> None:
        """Close as refused, with the reason and its ground (R-43, R-39, D27)."""
        values = {
            "reason": required_text(reason, "a refusal"),
            "decision_ground": check_decision_ground(ground),
        }
        self._move(actor, request_id, "refused", values)

    def extend(self, actor: Actor, request_id: int, reason: str) -> None:
        """G-05: extend a GDPR request by two months; the notice must fall in the first month."""
        text = required_text(reason, "an extension")
        now = self._clock()
        with self._engine.begin() as connection:
            request = self._load(connection, request_id)
            self._check_extension(request, now)
            arrival = deadlines.arrival_date(request.received_at, "gdpr")
            values = {
                "extended_due_at": deadlines.gdpr_extended_due(arrival),
                "extension_notice_at": now,
            }
            self._update(connection, request, request.status, values)
            detail = {"reason": text, "extended_due_at": values["extended_due_at"].isoformat()}
            self._log(
                connection,
                actor,
                request_id,
                request.subject_id,
                request.status,
                request.status,
                now,
                detail,
                action="request_extend",
            )
        self.announce(request_id, "extended")

    def get(self, request_id: int) -> RightsRequest:
        with self._engine.connect() as connection:
            return self._load(connection, request_id)

    def get_in(self, connection: Connection, request_id: int) -> RightsRequest:
        """The request, read in the caller's transaction."""
        return self._load(connection, request_id)

    def list_open(self, groups: Collection[str] | None = None) -> list[RightsRequest]:
        """Open requests, the one due first at the top; only those of ``groups`` when given."""
        due = func.coalesce(requests.c.extended_due_at, requests.c.due_at)
        query = select(requests).where(requests.c.status.not_in(CLOSED))
        if groups is not None:
            query = query.join(subjects, subjects.c.id == requests.c.subject_id).where(
                subjects.c.subject_group.in_(list(groups))
            )
        query = query.order_by(due, requests.c.id)
        with self._engine.connect() as connection:
            return [_to_request(row) for row in connection.execute(query)]

    def history(self, request_id: int) -> list[RequestEvent]:
        """The request's events, oldest first."""
        query = (
            select(request_events)
            .where(request_events.c.request_id == request_id)
            .order_by(request_events.c.id)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            RequestEvent(row.at, row.actor, row.from_status, row.to_status, row.detail)
            for row in rows
        ]

    def _move(self, actor: Actor, request_id: int, to: Status, values: Mapping[str, Any]) -> None:
        with self._engine.begin() as connection:
            self.transition(connection, actor, request_id, to, values)
        if to in NOTIFIED:
            self.announce(request_id, to)

    def transition(
        self,
        connection: Connection,
        actor: Actor,
        request_id: int,
        to: Status,
        values: Mapping[str, Any],
        detail: Mapping[str, Any] | None = None,
        *,
        current: RightsRequest | None = None,
    ) -> RightsRequest:
        """Check the move, change the state, append the event and audit it, in the caller's
        transaction (fulfilment does its work in the same one); the request after the move.

        ``current`` spares a read when the caller has the request already; the update still
        only applies if the request is in the state ``current`` says (else :class:`Conflict`).
        """
        now = self._clock()
        request = current if current is not None else self._load(connection, request_id)
        if to not in TRANSITIONS.get(request.status, ()):
            raise Conflict(
                f"request {request_id} is {request.status}; it cannot become {to}",
                from_status=request.status,
                to_status=to,
            )
        changes = {"status": to, **values}
        if to in CLOSED:
            changes["closed_at"] = now
        if to == "refused" and request.may_sue_from is not None:
            # D17: after a refusal the person need not wait out the two weeks (A39(1)).
            changes["may_sue_from"] = min(request.may_sue_from, deadlines.arrival_date(now, "appi"))
        self._update(connection, request, request.status, changes)
        logged = {key: value for key, value in values.items() if value is not None}
        logged.update(detail or {})
        self._log(
            connection, actor, request_id, request.subject_id, request.status, to, now, logged
        )
        return replace(request, **changes)

    def _update(
        self,
        connection: Connection,
        request: RightsRequest,
        expected_status: str,
        values: Mapping[str, Any],
    ) -> None:
        """Update only if nobody moved the request meanwhile."""
        result = connection.execute(
            update(requests)
            .where(requests.c.id == request.id, requests.c.status == expected_status)
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict(f"request {request.id} changed while being updated; try again")

    def _check_extension(self, request: RightsRequest, now: dt.datetime) -> None:
        if request.regime != "gdpr":
            raise ValidationFailed("only GDPR requests can be extended (Art. 12(3); G-05)")
        if not request.is_open:
            raise Conflict(f"request {request.id} is {request.status}; it cannot be extended")
        if request.extended_due_at is not None:
            raise Conflict(f"request {request.id} is already extended")
        arrival = deadlines.arrival_date(request.received_at, "gdpr")
        if not deadlines.extension_allowed(arrival, deadlines.arrival_date(now, "gdpr")):
            raise ValidationFailed(
                f"request {request.id} was due on {request.due_at.isoformat()}: an extension "
                "must be notified within the first month (GDPR Art. 12(3); G-05)"
            )

    def _log(
        self,
        connection: Connection,
        actor: Actor,
        request_id: int,
        subject_id: int,
        from_status: str | None,
        to_status: str,
        now: dt.datetime,
        detail: Mapping[str, Any],
        *,
        action: str = "request",
    ) -> None:
        """Append the event to the ledger and the audit entry, in the caller's transaction."""
        connection.execute(
            insert(request_events).values(
                request_id=request_id,
                at=now,
                actor=actor.id,
                from_status=from_status,
                to_status=to_status,
                detail=dict(detail),
            )
        )
        audit = {"request_id": request_id, "from": from_status, "to": to_status, **detail}
        record_audit(connection, actor, action, subject_id=subject_id, at=now, detail=audit)

    @staticmethod
    def _load(connection: Connection, request_id: int) -> RightsRequest:
        row = connection.execute(select(requests).where(requests.c.id == request_id)).first()
        if row is None:
            raise NotFound(f"no request {request_id}")
        return _to_request(row)

    @staticmethod
    def _require_subject(connection: Connection, subject_id: int) -> None:
        found = connection.execute(select(subjects.c.id).where(subjects.c.id == subject_id))
        if found.first() is None:
            raise NotFound(f"no subject {subject_id}")
