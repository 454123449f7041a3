"""``hogo init`` creates the master key file once, private to its owner (R-18 key management)."""

from __future__ import annotations

import stat
from pathlib import Path

import typer
from typer.testing import CliRunner

from hogo.cli.init import init
from hogo.vault.keys import load_master_key


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(init)
    return app


def test_init_creates_a_private_key_file_then_leaves_it_alone(tmp_path: Path) -> None:
    key_file = tmp_path / "hogo.key"
    runner = CliRunner()

    first = runner.invoke(_app(), ["--key-file", str(key_file)])
    assert first.exit_code == 0
    assert first.output.count("\n") == 1
    assert "created" in first.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = load_master_key(None, key_file)

    second = runner.invoke(_app(), ["--key-file", str(key_file)])
    assert second.exit_code == 0
    assert "already exists; left untouched" in second.output
    assert load_master_key(None, key_file) == key


def test_init_reads_the_key_file_from_the_environment(tmp_path: Path) -> None:
    key_file = tmp_path / "from-env.key"
    result = CliRunner().invoke(_app(), [], env={"HOGO_KEY_FILE": str(key_file)})
    assert result.exit_code == 0
    assert key_file.exists()


def test_init_in_a_missing_directory_fails_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["--key-file", str(tmp_path / "absent" / "hogo.key")])
    assert result.exit_code == 1
    assert "cannot create" in result.output
    assert "Traceback" not in result.output
