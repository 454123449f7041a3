"""The events that start a subject's retention clocks (R-12, D18).

``POST /v1/subjects/{subject_id}/events`` records that an event happened to the subject (now,
or ``at``); the ends of the subject's items that wait for it are recomputed in the same
transaction. ``GET /v1/subjects/{subject_id}/events`` lists the subject's events. Both are
for a role that covers the subject's group.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from hogo.services.retention.events import SubjectEvent
from hogo.web.api.deps import ActorDep, HogoDep

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])

EventName = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: EventName = Field(description="`activity`, `relationship_ended` or a policy event")
    at: AwareDatetime | None = Field(None, description="When it happened (default: now)")


class EventOut(BaseModel):
    id: int
    subject_id: int
    event: str
    at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str


class EventRecorded(BaseModel):
    event: EventOut
    items_changed: int = Field(description="Items whose retain-until or rule changed")
    earliest_until: dt.datetime | None = Field(description="The earliest of their new ends")


class EventList(BaseModel):
    events: list[EventOut]


def _out(event: SubjectEvent) -> EventOut:
    return EventOut.model_validate(event, from_attributes=True)


@router.post("/{subject_id}/events", status_code=status.HTTP_201_CREATED)
def record_event(subject_id: int, body: EventIn, hogo: HogoDep, actor: ActorDep) -> EventRecorded:
    """Record an event; the subject's items waiting for it get their end at once."""
    recorded = hogo.events.record(actor, subject_id, body.event, body.at)
    return EventRecorded(
        event=_out(recorded.event),
        items_changed=recorded.changed,
        earliest_until=recorded.earliest_until,
    )


@router.get("/{subject_id}/events")
def subject_events(subject_id: int, hogo: HogoDep, actor: ActorDep) -> EventList:
    """The subject's events, the earliest first."""
    return EventList(events=[_out(event) for event in hogo.events.events_of(actor, subject_id)])
