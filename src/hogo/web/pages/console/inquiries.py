"""The inquiry desk's queue and tickets (APPI A40; R-47), for the roles that work the desk.

The queue shows no text; opening a ticket decrypts its messages and the read is audited by the
service. Replies, assignments and closing are the service's steps, each checked and audited;
an error is shown on the ticket's page with nothing changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from hogo.errors import HogoError
from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.inquiry_records import TicketSummary, require_desk_role
from hogo.services.rights.deadlines import arrival_date
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import checked, signed_in
from hogo.web.pages.console.i18n import STATUSES, TICKET_KINDS, Lang, pick, words
from hogo.web.pages.console.render import LangDep, Page, href, render, see_other
from hogo.web.pages.console.requests import failure

router = APIRouter(include_in_schema=False)

Field = Annotated[str, Form()]
STEPS = ("assign", "reply", "close")


@dataclass(frozen=True, slots=True)
class TicketRow:
    id: int
    kind_label: str
    status_label: str
    channel: str
    received_at: dt.datetime
    due: dt.date
    assigned_to: str | None
    overdue: bool


def ticket_row(ticket: TicketSummary, lang: Lang) -> TicketRow:
    return TicketRow(
        id=ticket.id,
        kind_label=pick(TICKET_KINDS, ticket.kind, lang),
        status_label=pick(STATUSES, ticket.status, lang),
        channel=ticket.channel,
        received_at=ticket.received_at,
        due=ticket.due_at,
        assigned_to=ticket.assigned_to,
        overdue=ticket.overdue(arrival_date(utc_now(), "appi")),
    )


def ticket_page(
    page: Page, hogo: Hogo, ticket_id: int, *, error: HogoError | None = None, done: str = ""
) -> HTMLResponse:
    """The ticket, its messages and its forms; ``error`` shown on top with its status."""
    if page.session is None:
        raise RuntimeError("the ticket page is for a signed-in session")
    try:
        ticket = hogo.inquiries.get(ticket_id, page.session.actor)
    except HogoError as failed:
        return failure(page, failed)
    base = f"/console/inquiries/{ticket_id}"
    context = {
        "ticket": ticket,
        "row": ticket_row(ticket, page.lang),
        "back": href("/console/inquiries", page.lang),
        "action": {step: href(f"{base}/{step}", page.lang) for step in STEPS},
        "error": error,
        "done": words(page.lang).get(f"done_{done}") if done in STEPS else None,
    }
    return render(page, "inquiry.html", context, error.status if error else 200)


@router.get("/console/inquiries")
def inquiry_queue(request: Request, hogo: HogoDep, lang: LangDep) -> Response:
    """Open tickets, the one due first at the top; no text is decrypted."""
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    page = Page(request, lang, "/console/inquiries", session, "inquiries")
    try:
        require_desk_role(session.actor)
    except HogoError as error:
        return failure(page, error)
    rows = [ticket_row(ticket, lang) for ticket in hogo.inquiries.list_open()]
    links = {row.id: href(f"/console/inquiries/{row.id}", lang) for row in rows}
    overdue = sum(row.overdue for row in rows)
    return render(page, "inquiries.html", {"rows": rows, "links": links, "overdue": overdue})


@router.get("/console/inquiries/{ticket_id}")
def show_inquiry(
    ticket_id: int, request: Request, hogo: HogoDep, lang: LangDep, done: str = ""
) -> Response:
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    page = Page(request, lang, f"/console/inquiries/{ticket_id}", session, "inquiries")
    return ticket_page(page, hogo, ticket_id, done=done)


def _act(
    request: Request,
    hogo: Hogo,
    lang: Lang,
    ticket_id: int,
    token: str,
    done: str,
    step: Callable[[Actor], None],
) -> Response:
    path = f"/console/inquiries/{ticket_id}"
    session = checked(request, lang, token, path)
    if isinstance(session, Response):
        return session
    try:
        step(session.actor)
    except HogoError as error:
        page = Page(request, lang, path, session, "inquiries")
        return ticket_page(page, hogo, ticket_id, error=error)
    return see_other(href(path, lang, done=done))


@router.post("/console/inquiries/{ticket_id}/assign")
def assign(
    ticket_id: int, request: Request, hogo: HogoDep, lang: LangDep, csrf: Field = "", to: Field = ""
) -> Response:
    """Name who handles the ticket."""

    def step(actor: Actor) -> None:
        hogo.inquiries.assign(actor, ticket_id, to)

    return _act(request, hogo, lang, ticket_id, csrf, "assign", step)


@router.post("/console/inquiries/{ticket_id}/reply")
def reply(
    ticket_id: int,
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    csrf: Field = "",
    text: Field = "",
) -> Response:
    """Record the answer sent to the person; the ticket becomes answered."""

    def step(actor: Actor) -> None:
        hogo.inquiries.reply(actor, ticket_id, text)

    return _act(request, hogo, lang, ticket_id, csrf, "reply", step)


@router.post("/console/inquiries/{ticket_id}/close")
def close(
    ticket_id: int,
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    csrf: Field = "",
    resolution: Field = "",
) -> Response:
    """Close with how the ticket was resolved."""

    def step(actor: Actor) -> None:
        hogo.inquiries.close(actor, ticket_id, resolution)

    return _act(request, hogo, lang, ticket_id, csrf, "close", step)
