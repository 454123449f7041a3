"""``hogo backup``: take, list and restore backups; a restore never undoes an erasure (R-14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import DatabaseUrl, group_app, one_line_errors
from hogo.services import backups
from hogo.settings import Settings

backup_app = group_app("Take, list and restore backups; a restore keeps erasures (R-14).")

Folder = Annotated[
    Path | None,
    typer.Option("--folder", help="Where backups are kept (default: HOGO_BACKUP_DIR)."),
]


@backup_app.command()
def create(database_url: DatabaseUrl = None, folder: Folder = None) -> None:
    """Back the database up while it is in use: one file and its JSON manifest."""
    with one_line_errors():
        settings = Settings()
        made = backups.create(
            database_url or settings.database_url, folder or settings.backup_dir, _now()
        )
    typer.echo(f"backup written: {made.file} ({made.size} bytes, sha256 {made.sha256})")


@backup_app.command("list")
def list_(
    folder: Folder = None,
    keep_days: Annotated[
        int | None,
        typer.Option(
            "--keep-days",
            help="Days a backup is kept before it must be rotated out "
            "(default: HOGO_BACKUP_KEEP_DAYS).",
        ),
    ] = None,
) -> None:
    """List backups with their age and the date by which each must be rotated out (§4)."""
    with one_line_errors():
        settings = Settings()
        keep = settings.backup_keep_days if keep_days is None else keep_days
        listed = backups.list_backups(folder or settings.backup_dir, _now(), keep)
    if not listed:
        typer.echo("no backups")
        return
    table = Table("file", "kind", "revision", "created", "age", "rotate by")
    for entry in listed:
        style = "red" if entry.overdue else None
        due = f"{entry.rotate_by:%Y-%m-%d}" + (" (overdue)" if entry.overdue else "")
        table.add_row(
            escape(entry.backup.file.name),
            entry.backup.kind,
            entry.backup.revision,
            f"{entry.backup.created_at:%Y-%m-%d %H:%M}",
            f"{entry.age.days} d",
            due,
            style=style,
        )
    Console().print(table)


@backup_app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="The backup file (or its .json manifest).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Replace the database with a backup, then erase again everyone erased since (R-14).

    Stop the server first. A file that is not a hogo backup, was altered, is of the other
    database kind or from a newer schema is refused and nothing is changed.
    """
    with one_line_errors():
        settings = Settings()
        url = database_url or settings.database_url
        backup = backups.inspect(file, url)
    if not yes:
        typer.confirm(
            f"Replace the data in {url} with the backup of {backup.created_at:%Y-%m-%d %H:%M}?",
            abort=True,
        )
    with one_line_errors():
        restored = backups.restore(file, url, settings, _now())
    typer.echo(
        f"restored {restored.backup.file.name}; {restored.reerased} subject(s) erased since "
        "were erased again from the suppression list"
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
