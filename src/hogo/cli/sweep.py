"""``hogo sweep``: delete what is past its retention, with a log of every run (R-12, R-13, D18).

``hogo sweep`` runs a sweep (a progress bar per item examined), then purges the ledgers kept
by periods of their own (``hogo sweep ledgers`` alone, :mod:`hogo.cli.sweep_ledgers`);
``--dry-run`` prints what both would take and changes nothing; ``--now`` judges retention at
another moment (for tests and demos). ``hogo sweep log`` lists the latest runs; one without a
finish is shown as interrupted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from hogo.cli.common import MOMENT_FORMATS, DatabaseUrl, cli_actor_id, in_japan, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.cli.sweep_ledgers import ledgers, print_counts
from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.retention.runlog import PlanRow, SweepRun
from hogo.services.retention.sweeper import SweepReport

sweep_app = typer.Typer(
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@sweep_app.callback()
def sweep(
    context: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would go, per rule; change nothing.")
    ] = False,
    now: Annotated[
        dt.datetime | None,
        typer.Option(
            "--now",
            formats=MOMENT_FORMATS,
            metavar="DATETIME",
            help="Judge retention at this moment (Japan time unless a zone is given).",
        ),
    ] = None,
    chunk: Annotated[
        int, typer.Option("--chunk", min=1, max=100_000, help="Items per transaction.")
    ] = 1000,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Delete every item past its retain_until that no legal hold or legal floor keeps (R-12).

    With no command, runs a sweep of the items, then purges the ledgers with periods of their
    own (`hogo sweep ledgers`); `hogo sweep log` lists the runs. Each chunk is deleted, logged
    and written to the suppression list in one transaction; a run stopped half way keeps what
    it did, and the next run takes the rest.
    """
    if context.invoked_subcommand is not None:
        return
    with one_line_errors(), opened(database_url, policy) as hogo:
        as_of = in_japan(now) or dt.datetime.now(dt.UTC)
        if dry_run:
            _print_plan(hogo.sweeper.plan(as_of), as_of)
            print_counts(hogo.ledgers.plan(as_of), dry_run=True)
            return
        actor = Actor(cli_actor_id(), role)
        report = _run(hogo, actor, as_of, chunk)
        _print_report(report)
        print_counts(hogo.ledgers.run(actor, as_of), dry_run=False)


def _run(hogo: Hogo, actor: Actor, as_of: dt.datetime, chunk: int) -> SweepReport:
    total = hogo.sweeper.due_count(as_of)
    columns = (TextColumn("sweeping"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("sweep", total=total)
        return hogo.sweeper.run(
            actor, as_of, chunk, progress=lambda examined: bar.advance(task, examined)
        )


def _rows_table(rows: Sequence[PlanRow], title: str) -> Table:
    table = Table("rule", "category", "method", "items", "subjects", title=title)
    for row in rows:
        table.add_row(
            escape(row.rule or "(none)"),
            row.category,
            row.method,
            str(row.items),
            str(row.subjects),
        )
    return table


def _print_plan(rows: Sequence[PlanRow], as_of: dt.datetime) -> None:
    items = sum(row.items for row in rows)
    console = Console()
    if rows:
        console.print(_rows_table(rows, f"due at {as_of.isoformat()}"))
    console.print(f"dry run: {items} items would go; nothing was changed")


def _print_report(report: SweepReport) -> None:
    console = Console()
    if report.rows:
        console.print(_rows_table(report.rows, f"sweep {report.run_id}"))
    console.print(f"sweep {report.run_id}: {report.items} items swept in {report.chunks} chunks")


@sweep_app.command("log")
def sweep_log(
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 20,
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """The latest sweeps, the latest first: when, by whom, where, and what went per rule."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        runs = hogo.sweeper.runs(limit)
    table = Table("run", "as of", "started", "finished", "run by", "host", "swept")
    for run in runs:
        table.add_row(
            str(run.id),
            f"{run.as_of:%Y-%m-%d %H:%M}",
            f"{run.started_at:%Y-%m-%d %H:%M}",
            "[red]interrupted[/red]" if run.finished_at is None else f"{run.finished_at:%H:%M}",
            escape(run.run_by),
            escape(run.host),
            _swept(run),
        )
    Console().print(table)


def _swept(run: SweepRun) -> str:
    lines = [f"{row.rule or '(none)'}/{row.category} {row.method} {row.items}" for row in run.rows]
    return escape("\n".join(lines)) if lines else "0"


sweep_app.command("ledgers")(ledgers)
