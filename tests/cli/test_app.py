"""The ``hogo`` command: fast to start, one line per error, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlalchemy", "fastapi", "numpy", "cryptography", "alembic", "uvicorn", "faker")


def run_hogo(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hogo.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_help_lists_every_command_and_loads_nothing_heavy() -> None:
    code = (
        "import sys; from hogo.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    for command in ("init", "policy", "keys", "audit", "serve", "demo"):
        assert command in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--policy", "no/such/policy.yaml", "--database-url", "sqlite:///:memory:"),
        ("audit", "verify", "--database-url", "postgresql://nobody@127.0.0.1:1/none"),
        ("no-such-command",),
    ],
    ids=["missing-policy", "unreachable-database", "unknown-command"],
)
def test_errors_are_one_line_without_traceback(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run_hogo(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, result.stdout
    if args[0] != "no-such-command":
        assert len(lines) == 1, result.stderr
