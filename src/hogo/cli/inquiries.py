"""``hogo inquiries``: the inquiry desk's queue of questions and complaints (§8; R-47)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import DatabaseUrl, cli_actor_id, group_app, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.inquiries import InquiryService
from hogo.services.inquiry_records import Ticket, TicketSummary
from hogo.services.rights.deadlines import arrival_date

inquiries_app = group_app("Work the inquiry desk's questions and complaints (APPI A40; R-47).")

TicketId = Annotated[int, typer.Argument(help="The ticket's id.")]


@contextmanager
def _desk(database_url: str | None, policy: Path | None) -> Iterator[InquiryService]:
    with opened(database_url, policy) as hogo:
        yield hogo.inquiries


def _actor(role: str) -> Actor:
    return Actor(id=cli_actor_id(), role=role)


def _due_cell(ticket: TicketSummary) -> str:
    due = ticket.due_at.isoformat()
    overdue = ticket.overdue(arrival_date(utc_now(), "appi"))
    return f"[bold red]{due} overdue[/bold red]" if overdue else due


@inquiries_app.command("list")
def list_tickets(database_url: DatabaseUrl = None, policy: PolicyPath = None) -> None:
    """Open tickets, the one due first at the top; overdue ones in red (R-47)."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        queue = desk.list_open()
    table = Table("id", "kind", "status", "channel", "received", "due", "handler")
    for ticket in queue:
        table.add_row(
            str(ticket.id),
            ticket.kind,
            ticket.status,
            escape(ticket.channel),
            ticket.received_at.date().isoformat(),
            _due_cell(ticket),
            escape(ticket.assigned_to or "—"),
        )
    Console().print(table if queue else "No open tickets.")


def _print_ticket(ticket: Ticket) -> None:
    head = (
        f"ticket {ticket.id}: {ticket.kind} via {ticket.channel} ({ticket.lang}), "
        f"{ticket.status}; due {_due_cell(ticket)}"
    )
    if ticket.assigned_to:
        head += f"; handler {escape(ticket.assigned_to)}"
    if ticket.retain_until:
        head += f"; messages kept until {ticket.retain_until.date().isoformat()}"
    Console().print(head, soft_wrap=True)
    if ticket.shredded:
        Console().print("  the messages were destroyed (retention ended or the person was erased)")
    contact = [part for part in (ticket.name, ticket.email and f"<{ticket.email}>") if part]
    if contact:
        Console().print("  contact: " + " ".join(contact), markup=False, soft_wrap=True)
    for message in ticket.messages:
        label = "resolution" if message.resolution else message.direction
        Console().print(
            f"  {message.at.isoformat(timespec='seconds')}  {label}  {message.author}",
            markup=False,
            soft_wrap=True,
        )
        for line in message.text.splitlines():
            Console().print(f"    {line}", markup=False, highlight=False, soft_wrap=True)


@inquiries_app.command()
def show(
    ticket_id: TicketId,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """One ticket with its messages, oldest first; the read is audited."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        ticket = desk.get(ticket_id, _actor(role))
    _print_ticket(ticket)


@inquiries_app.command()
def assign(
    ticket_id: TicketId,
    to: Annotated[str, typer.Option("--to", help="Who handles the ticket.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Name who handles a ticket (R-47)."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        desk.assign(_actor(role), ticket_id, to)
    typer.echo(f"ticket {ticket_id} assigned to {to}")


@inquiries_app.command()
def reply(
    ticket_id: TicketId,
    text: Annotated[str, typer.Option("--text", help="The answer sent to the person.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Record the answer sent to the person; the ticket becomes answered."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        desk.reply(_actor(role), ticket_id, text)
    typer.echo(f"ticket {ticket_id} answered")


@inquiries_app.command()
def note(
    ticket_id: TicketId,
    text: Annotated[str, typer.Option("--text", help="The note, kept inside the desk.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Add an internal note to an open ticket."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        desk.note(_actor(role), ticket_id, text)
    typer.echo(f"note added to ticket {ticket_id}")


@inquiries_app.command()
def close(
    ticket_id: TicketId,
    resolution: Annotated[str, typer.Option("--resolution", help="How it was resolved.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Close a ticket with its resolution; its messages are kept for the desk's retention."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        desk.close(_actor(role), ticket_id, resolution)
        kept = desk.summary(ticket_id).retain_until
    until = f"; messages kept until {kept.date().isoformat()}" if kept else ""
    typer.echo(f"ticket {ticket_id} closed{until}")


@inquiries_app.command()
def reopen(
    ticket_id: TicketId,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Open a closed ticket again, with a new due date."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        desk.reopen(_actor(role), ticket_id)
        due = desk.summary(ticket_id).due_at
    typer.echo(f"ticket {ticket_id} reopened; due {due.isoformat()}")


@inquiries_app.command()
def purge(
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Destroy the messages of closed tickets kept past their retention; the records stay."""
    with one_line_errors(), _desk(database_url, policy) as desk:
        count = desk.purge_expired(_actor(role))
    typer.echo(f"{count} ticket{'' if count == 1 else 's'} shredded")
