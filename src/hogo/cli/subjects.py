"""``hogo subjects``: the events that start a person's retention clocks (R-12, D18).

``hogo subjects event SUBJECT EVENT`` records that an event happened to a subject (now, or
``--at``); the ends of the subject's items that wait for it are recomputed at once.
``hogo subjects events SUBJECT`` lists the events recorded for the subject.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import (
    MOMENT_FORMATS,
    DatabaseUrl,
    cli_actor_id,
    group_app,
    in_japan,
    one_line_errors,
)
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.services.actor import Actor
from hogo.services.retention.events import RecordedEvent
from hogo.services.rights.deadlines import JAPAN

subjects_app = group_app("Subjects: the events that start their retention clocks (R-12).")


@subjects_app.command("event")
def record_event(
    subject: Annotated[int, typer.Argument(help="The subject's id.")],
    event: Annotated[str, typer.Argument(help="The event, e.g. applicant_not_hired.")],
    at: Annotated[
        dt.datetime | None,
        typer.Option(
            "--at",
            formats=MOMENT_FORMATS,
            metavar="DATETIME",
            help="When it happened (default: now; Japan time unless a zone is given).",
        ),
    ] = None,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Record an event of a subject; the items whose retention waits for it get their end.

    The events are `activity`, `relationship_ended` and those the policy declares under
    `events`. Events are never changed or deleted; a later one of the same name moves the
    clocks that start at it.
    """
    with one_line_errors(), opened(database_url, policy) as hogo:
        recorded = hogo.events.record(Actor(cli_actor_id(), role), subject, event, in_japan(at))
    typer.echo(_summary(recorded))


@subjects_app.command("events")
def list_events(
    subject: Annotated[int, typer.Argument(help="The subject's id.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """The events recorded for a subject, the earliest first (times in Japan time)."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        events = hogo.events.events_of(Actor(cli_actor_id(), role), subject)
    table = Table("id", "event", "at", "recorded", "by")
    for event in events:
        table.add_row(
            str(event.id),
            event.event,
            _japan(event.at),
            _japan(event.recorded_at),
            escape(event.recorded_by),
        )
    Console().print(table)


def _summary(recorded: RecordedEvent) -> str:
    event = recorded.event
    items = "1 item" if recorded.changed == 1 else f"{recorded.changed} items"
    head = f"event {event.event} of subject {event.subject_id} at {_japan(event.at)} recorded"
    if recorded.earliest_until is None:
        return f"{head}: retain-until changed for {items}"
    earliest = _japan(recorded.earliest_until)
    return f"{head}: retain-until changed for {items}, the earliest now {earliest}"


def _japan(moment: dt.datetime) -> str:
    return f"{moment.astimezone(JAPAN):%Y-%m-%d %H:%M} JST"
