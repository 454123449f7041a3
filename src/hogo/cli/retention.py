"""``hogo retention report``: what ends soon, what is overdue or held, the sweeps, and the
card-data purge check (R-12, D18, D31).

Tables by default; ``--json`` prints the report as one JSON document for scripts and monitors.
``--now`` reports at another moment (Japan time unless a zone is given).

``hogo retention recompute`` brings the ends of stored items in line with the retention rules
in force after they changed (R-12, R-13); ``--dry-run`` prints what it would change.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
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
from hogo.services.retention.recompute import CHUNK, Recomputed, RetentionRecompute
from hogo.services.retention.report import (
    OK,
    SWEEPS_SHOWN,
    RetentionReport,
    retention_report,
)
from hogo.services.retention.runlog import SweepRun

retention_app = group_app(
    "Retention reports: what ends soon, what is overdue, the sweeps (R-12); recomputing the"
    " ends of stored items after the rules change (R-12, R-13)."
)


@retention_app.callback()
def retention() -> None:
    """Retention reports (R-12, D31), and recomputing stored ends after the rules change."""


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


@retention_app.command("recompute")
def recompute(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; change nothing.")
    ] = False,
    chunk: Annotated[
        int, typer.Option("--chunk", min=1, max=100_000, help="People per transaction.")
    ] = CHUNK,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Bring every stored item's retain_until and rule in line with the rules in force (R-12).

    Run it after a new policy version changes the retention rules, with --dry-run first. An end
    the rules gave (the rules in force or a published version's) moves to the new end, earlier
    or later; an end the application gave only moves earlier; none goes below a legal floor
    (R-13). Prints per rule before and after how many items change and how their ends move.
    """
    with one_line_errors(), opened(database_url, policy) as hogo:
        service = RetentionRecompute(hogo.engine, hogo.policy)
        done = _recompute(service, Actor(cli_actor_id(), role), chunk, dry_run=dry_run)
    _print_recomputed(done, dry_run=dry_run)


def _recompute(
    service: RetentionRecompute, actor: Actor, chunk: int, *, dry_run: bool
) -> Recomputed:
    walk = service.plan if dry_run else service.run
    columns = (TextColumn("recomputing"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("recompute", total=service.subjects())
        return walk(actor, chunk, progress=lambda subjects: bar.advance(task, subjects))


def _print_recomputed(done: Recomputed, *, dry_run: bool) -> None:
    console = Console()
    if done.shifts:
        table = Table("rule before", "rule after", "items", "earlier", "later", "to none")
        for shift in done.shifts:
            table.add_row(
                escape(shift.before or "(none)"),
                escape(shift.after or "(none)"),
                str(shift.items),
                str(shift.earlier),
                str(shift.later),
                str(shift.to_none),
            )
        console.print(table)
    moves = f"{done.earlier} earlier, {done.later} later, {done.to_none} to none"
    examined = f"of {done.items} items of {done.subjects} people"
    version = escape(done.policy_version)
    if dry_run:
        console.print(
            f"dry run under policy version {version}: {done.changed} {examined} would change"
            f" ({moves}); nothing was changed"
        )
        return
    console.print(
        f"recomputed under policy version {version}: {done.changed} {examined} changed ({moves})"
    )
