"""``hogo provide`` and ``hogo provisions``: data out to recipients, and its records (R-29–R-34)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import DatabaseUrl, cli_actor_id, group_app, in_japan, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.errors import ProvisionRefused
from hogo.services.actor import Actor
from hogo.services.provision.basis import Order, Referable
from hogo.services.provision.provide import Delivery, People, Provided
from hogo.services.provision.records import LogFilter

provisions_app = group_app("The provision log and each person's records of provision (R-34, R-40).")

SHOWN_EXCLUDED = 20


def provide(
    recipient: Annotated[str, typer.Argument(help="The recipient, as the policy names it.")],
    purpose: Annotated[str, typer.Option("--purpose", help="The purpose it is provided for.")],
    category: Annotated[
        list[str], typer.Option("--category", help="A category to provide (repeat).")
    ],
    basis: Annotated[
        str,
        typer.Option("--basis", help="entrustment, joint_use, succession, consent or exception."),
    ],
    out: Annotated[Path, typer.Option("--out", help="The file to write; never overwritten.")],
    subject: Annotated[
        list[int] | None, typer.Option("--subject", help="A subject id (repeat).")
    ] = None,
    group: Annotated[
        str | None,
        typer.Option("--group", help="Everyone active in this group holding a category."),
    ] = None,
    exception: Annotated[
        str | None, typer.Option("--exception", help="With basis exception: which one.")
    ] = None,
    justification: Annotated[
        str | None, typer.Option("--justification", help="Why the exception applies.")
    ] = None,
    referable: Annotated[
        str | None,
        typer.Option(
            "--referable-confirmation",
            help="Personally referable information to a third party: how its consent was "
            "confirmed, or the clause by which it will not link the data (R-36).",
        ),
    ] = None,
    linkage_expected: Annotated[
        bool,
        typer.Option(
            "--linkage-expected/--no-linkage-expected",
            help="Whether the recipient is expected to link it to personal data (R-36).",
        ),
    ] = True,
    file_format: Annotated[
        str, typer.Option("--format", help="parquet, csv or jsonl.")
    ] = "parquet",
    encrypt: Annotated[
        bool, typer.Option("--encrypt", help="Seal the file to the recipient's age key.")
    ] = False,
    method: Annotated[
        str, typer.Option("--method", help="individual, bulk or contract_substitute.")
    ] = "individual",
    allow_partial: Annotated[
        bool,
        typer.Option("--allow-partial", help="Provide the others when some cannot be provided."),
    ] = False,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Provide personal data to RECIPIENT, with a record for every person (R-29, R-34).

    Refused whole, with nothing written, when the basis does not hold; people who cannot be
    provided are named, and the others go only with --allow-partial.
    """
    terms = None if referable is None else Referable(linkage_expected, referable)
    order = Order(recipient, purpose, tuple(category), basis, exception, justification, terms)
    people = People(subject_ids=tuple(subject or ()), group=group)
    delivery = Delivery(out, file_format, encrypt, method)
    with one_line_errors(), opened(database_url, policy) as hogo:
        try:
            done = hogo.provision.provide(
                Actor(cli_actor_id(), role), order, people, delivery, allow_partial=allow_partial
            )
        except ProvisionRefused as refused:
            _print_excluded(refused.extensions.get("excluded", []))
            raise
    _print_provided(done)


def _print_excluded(excluded: list[dict[str, object]]) -> None:
    if not excluded:
        return
    table = Table("subject", "reason", title=f"{len(excluded)} cannot be provided")
    for person in excluded[:SHOWN_EXCLUDED]:
        table.add_row(str(person["subject_id"]), str(person["reason"]))
    Console(stderr=True).print(table)


def _print_provided(done: Provided) -> None:
    console = Console()
    sealed = " (sealed)" if done.encrypted else ""
    console.print(
        f"provision {done.id}: {done.people} people to {escape(done.order.recipient)} "
        f"for {escape(done.order.purpose)} as {done.format}{sealed}: {escape(str(done.file))}"
    )
    console.print(f"sha256 {done.sha256}")
    kind = "records (APPI A29)" if done.statutory else "log entries"
    console.print(f"{done.people} {kind} kept until {done.retain_until.date().isoformat()}")
    if done.excluded:
        console.print(f"{len(done.excluded)} left out (see `hogo provisions list`)")


@provisions_app.command("list")
def list_provisions(
    recipient: Annotated[str | None, typer.Option("--recipient")] = None,
    subject: Annotated[int | None, typer.Option("--subject")] = None,
    since: Annotated[dt.datetime | None, typer.Option("--since", help="From this date.")] = None,
    until: Annotated[dt.datetime | None, typer.Option("--until", help="Before this date.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """The provision log, the latest first, by recipient, person and date."""
    wanted = LogFilter(recipient, subject, in_japan(since), in_japan(until), limit)
    with one_line_errors(), opened(database_url, policy) as hogo:
        found = hogo.provision.log(Actor(cli_actor_id(), role), wanted)
    if as_json:
        typer.echo(json.dumps([p.to_json() for p in found], ensure_ascii=False, indent=2))
        return
    table = Table("id", "provided", "recipient", "purpose", "basis", "people", "kept until")
    for p in found:
        table.add_row(
            str(p.id),
            p.provided_at.strftime("%Y-%m-%d %H:%M"),
            escape(p.recipient),
            escape(p.purpose),
            p.basis,
            str(p.people),
            p.retain_until.date().isoformat(),
        )
    Console().print(table)


@provisions_app.command("records")
def person_records(
    subject: Annotated[int, typer.Argument(help="The subject id.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """One person's records of provision, as a disclosure gives them (R-40), in JSON."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        found = hogo.provision.records_of(Actor(cli_actor_id(), role), subject)
    typer.echo(json.dumps([r.to_json() for r in found], ensure_ascii=False, indent=2))


@provisions_app.command("purge")
def purge(
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Delete the records of provision and of receipt whose keeping period has ended.

    Never one still in its period (R-34, R-35, D13): the database refuses that too.
    """
    actor = Actor(cli_actor_id(), role)
    with one_line_errors(), opened(database_url, policy) as hogo:
        provided = hogo.provision.purge_expired(actor)
        received = hogo.receipts.purge_expired(actor)
    typer.echo(f"deleted {provided} records of provision and {received} records of receipt")
