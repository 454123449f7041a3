"""``hogo retention report``: what ends soon, what is overdue or held, the sweeps, and the
card-data purge check (R-12, D18, D31).

Tables by default; ``--json`` prints the report as one JSON document for scripts and monitors.
``--now`` reports at another moment (Japan time unless a zone is given).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
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
from hogo.services.retention.counts import RuleCount
from hogo.services.retention.report import (
    OK,
    SWEEPS_SHOWN,
    RetentionReport,
    retention_report,
)
from hogo.services.retention.runlog import SweepRun

retention_app = group_app("Retention reports: what ends soon, what is overdue, the sweeps (R-12).")


@retention_app.callback()
def retention() -> None:
    """Retention reports: what ends soon, what is overdue or held, the sweeps (R-12, D31)."""


@retention_app.command("report")
def report(
    now: Annotated[
        dt.datetime | None,
        typer.Option(
            "--now",
            formats=MOMENT_FORMATS,
            metavar="DATETIME",
            help="Report at this moment (Japan time unless a zone is given).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    sweeps: Annotated[
        int, typer.Option("--sweeps", min=1, max=1000, help="How many of the latest sweeps.")
    ] = SWEEPS_SHOWN,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Per retention rule: items ending in 30 and 90 days, overdue, held, waiting for an event.

    Then the latest sweeps and the card-data purge check of PCI DSS 3.2.1 (D31): ok when no
    card item is past its retention by more than a day (under no legal hold) and a sweep
    finished within the last 92 days; otherwise overdue, with the reason.
    """
    with one_line_errors(), opened(database_url, policy) as hogo:
        as_of = in_japan(now) or dt.datetime.now(dt.UTC)
        found = retention_report(
            hogo.engine, hogo.policy, Actor(cli_actor_id(), role), as_of, sweeps
        )
    if as_json:
        typer.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return
    _print(found)


def _print(found: RetentionReport) -> None:
    console = Console()
    console.print(f"retention report at {found.as_of.isoformat()}")
    for window in found.upcoming:
        title = f"ending in the next {window.days} days (until {window.until:%Y-%m-%d %H:%M %Z})"
        _section(console, title, _rules(window.rows))
    _section(
        console, "overdue: past retain_until by more than a day, not held", _rules(found.overdue)
    )
    _section(console, "held: past retain_until, kept by a legal hold", _rules(found.held))
    _section(console, "waiting for an event: no retain_until yet", _rules(found.waiting))
    _section(console, "latest sweeps", _sweeps(found.sweeps))
    card = found.card
    colour = "green" if card.status == OK else "red"
    console.print(
        f"\ncard data (PCI DSS 3.2.1): [{colour}]{card.status}[/{colour}]: {escape(card.reason)}"
    )


def _section(console: Console, title: str, table: Table | None) -> None:
    console.print(f"\n[bold]{escape(title)}[/bold]")
    console.print("none" if table is None else table)


def _rules(rows: Sequence[RuleCount]) -> Table | None:
    if not rows:
        return None
    table = Table("rule", "method", "items", "subjects")
    for row in rows:
        table.add_row(escape(row.rule), row.method, str(row.items), str(row.subjects))
    return table


def _sweeps(runs: Sequence[SweepRun]) -> Table | None:
    if not runs:
        return None
    table = Table("run", "as of", "started", "finished", "run by", "items")
    for run in runs:
        finished = run.finished_at
        table.add_row(
            str(run.id),
            f"{run.as_of:%Y-%m-%d %H:%M}",
            f"{run.started_at:%Y-%m-%d %H:%M}",
            "[red]interrupted[/red]" if finished is None else f"{finished:%Y-%m-%d %H:%M}",
            escape(run.run_by),
            str(run.items),
        )
    return table
