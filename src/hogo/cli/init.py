"""``hogo init``: create the master key file (mode 0600); an existing one is never touched."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hogo.settings import Settings
from hogo.vault.keys import create_key_file

DEFAULT_KEY_FILE: Path = Settings.model_fields["key_file"].default
EXIT_ERROR = 1


def init(
    key_file: Annotated[
        Path,
        typer.Option(
            "--key-file", envvar="HOGO_KEY_FILE", help="Where to write the master key file."
        ),
    ] = DEFAULT_KEY_FILE,
) -> None:
    """Create a random master key in KEY_FILE, readable by its owner only."""
    try:
        created = create_key_file(key_file)
    except OSError as error:
        typer.echo(f"error: cannot create {key_file}: {error.strerror or error}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if created:
        typer.echo(
            f"created master key file {key_file} (mode 0600); keep a copy apart from the data"
        )
    else:
        typer.echo(f"master key file {key_file} already exists; left untouched")
