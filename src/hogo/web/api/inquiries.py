"""The inquiry desk (§8; APPI A40, R-47): the public form, and the privacy office's queue.

``POST /v1/inquiries`` is the inquiry form and needs no key: anyone may ask or complain. Every
other route is for staff, with a key of a role that works the desk (the privacy office); any
other role is refused with ``forbidden``, including for the queue, which shows no text.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, ConfigDict, StringConstraints

from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.inquiry_records import (
    MAX_ASSIGNEE,
    MAX_EMAIL,
    MAX_NAME,
    MAX_TEXT,
    Ticket,
    TicketKind,
    TicketSummary,
    require_desk_role,
)
from hogo.services.rights.deadlines import arrival_date
from hogo.web.api.deps import ActorDep, HogoDep

router = APIRouter(prefix="/v1/inquiries", tags=["inquiries"])
FORM_CHANNEL = "inquiry_form"

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InquiryIn(Body):
    kind: TicketKind
    text: Text
    email: Annotated[str, StringConstraints(max_length=MAX_EMAIL)] | None = None
    name: Annotated[str, StringConstraints(max_length=MAX_NAME)] | None = None
    lang: Literal["ja", "en"] = "ja"


class InquiryReceived(BaseModel):
    ticket_id: int
    due_at: dt.date


class AssignIn(Body):
    to: Annotated[str, StringConstraints(min_length=1, max_length=MAX_ASSIGNEE)]


class MessageIn(Body):
    text: Text


class CloseIn(Body):
    resolution: Text


class TicketSummaryOut(BaseModel):
    id: int
    kind: str
    status: str
    subject_id: int | None
    lang: str
    channel: str
    received_at: dt.datetime
    due_at: dt.date
    overdue: bool
    assigned_to: str | None
    closed_at: dt.datetime | None
    retain_until: dt.datetime | None
    shredded: bool


class TicketList(BaseModel):
    tickets: list[TicketSummaryOut]


class MessageOut(BaseModel):
    id: int
    at: dt.datetime
    author: str
    direction: str
    text: str
    resolution: bool


class TicketOut(TicketSummaryOut):
    name: str | None
    email: str | None
    resolution: str | None
    messages: list[MessageOut]


def desk_actor(actor: ActorDep) -> Actor:
    """The caller, if their role works the desk; ``forbidden`` otherwise."""
    require_desk_role(actor)
    return actor


DeskActor = Annotated[Actor, Depends(desk_actor)]


def _today() -> dt.date:
    return arrival_date(utc_now(), "appi")


def _summary_out(ticket: TicketSummary) -> TicketSummaryOut:
    names = [name for name in TicketSummaryOut.model_fields if name != "overdue"]
    values = {name: getattr(ticket, name) for name in names}
    return TicketSummaryOut(**values, overdue=ticket.overdue(_today()))


def _after_step(hogo: Hogo, ticket_id: int) -> TicketSummaryOut:
    return _summary_out(hogo.inquiries.summary(ticket_id))


@router.post("", status_code=status.HTTP_201_CREATED)
def submit_inquiry(body: InquiryIn, hogo: HogoDep, request: Request) -> InquiryReceived:
    """The inquiry form: a question, complaint or request, answered by the due date.

    Limited per e-mail address and per client like the privacy center (429 with Retry-After).
    """
    ticket_id = hogo.inquiries.open(
        body.kind,
        body.text,
        email=body.email,
        name=body.name,
        lang=body.lang,
        channel=FORM_CHANNEL,
        client=request.client.host if request.client else None,
    )
    return InquiryReceived(ticket_id=ticket_id, due_at=hogo.inquiries.summary(ticket_id).due_at)


@router.get("")
def list_open_inquiries(hogo: HogoDep, _actor: DeskActor) -> TicketList:
    """Open tickets, the one due first at the top; no text is decrypted."""
    return TicketList(tickets=[_summary_out(ticket) for ticket in hogo.inquiries.list_open()])


@router.get("/{ticket_id}")
def get_inquiry(ticket_id: int, hogo: HogoDep, actor: DeskActor) -> TicketOut:
    """The ticket with its messages, oldest first; the read is audited."""
    ticket: Ticket = hogo.inquiries.get(ticket_id, actor)
    return TicketOut(
        **_summary_out(ticket).model_dump(),
        name=ticket.name,
        email=ticket.email,
        resolution=ticket.resolution,
        messages=[MessageOut.model_validate(m, from_attributes=True) for m in ticket.messages],
    )


@router.post("/{ticket_id}/assign")
def assign_inquiry(
    ticket_id: int, body: AssignIn, hogo: HogoDep, actor: DeskActor
) -> TicketSummaryOut:
    """Name who handles the ticket."""
    hogo.inquiries.assign(actor, ticket_id, body.to)
    return _after_step(hogo, ticket_id)


@router.post("/{ticket_id}/reply")
def reply_to_inquiry(
    ticket_id: int, body: MessageIn, hogo: HogoDep, actor: DeskActor
) -> TicketSummaryOut:
    """Record the answer sent to the person; the ticket becomes answered."""
    hogo.inquiries.reply(actor, ticket_id, body.text)
    return _after_step(hogo, ticket_id)


@router.post("/{ticket_id}/note")
def note_on_inquiry(
    ticket_id: int, body: MessageIn, hogo: HogoDep, actor: DeskActor
) -> TicketSummaryOut:
    """An internal note, never sent to the person."""
    hogo.inquiries.note(actor, ticket_id, body.text)
    return _after_step(hogo, ticket_id)


@router.post("/{ticket_id}/close")
def close_inquiry(
    ticket_id: int, body: CloseIn, hogo: HogoDep, actor: DeskActor
) -> TicketSummaryOut:
    """Close with the resolution; the messages are kept for the desk's retention."""
    hogo.inquiries.close(actor, ticket_id, body.resolution)
    return _after_step(hogo, ticket_id)


@router.post("/{ticket_id}/reopen")
def reopen_inquiry(ticket_id: int, hogo: HogoDep, actor: DeskActor) -> TicketSummaryOut:
    """Open a closed ticket again, with a new due date."""
    hogo.inquiries.reopen(actor, ticket_id)
    return _after_step(hogo, ticket_id)
