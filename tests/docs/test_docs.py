"""The docs match the code: the CLI reference, the commands in the docs, the API guide."""

from __future__ import annotations

import base64
import importlib.util
import os
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import typer
import typer.core
from fastapi import FastAPI

from hogo import errors
from hogo.auth.keys import KeyVerifier
from hogo.cli.app import COMMANDS, app, load_command
from hogo.guard.reasons import Reason
from hogo.runtime import open_hogo
from hogo.settings import Settings
from hogo.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
CLI_DOC = ROOT / "docs" / "cli.md"
API_DOC = ROOT / "docs" / "api.md"
POLICY = ROOT / "examples" / "policy.yaml"
PAGES_WITH_COMMANDS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHELL = {"", "sh", "shell", "bash", "console"}  # fences whose lines are commands to type
Command = typer.core.TyperCommand | typer.core.TyperGroup


def _load_script(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


gen_cli_docs = _load_script(ROOT / "scripts" / "gen_cli_docs.py")


def as_command(loaded: object) -> Command:
    assert isinstance(loaded, typer.core.TyperCommand | typer.core.TyperGroup), loaded
    return loaded


def command_tree(command: Command, path: str) -> Iterator[tuple[str, Command]]:
    """``(path, command)`` for a command and, for a group, every sub-command below it."""
    yield path, command
    if isinstance(command, typer.core.TyperGroup):
        context = typer.Context(command, info_name=path)
        for name in command.list_commands(context):
            yield from command_tree(
                as_command(command.get_command(context, name)), f"{path} {name}"
            )


def all_commands() -> Iterator[tuple[str, Command]]:
    yield "hogo", as_command(typer.main.get_command(app))
    for name in COMMANDS:
        yield from command_tree(as_command(load_command(name)), f"hogo {name}")


def section(text: str, path: str) -> str:
    """The part of the page under the heading of command ``path``, up to the next heading."""
    match = re.search(rf"^#+ `{re.escape(path)}`\n(.*?)(?=^#|\Z)", text, re.MULTILINE | re.DOTALL)
    assert match is not None, f"no section for {path}"
    return match.group(1)


def section_of_reasons(text: str) -> str:
    start = text.index("## Decisions and reason codes")
    return text[start : text.index("\n## ", start + 1)]


def commands_in_code_blocks(page: Path) -> Iterator[str]:
    """Lines of the page's shell code blocks that run ``hogo`` (a ``$ `` prompt is dropped)."""
    for language, block in FENCE.findall(page.read_text(encoding="utf-8")):
        if language not in SHELL:
            continue
        for line in block.splitlines():
            command = line.strip().removeprefix("$ ")
            if command.startswith("hogo "):
                yield command


def documented_commands() -> list[pytest.ParameterSet]:
    """``(page, line)`` for every ``hogo`` command shown in the README and docs/."""
    found = []
    for page in PAGES_WITH_COMMANDS:
        name = page.relative_to(ROOT).as_posix()
        for line in commands_in_code_blocks(page):
            short = " ".join(shlex.split(line, comments=True))
            found.append(pytest.param(name, line, id=f"{name}: {short}"))
    return found


def usage_problem(line: str) -> str | None:
    """What ``hogo`` would reject in ``line`` (parsed down to its leaf command, not run).

    ``None`` when the command exists and its options and arguments parse; otherwise the
    reason: an unknown command, a group without a sub-command (unless it runs on its own), an
    unknown option, a missing required value.
    """
    tokens = shlex.split(line, comments=True)
    root = as_command(typer.main.get_command(app))
    command: Command = root
    context = typer.Context(root, info_name=tokens[0], **root.context_settings)
    name, words = tokens[0], tokens[1:]
    while isinstance(command, typer.core.TyperGroup):
        if command.invoke_without_command and (not words or words[0].startswith("-")):
            break  # a group that runs on its own, e.g. `hogo sweep --dry-run`
        if not words:
            return f"{context.command_path} needs a command"
        name, words = words[0], words[1:]
        found = command.get_command(context, name)
        if found is None:
            return f"{context.command_path} has no command {name!r}"
        command = as_command(found)
        context = typer.Context(command, info_name=name, parent=context)
    try:
        command.make_context(name, list(words), parent=context.parent)
    except Exception as error:  # click's usage errors, whatever their class
        return f"{type(error).__name__}: {error}"
    return None


def test_cli_reference_is_up_to_date() -> None:
    assert CLI_DOC.read_text(encoding="utf-8") == gen_cli_docs.render(), (
        "docs/cli.md is out of date: run python scripts/gen_cli_docs.py"
    )


def test_cli_reference_has_every_command_and_option() -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    missing = []
    for path, command in all_commands():
        body = section(text, path)
        for parameter in command.params:
            if isinstance(parameter, typer.core.TyperArgument):
                names = [parameter.name or ""]
            else:
                names = [*parameter.opts, *parameter.secondary_opts]
            missing += [f"{path} {name}" for name in names if name not in body]
    assert missing == []


def test_cli_reference_check_mode_agrees() -> None:
    assert gen_cli_docs.main(["--check"]) == 0


def test_docs_show_some_hogo_commands() -> None:
    pages = {param.values[0] for param in documented_commands()}
    assert "README.md" in pages


@pytest.mark.parametrize(("page", "line"), documented_commands())
def test_documented_command_is_a_real_command(page: str, line: str) -> None:
    assert usage_problem(line) is None, f"{page}: {line}"


@pytest.mark.parametrize(
    "line",
    [
        "hogo no-such-command",
        "hogo keys",
        "hogo keys create --label x",
        "hogo keys create --role x --no-such-option",
        "hogo policy check",
    ],
)
def test_usage_problem_finds_what_hogo_would_reject(line: str) -> None:
    assert usage_problem(line) is not None


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The application over a fresh SQLite database and the example policy."""
    folder = tmp_path_factory.mktemp("api")
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=folder / "unused.key"
    )
    with open_hogo(f"sqlite:///{folder / 'hogo.db'}", POLICY, settings=settings) as hogo:
        yield create_app(hogo, KeyVerifier(hogo.engine))


def test_api_guide_has_every_path_and_method(api: FastAPI) -> None:
    text = API_DOC.read_text(encoding="utf-8")
    paths: dict[str, dict[str, object]] = api.openapi()["paths"]
    assert paths
    missing = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method in operations
        if f"{method.upper()} {path}" not in text
    ]
    assert missing == []


def test_api_guide_lists_every_problem_code() -> None:
    text = API_DOC.read_text(encoding="utf-8")
    kinds = [getattr(errors, name) for name in errors.__all__]
    codes = [kind.code for kind in kinds if issubclass(kind, errors.HogoError)]
    codes += ["request_invalid", "internal"]  # the web layer's own problems
    assert [code for code in codes if f"| `{code}` |" not in text] == []


def test_api_guide_lists_every_reason_in_the_order_the_guard_checks() -> None:
    text = API_DOC.read_text(encoding="utf-8")
    denials = [reason.code for reason in Reason if reason is not Reason.ALLOWED]
    rows = re.findall(r"^\| `([a-z_]+)` \|", section_of_reasons(text), re.MULTILINE)
    assert rows == denials
