"""``hogo audit verify``: one line, exit 0 intact, 1 broken, 2 could not check (R-17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner, Result

from hogo.audit.chain import append
from hogo.audit.entry import AuditEntry
from hogo.cli.audit import audit_app

T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(audit_app, ["verify", *args])
    assert "Traceback" not in result.output
    assert len(result.output.splitlines()) == 1, result.output
    return result


def fill(engine: Engine, count: int) -> None:
    entries = [
        AuditEntry(f"staff-{i}", "read", i, "support", {"n": i}, T0 + dt.timedelta(seconds=i))
        for i in range(1, count + 1)
    ]
    with engine.begin() as connection:
        append(connection, entries)


def test_an_intact_chain(engine: Engine, database_url: str) -> None:
    fill(engine, 3)
    result = invoke("--database-url", database_url)
    assert (result.exit_code, result.stdout) == (0, "audit chain intact: 3 entries checked\n")


def test_an_empty_log_is_intact(engine: Engine, database_url: str) -> None:
    assert (
        invoke("--database-url", database_url).stdout == "audit chain intact: 0 entries checked\n"
    )


def test_a_broken_chain_names_the_entry(engine: Engine, database_url: str) -> None:
    fill(engine, 4)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET body = body || ' ' WHERE seq = 2"))
    result = invoke("--database-url", database_url)
    assert result.exit_code == 1
    assert result.stdout == "audit chain broken at entry 2: hash does not match the entry's body\n"


def test_the_database_url_defaults_to_the_setting(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(engine, 2)
    monkeypatch.setenv("HOGO_DATABASE_URL", database_url)
    assert invoke().stdout == "audit chain intact: 2 entries checked\n"


def test_a_missing_database_file_is_one_line_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = invoke("--database-url", f"sqlite:///{missing}")
    assert result.exit_code == 2
    assert result.stderr == f"error: no database at {missing}\n"
    assert not missing.exists()


def test_an_unmigrated_database_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    result = invoke("--database-url", f"sqlite:///{empty}")
    assert result.exit_code == 2
    assert result.stderr == "error: database error: no such table: audit_log\n"


def test_an_unreachable_server_is_one_line() -> None:
    result = invoke("--database-url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: database error: ")


def test_a_malformed_url_is_one_line() -> None:
    result = invoke("--database-url", "not a url")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: database error: ")
