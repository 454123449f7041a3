"""What the request pages show, built from the service's requests and events.

A request is *overdue* while it is open after its effective due date (the extended one once a
GDPR extension is recorded; D16, G-05), and *suable* while it is open on or after the day the
person may sue the company over it (APPI A39; R-46, D17). "Today" is the day in the request's
own regime: Japan time for the APPI, UTC for the GDPR.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hogo.services.rights.deadlines import Regime, arrival_date
from hogo.services.rights.fulfilment import DISCLOSURE_SCOPES
from hogo.services.rights.requests import RequestEvent, RightsRequest
from hogo.web.pages.console.i18n import GROUNDS, KINDS, REGIMES, STATUSES, Lang, pick

ANSWERED = ("fulfilled", "partially_fulfilled")
DECISION_KEYS = ("reason", "decision_ground")


def today(now: dt.datetime, regime: str) -> dt.date:
    chosen: Regime = "gdpr" if regime == "gdpr" else "appi"
    return arrival_date(now, chosen)


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One request as the queue and the request page show it."""

    id: int
    subject_id: int
    kind: str
    kind_label: str
    regime: str
    regime_label: str
    status: str
    status_label: str
    received_at: dt.datetime
    due: dt.date
    extended: bool
    may_sue_from: dt.date | None
    overdue: bool
    suable: bool


def request_row(request: RightsRequest, now: dt.datetime, lang: Lang) -> RequestRow:
    on = today(now, request.regime)
    return RequestRow(
        id=request.id,
        subject_id=request.subject_id,
        kind=request.kind,
        kind_label=pick(KINDS, request.kind, lang),
        regime=request.regime,
        regime_label=pick(REGIMES, request.regime, lang),
        status=request.status,
        status_label=pick(STATUSES, request.status, lang),
        received_at=request.received_at,
        due=request.effective_due,
        extended=request.extended_due_at is not None,
        may_sue_from=request.may_sue_from,
        overdue=request.is_open and request.effective_due < on,
        suable=request.is_open and request.litigation_possible(today(now, "appi")),
    )


@dataclass(frozen=True, slots=True)
class QueueCounts:
    open: int
    overdue: int
    suable: int


def counts(rows: Sequence[RequestRow]) -> QueueCounts:
    return QueueCounts(
        open=len(rows),
        overdue=sum(row.overdue for row in rows),
        suable=sum(row.suable for row in rows),
    )


def shown(value: Any) -> str:
    """A detail value as text: lists joined, mappings as JSON, nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(shown(part) for part in value) or "—"
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: dt.datetime
    actor: str
    from_label: str
    to_label: str
    detail: tuple[tuple[str, str], ...]


def timeline(events: Sequence[RequestEvent], lang: Lang) -> list[TimelineEntry]:
    """The request's events, oldest first, with their states in words."""
    return [
        TimelineEntry(
            at=event.at,
            actor=event.actor,
            from_label=pick(STATUSES, event.from_status or "", lang) or "—",
            to_label=pick(STATUSES, event.to_status, lang),
            detail=tuple((key, shown(value)) for key, value in event.detail.items()),
        )
        for event in events
    ]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a closed request ended: the reason and ground, the work done, and the answer."""

    status_label: str
    reason: str | None
    ground: str | None
    work: tuple[tuple[str, str], ...]
    answer: bool


def outcome(request: RightsRequest, events: Sequence[RequestEvent], lang: Lang) -> Outcome | None:
    """The outcome of a closed request, from the event that closed it; ``None`` while open."""
    if request.is_open:
        return None
    closing = next((e for e in reversed(events) if e.to_status == request.status), None)
    detail = {} if closing is None else closing.detail
    work = tuple((k, shown(v)) for k, v in detail.items() if k not in DECISION_KEYS)
    return Outcome(
        status_label=pick(STATUSES, request.status, lang),
        reason=request.reason,
        ground=pick(GROUNDS, request.decision_ground or "", lang) or None,
        work=work,
        answer=request.status in ANSWERED and request.kind in DISCLOSURE_SCOPES,
    )
