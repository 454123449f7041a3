"""``hogo accesslog``: load web-server access logs and count visits (§13; R-61, R-62, R-12).

``ingest`` reads combined-format or JSON-lines files, plain or gzip, each stored whole or not
at all; lines that cannot be read are counted and the first of their numbers shown. It exits
non-zero only when no file could be read. ``stats`` prints counts by day, page, referrer,
status or agent class; they never show an address or a member.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hogo.accesslog.lines import Format
from hogo.cli.common import DatabaseUrl, cli_actor_id, group_app, one_line_errors
from hogo.runtime import open_hogo
from hogo.services.access_logs import (
    AccessLogService,
    FileReport,
    IngestReport,
    StatRow,
    StatsBy,
)
from hogo.services.actor import Actor
from hogo.settings import Settings

FORMATS: dict[str, Format] = {"combined": "combined", "json": "json"}
GROUPINGS: dict[str, StatsBy] = {
    "day": "day",
    "page": "page",
    "referrer": "referrer",
    "status": "status",
    "agent": "agent",
}

accesslog_app = group_app("Load access logs and count visits without identifying anyone (§13).")

PolicyPath = Annotated[
    Path | None, typer.Option("--policy", help="Policy file (default: HOGO_POLICY_PATH).")
]
Day = Annotated[
    dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="A day, YYYY-MM-DD (UTC).")
]


@contextmanager
def _service(database_url: str | None, policy: Path | None) -> Iterator[AccessLogService]:
    settings = Settings()
    hogo = open_hogo(
        database_url or settings.database_url, policy or settings.policy_path, settings=settings
    )
    try:
        yield hogo.access_logs
    finally:
        hogo.close()


def _file_line(report: FileReport) -> str:
    name = escape(report.source)
    if report.error is not None:
        return f"[red]{name}: not read ({escape(report.error)})[/red]"
    text = f"{name}: {report.stored:,} of {report.lines:,} lines stored ({report.format})"
    if report.linked:
        text += f", {report.linked:,} linked to members"
    if report.rejected:
        shown = ", ".join(str(number) for number in report.rejected_lines)
        more = ", …" if report.rejected > len(report.rejected_lines) else ""
        text += f"; [yellow]{report.rejected:,} rejected (lines {shown}{more})[/yellow]"
    return text


def _summary(report: IngestReport) -> str:
    unread = len(report.unreadable)
    text = (
        f"{report.lines:,} lines in {len(report.files) - unread} files: {report.stored:,} stored, "
        f"{report.rejected:,} rejected in {report.seconds:.1f} s"
    )
    return text + (f"; {unread} files not read" if unread else "")


def _ingest_showing_progress(
    service: AccessLogService,
    files: list[Path],
    actor: Actor,
    log_format: Format | None,
    console: Console,
) -> IngestReport:
    """Ingest ``files`` with a progress bar over them and one line per file as it finishes."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("access logs", total=len(files))

        def done(report: FileReport) -> None:
            bar.console.print(_file_line(report), soft_wrap=True, highlight=False)
            bar.advance(task)

        return service.ingest(files, actor, format=log_format, on_file=done)


@accesslog_app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Log files (combined format or JSON lines).")],
    log_format: Annotated[
        str | None,
        typer.Option("--format", help="combined or json (default: guessed from each file)."),
    ] = None,
    role: Annotated[str, typer.Option("--role", help="The policy role you act in.")] = (
        "privacy_office"
    ),
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Store access-log lines: addresses cut to their network, agents classed (R-61, R-62)."""
    if log_format is not None and log_format not in FORMATS:
        raise typer.BadParameter("must be combined or json", param_hint="--format")
    chosen = FORMATS[log_format] if log_format else None
    console = Console()
    actor = Actor(id=cli_actor_id(), role=role)
    with one_line_errors(), _service(database_url, policy) as service:
        report = _ingest_showing_progress(service, files, actor, chosen, console)
    console.print(_summary(report), highlight=False)
    if not report.any_read:
        raise typer.Exit(1)


def _print_table(rows: list[StatRow], by: str) -> None:
    table = Table(by, "lines")
    for row in rows:
        table.add_row(escape(row.key) if row.key is not None else "—", f"{row.count:,}")
    Console().print(table if rows else "No access-log lines in that period.")


@accesslog_app.command()
def stats(
    by: Annotated[str, typer.Option("--by", help="day, page, referrer, status or agent.")] = "day",
    since: Day = None,
    until: Day = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most this many rows (largest first).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Line counts by day, page, referrer, status or agent class; no address, no member."""
    if by not in GROUPINGS:
        raise typer.BadParameter(f"must be one of {', '.join(GROUPINGS)}", param_hint="--by")
    start = since.replace(tzinfo=dt.UTC) if since else None
    end = until.replace(tzinfo=dt.UTC) + dt.timedelta(days=1) if until else None
    with one_line_errors(), _service(database_url, policy) as service:
        rows = service.stats(GROUPINGS[by], since=start, until=end, limit=limit)
    if as_json:
        typer.echo(json.dumps([{"key": r.key, "count": r.count} for r in rows], ensure_ascii=False))
    else:
        _print_table(rows, by)
