"""``hogo requests``: the privacy office's queue of rights requests, from the terminal."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hogo.cli.common import DatabaseUrl, cli_actor_id, group_app, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.errors import ValidationFailed
from hogo.services.actor import Actor
from hogo.services.rights.correction import Change
from hogo.services.rights.requests import RequestService, RightsRequest

requests_app = group_app("Work the queue of rights requests (APPI A32–A39, GDPR Arts 12–22).")

RequestId = Annotated[int, typer.Argument(help="The request's id.")]


@contextmanager
def _service(database_url: str | None, policy: Path | None) -> Iterator[RequestService]:
    with opened(database_url, policy) as hogo:
        yield hogo.requests


def _actor(role: str) -> Actor:
    return Actor(id=cli_actor_id(), role=role)


def _due_cell(request: RightsRequest, today: dt.date) -> str:
    due = request.effective_due.isoformat()
    return f"[bold red]{due} overdue[/bold red]" if request.effective_due < today else due


@requests_app.command("list")
def list_requests(database_url: DatabaseUrl = None, policy: PolicyPath = None) -> None:
    """Open requests, the most urgent first; overdue ones in red (D16, D26)."""
    with one_line_errors(), _service(database_url, policy) as service:
        queue = service.list_open()
    today = dt.datetime.now(dt.UTC).date()
    table = Table("id", "kind", "regime", "status", "subject", "received", "due", "may sue from")
    for request in queue:
        table.add_row(
            str(request.id),
            request.kind,
            request.regime,
            request.status,
            str(request.subject_id),
            request.received_at.date().isoformat(),
            _due_cell(request, today),
            request.may_sue_from.isoformat() if request.may_sue_from else "—",
        )
    Console().print(table if queue else "No open requests.")


@requests_app.command()
def show(
    request_id: RequestId, database_url: DatabaseUrl = None, policy: PolicyPath = None
) -> None:
    """One request with its timeline."""
    with one_line_errors(), _service(database_url, policy) as service:
        request = service.get(request_id)
        events = service.history(request_id)
    Console().print(
        f"request {request.id}: {request.kind} ({request.regime}) for subject "
        f"{request.subject_id}, {request.status}; due {request.effective_due}"
        + (f", may sue from {request.may_sue_from}" if request.may_sue_from else "")
        + (f"; reason: {request.reason} ({request.decision_ground})" if request.reason else ""),
        soft_wrap=True,
    )
    for event in events:
        Console().print(
            f"  {event.at.isoformat(timespec='seconds')}  {event.actor}  "
            f"{event.from_status or '—'} → {event.to_status}",
            soft_wrap=True,
        )


@requests_app.command()
def verify(
    request_id: RequestId,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Record that the requester's identity or authority was checked (R-44).

    A request on the ground "no longer needed" whose data is all past retention is fulfilled
    at once (R-42).
    """
    with one_line_errors(), opened(database_url, policy) as hogo:
        hogo.requests.verify(_actor(role), request_id)
        outcome = hogo.fulfilment.fulfil_if_ground_established(_actor(role), request_id)
    typer.echo(f"request {request_id} verified")
    if outcome is not None:
        typer.echo(f"request {request_id} {outcome.status}: its data is all past retention")


@requests_app.command()
def start(
    request_id: RequestId,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Take a verified request into work."""
    with one_line_errors(), _service(database_url, policy) as service:
        service.start(_actor(role), request_id)
    typer.echo(f"request {request_id} in progress")


@requests_app.command()
def fulfil(
    request_id: RequestId,
    purpose: Annotated[
        list[str] | None,
        typer.Option(help="A purpose a suspension, restriction, objection or withdrawal covers."),
    ] = None,
    changes: Annotated[
        Path | None,
        typer.Option(help="For a correction: a JSON file of changes [{kind, item_id, value}]."),
    ] = None,
    partial_reason: Annotated[
        str | None, typer.Option(help="Why only part was done (makes it partially fulfilled).")
    ] = None,
    ground: Annotated[str | None, typer.Option(help="The ground for a partial action.")] = None,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Do what the request asks, from the vault, and close it (R-38–R-43, G-06–G-10)."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        outcome = hogo.fulfilment.fulfil(
            _actor(role),
            request_id,
            changes=_read_changes(changes) if changes else (),
            purposes=purpose or None,
            partial_reason=partial_reason,
            ground=ground,
        )
    typer.echo(f"request {request_id} {outcome.status.replace('_', ' ')}")
    for key, value in outcome.detail.items():
        typer.echo(f"  {key}: {value}")
    if outcome.reason:
        typer.echo(f"  reason: {outcome.reason}")


@requests_app.command("fulfil-erasures")
def fulfil_erasures(
    request_ids: Annotated[
        list[int] | None, typer.Argument(help="Erasure requests to fulfil.")
    ] = None,
    all_verified: Annotated[
        bool, typer.Option("--all", help="Every verified or started erasure request.")
    ] = False,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Fulfil many erasure requests, a few hundred per transaction (R-42, R-14)."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        wanted = list(request_ids or [])
        if all_verified:
            wanted += [
                r.id
                for r in hogo.requests.list_open()
                if r.kind == "erasure" and r.status in ("verified", "in_progress")
            ]
        if not wanted:
            raise ValidationFailed("name the erasure requests to fulfil, or use --all")
        outcomes = hogo.fulfilment.fulfil_erasures(_actor(role), wanted)
    partly = [o for o in outcomes if o.status != "fulfilled"]
    typer.echo(f"{len(outcomes) - len(partly)} erasure requests fulfilled, {len(partly)} partly")
    for outcome in partly:
        typer.echo(f"  request {outcome.request_id}: {outcome.reason}")


@requests_app.command()
def answer(
    request_id: RequestId,
    out: Annotated[Path, typer.Option(help="Where to write the answer (zip or HTML).")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Write the answer made for a fulfilled request: the disclosure package or page."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        made = hogo.fulfilment.answer(_actor(role), request_id)
        out.write_bytes(made.data)
    typer.echo(f"wrote {made.filename} ({len(made.data)} bytes) to {out}")


def _read_changes(path: Path) -> list[Change]:
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))
        return [Change(**change) for change in listed]
    except (OSError, ValueError, TypeError) as error:
        raise ValidationFailed(f"{path}: not a JSON list of changes ({error})") from None


@requests_app.command()
def refuse(
    request_id: RequestId,
    reason: Annotated[str, typer.Option(help="The reason told to the requester (R-43).")],
    ground: Annotated[str, typer.Option(help="The statutory ground of the refusal.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Refuse a request, with the reason and its ground (R-43, D27)."""
    with one_line_errors(), _service(database_url, policy) as service:
        service.refuse(_actor(role), request_id, reason, ground)
    typer.echo(f"request {request_id} refused")
