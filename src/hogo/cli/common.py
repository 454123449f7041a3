"""What the command modules share: opening an existing database, one-line errors."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import pydantic
import typer
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from hogo.errors import HogoError, NotFound
from hogo.services.rights.deadlines import JAPAN
from hogo.store.engine import make_engine, normalise_url

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL (default: HOGO_DATABASE_URL)."),
]


def cli_actor_id() -> str:
    """The audit actor of a command: the operating-system user who ran it, when known."""
    try:
        return f"cli:{getpass.getuser()}"[:200]
    except (OSError, KeyError):
        return "cli"


def group_app(help_text: str) -> typer.Typer:
    """A command group as every ``hogo`` group is: help without arguments, no tracebacks."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


def open_existing(url: str) -> Engine:
    """An engine on an existing database: a missing SQLite file is an error, not created."""
    parsed = make_url(normalise_url(url))
    path = parsed.database
    on_disk = parsed.get_backend_name() == "sqlite" and path not in (None, "", ":memory:")
    if on_disk and not Path(str(path)).is_file():
        raise NotFound(f"no database at {path}")
    return make_engine(url)


@contextmanager
def one_line_errors(exit_code: int = 1) -> Iterator[None]:
    """Turn an expected failure into one line on stderr and ``exit_code``, no traceback."""
    try:
        yield
    except HogoError as error:
        _fail(str(error), exit_code)
    except SQLAlchemyError as error:
        _fail(f"database error: {_first_line(getattr(error, 'orig', None) or error)}", exit_code)
    except pydantic.ValidationError as error:
        _fail(f"invalid settings: {_first_line(error)}", exit_code)


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _fail(message: str, exit_code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(exit_code)


# How a moment may be written on the command line; without a zone it is Japan time.
MOMENT_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]


def in_japan(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment from the command line is Japan time unless it names its zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=JAPAN)
