"""``hogo sweep ledgers``: purge the records kept by their own periods (R-47, D13, D18).

Inquiry tickets, records of provision and records of receipt each have a period of their own
(:mod:`hogo.services.retention.ledgers`). ``--dry-run`` counts what would go and changes
nothing; ``--now`` judges the periods at another moment. The command belongs to the ``hogo
sweep`` group (:mod:`hogo.cli.sweep`), which also runs it after the items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import MOMENT_FORMATS, DatabaseUrl, cli_actor_id, in_japan, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.services.actor import Actor
from hogo.services.retention.ledgers import LedgerCount


def ledgers(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go, per ledger; change nothing.")
    ] = False,
    now: Annotated[
        dt.datetime | None,
        typer.Option(
            "--now",
            formats=MOMENT_FORMATS,
            metavar="DATETIME",
            help="Judge the periods at this moment (Japan time unless a zone is given).",
        ),
    ] = None,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Purge inquiry tickets and records of provision and receipt past their own periods.

    Never one still in its period: tickets go inquiry_desk.retention after they closed (their
    messages; the row stays), records of provision and receipt 1 year (in place of a contract)
    or 3 years after they were made (D13), and the database refuses those sooner, so they are
    judged at the earlier of --now and now. Consent events, requests and audit entries are
    kept. Each ledger is purged in its own transaction, with an audit entry.
    """
    with one_line_errors(), opened(database_url, policy) as hogo:
        as_of = in_japan(now) or dt.datetime.now(dt.UTC)
        if dry_run:
            counts = hogo.ledgers.plan(as_of)
        else:
            counts = hogo.ledgers.run(Actor(cli_actor_id(), role), as_of)
    print_counts(counts, dry_run)


def print_counts(counts: Sequence[LedgerCount], dry_run: bool) -> None:
    heading = "would go" if dry_run else "purged"
    table = Table("ledger", heading, "judged at", "period", title="ledgers")
    for count in counts:
        table.add_row(
            count.ledger,
            str(count.removed),
            f"{count.judged_at:%Y-%m-%d %H:%M %Z}",
            escape(count.basis),
        )
    console = Console()
    console.print(table)
    total = sum(count.removed for count in counts)
    if dry_run:
        console.print(f"dry run: {total} records would go; nothing was changed")
    else:
        console.print(f"{total} records purged")
