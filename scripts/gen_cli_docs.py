"""Write docs/cli.md, the command-line reference, from the Typer app.

Every command of ``hogo.cli.app.COMMANDS`` is loaded the way the ``hogo`` command loads it, and
the help of the command and of each of its sub-commands is written as the command prints it,
in plain text at a fixed width so the page does not depend on the terminal.

    python scripts/gen_cli_docs.py           # rewrite docs/cli.md
    python scripts/gen_cli_docs.py --check   # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import typer
import typer.core

from hogo.cli.app import COMMANDS, app, load_command

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
WIDTH = 88
Command = typer.core.TyperCommand | typer.core.TyperGroup

PREAMBLE = """\
# The `hogo` command

This page is generated from the command line itself by `scripts/gen_cli_docs.py`; edit the
commands' help texts, not this page, and run `python scripts/gen_cli_docs.py` to rewrite it
(`tests/docs/test_docs.py` fails when it is out of date).

Settings come from the environment: `HOGO_DATABASE_URL` (default `sqlite:///hogo.db`),
`HOGO_POLICY_PATH`, `HOGO_MASTER_KEY` (base64 of 32 bytes; wins over the key file) and
`HOGO_KEY_FILE` (default `hogo.key`). An option, when given, wins over the environment.

Errors print one line on standard error and exit with a non-zero code; no traceback reaches
the terminal. `hogo policy check` prints one `FILE:LINE: key.path: message` line per problem
(see [the policy file](policy.md)).
"""


@dataclass(frozen=True)
class Entry:
    """One command as the page shows it: its full path, heading level and help text."""

    path: str
    level: int
    command: Command
    help: str


def _plain(loaded: object) -> Command:
    """A Typer command set to print click's plain help (not Rich panels) at any terminal."""
    if not isinstance(loaded, typer.core.TyperCommand | typer.core.TyperGroup):
        raise TypeError(f"not a Typer command: {loaded!r}")
    loaded.rich_markup_mode = None
    return loaded


def _walk(loaded: object, parent: typer.Context, level: int) -> Iterator[Entry]:
    command = _plain(loaded)
    context = typer.Context(command, info_name=command.name, parent=parent)
    yield Entry(context.command_path, level, command, command.get_help(context))
    if isinstance(command, typer.core.TyperGroup):
        for name in command.list_commands(context):
            yield from _walk(command.get_command(context, name), context, level + 1)


def entries() -> Iterator[Entry]:
    """``hogo`` itself, then each command of COMMANDS and its sub-commands, in order."""
    root = _plain(typer.main.get_command(app))
    settings = {**root.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    context = typer.Context(root, info_name="hogo", **settings)
    yield Entry("hogo", 2, root, root.get_help(context))
    for name in COMMANDS:
        yield from _walk(load_command(name), context, 2)


def render() -> str:
    """The whole of docs/cli.md."""
    parts = [PREAMBLE]
    for entry in entries():
        heading = "#" * entry.level
        parts.append(f"{heading} `{entry.path}`\n\n```text\n{entry.help.rstrip()}\n```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if docs/cli.md is stale")
    arguments = parser.parse_args(argv)
    text = render()
    if arguments.check:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} is out of date: run python scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
