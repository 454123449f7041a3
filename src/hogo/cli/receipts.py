"""``hogo receipts``: records of personal data received from third parties (APPI A30; R-35).

``add`` records, for each person named, the provider confirmed before receiving, how the
provider acquired the data, the basis and the items (PPC Rules Arts 22, 24); all of them or,
on any bad input, none. ``list --subject ID`` shows a person's receipts.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import DatabaseUrl, cli_actor_id, group_app, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.errors import ValidationFailed
from hogo.services.actor import Actor
from hogo.services.rights.deadlines import JAPAN

receipts_app = group_app("Records of personal data received from third parties (APPI A30; R-35).")

Required = Annotated[str, typer.Option(show_default=False)]


@receipts_app.command()
def add(
    subject: Annotated[
        list[int], typer.Option(help="A subject whose data was received (repeat for more).")
    ],
    provider_name: Annotated[str, typer.Option(help="The provider's name (Rules Art. 22).")],
    provider_address: Annotated[str, typer.Option(help="The provider's address.")],
    provider_representative: Annotated[str, typer.Option(help="The provider's representative.")],
    acquisition: Annotated[
        str, typer.Option(help="How the provider acquired the data (Rules Art. 22(1)(ii)).")
    ],
    basis: Annotated[str, typer.Option(help="consent, opt_out, referable or individual.")],
    category: Annotated[list[str], typer.Option(help="A category received (repeat for more).")],
    method: Annotated[
        str, typer.Option(help="individual, bulk or contract_substitute (Rules Art. 25).")
    ],
    received_at: Annotated[
        str | None,
        typer.Option(help="When received: YYYY-MM-DD (Japan time) or ISO date-time; now."),
    ] = None,
    consent_confirmed: Annotated[
        bool, typer.Option(help="The person's consent to the provision was confirmed.")
    ] = False,
    ppc_published: Annotated[
        bool, typer.Option(help="Opt-out: the PPC published the provider's filing.")
    ] = False,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Record one receipt per subject named; nothing at all on any bad input."""
    with one_line_errors():
        when = _moment(received_at)
        with opened(database_url, policy) as hogo:
            recorded = hogo.receipts.record(
                Actor(cli_actor_id(), role),
                subject,
                provider_name,
                provider_address,
                provider_representative,
                acquisition,
                basis,
                category,
                method,
                when,
                consent_confirmed,
                ppc_published=True if ppc_published else None,
            )
    count = len(recorded.ids)
    typer.echo(
        f"{count} receipt{'' if count == 1 else 's'} recorded; kept until "
        f"{recorded.retain_until.astimezone(JAPAN).date().isoformat()}"
    )


def _moment(value: str | None) -> dt.datetime | None:
    """A day is its start in Japan; a date-time without a zone is Japan time too."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            f"--received-at: {value!r} is not a day (YYYY-MM-DD) or an ISO date-time"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=JAPAN)


@receipts_app.command("list")
def list_receipts(
    subject: Annotated[int, typer.Option(help="The subject whose receipts to show.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """A person's receipts, the earliest received first."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        found = hogo.receipts.for_subject(subject)
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(f"No receipts for subject {subject}.")
        return
    table = Table("id", "received", "provider", "acquisition", "basis", "items", "method")
    table.add_column("kept until", no_wrap=True)
    for receipt in found:
        table.add_row(
            str(receipt.id),
            receipt.received_at.astimezone(JAPAN).date().isoformat(),
            escape(receipt.provider.name),
            escape(receipt.provider.acquisition),
            receipt.basis,
            ", ".join(receipt.categories),
            receipt.method,
            receipt.retain_until.astimezone(JAPAN).date().isoformat(),
        )
    Console().print(table)
