"""The ``hogo`` command.

Sub-commands live in their own modules and are imported only when invoked (a lazy group), so
``hogo --help`` loads neither the database layer nor the web stack. Errors print one line and
exit non-zero; no traceback reaches the terminal.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer
import typer.core

from hogo import __version__

# name -> (module:attribute, one-line help). The attribute is a Typer app or a command function.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("hogo.cli.init:init", "Create the master key file (mode 0600; never overwrites)."),
    "policy": ("hogo.cli.policy:policy_app", "Check, show, compare and publish policy files."),
    "keys": ("hogo.cli.keys:keys_app", "Create, list and revoke API keys bound to roles."),
    "audit": ("hogo.cli.audit:audit_app", "Verify the hash-chained audit log."),
    "requests": ("hogo.cli.requests:requests_app", "Work the queue of rights requests."),
    "inquiries": ("hogo.cli.inquiries:inquiries_app", "Work the inquiry desk's tickets."),
    "accesslog": ("hogo.cli.accesslog:accesslog_app", "Load access logs; count visits (§13)."),
    "consent": ("hogo.cli.consent:consent_app", "Cookie consent banner: member tokens."),
    "recipients": (
        "hogo.cli.recipients:recipients_app",
        "The recipients register: contracts, checks, foreign bases (R-21, R-33).",
    ),
    "receipts": (
        "hogo.cli.receipts:receipts_app",
        "Record personal data received from third parties (R-35).",
    ),
    "provide": (
        "hogo.cli.provisions:provide",
        "Provide personal data to a recipient, with its records (R-29, R-34).",
    ),
    "provisions": (
        "hogo.cli.provisions:provisions_app",
        "The provision log and each person's records of provision (R-40).",
    ),
    "backup": (
        "hogo.cli.backup:backup_app",
        "Take, list and restore backups; a restore keeps erasures (R-14).",
    ),
    "sweep": (
        "hogo.cli.sweep:sweep_app",
        "Delete items past their retention; the log of runs (R-12, R-13).",
    ),
    "holds": ("hogo.cli.holds:holds_app", "Place, lift and list legal holds (R-13)."),
    "subjects": (
        "hogo.cli.subjects:subjects_app",
        "Record the events that start retention clocks (R-12).",
    ),
    "retention": (
        "hogo.cli.retention:retention_app",
        "Retention reports; recomputing ends after the rules change (R-12, D31).",
    ),
    "deid": (
        "hogo.cli.deid:deid_app",
        "Anonymise tables by generalisation; check releases (R-54, R-56).",
    ),
    "serve": ("hogo.cli.serve:serve", "Serve the API and pages over a database."),
    "demo": ("hogo.cli.demo:demo", "Seed policy + synthetic subjects + the server on localhost."),
}


def load_command(name: str) -> Any:
    """Import the module of sub-command ``name`` and turn what it defines into a command."""
    target, _help = COMMANDS[name]
    module_name, attribute = target.split(":")
    loaded = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(loaded, typer.Typer):
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name=name)(loaded)
        loaded = single
    command = typer.main.get_command(loaded)
    command.name = name
    return command


class LazyGroup(typer.core.TyperGroup):
    """A group whose sub-commands are imported on first use; help lists them unimported."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_target, text) in COMMANDS.items()])


app = typer.Typer(
    cls=LazyGroup,
    name="hogo",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"hogo {__version__}")
        raise typer.Exit


@app.callback()
def hogo(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """hogo makes a privacy policy true in software."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: one line per error, never a traceback."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="hogo", standalone_mode=True)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:
        message = getattr(error, "detail", None) or str(error) or type(error).__name__
        lines = str(message).strip().splitlines() or [type(error).__name__]
        typer.echo(f"hogo: error: {lines[0]}", err=True)
        sys.exit(1)
