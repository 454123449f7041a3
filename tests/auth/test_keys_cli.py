"""``hogo keys create|list|revoke``: keys bound to the policy's roles (R-16), one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner, Result

from hogo.audit.chain import verify
from hogo.auth.keys import KeyVerifier, parse_key
from hogo.cli.keys import keys_app
from hogo.store.tables import audit_log

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
KEY = re.compile(r"hogo_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}")


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(keys_app, list(args))
    assert "Traceback" not in result.output
    return result


def create(database_url: str, *args: str) -> Result:
    return invoke("create", "--policy", str(POLICY), "--database-url", database_url, *args)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def test_r16_create_prints_the_key_once_and_it_verifies(engine: Engine, database_url: str) -> None:
    result = create(database_url, "--role", "customer_service", "--label", "窓口 端末1")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert KEY.fullmatch(key)
    assert "not shown again" in result.stderr
    assert key not in result.stderr
    principal = KeyVerifier(engine).verify(key)
    assert principal.role == "customer_service"
    assert principal.key_id == parse_key(key)[0]


def test_r16_an_unknown_role_lists_the_policys_roles(engine: Engine, database_url: str) -> None:
    message = one_line_error(create(database_url, "--role", "admin"))
    assert message.startswith("error: unknown role 'admin'; valid roles: analyst, customer_service")


def test_list_shows_keys_without_secrets(engine: Engine, database_url: str) -> None:
    assert invoke("list", "--database-url", database_url).stdout == "no API keys\n"
    key = create(database_url, "--role", "marketing", "--label", "newsletter").stdout.strip()
    create(database_url, "--role", "finance")
    result = invoke("list", "--database-url", database_url)
    assert result.exit_code == 0
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "ROLE", "LABEL", "CREATED", "REVOKED"]
    assert len(rows) == 2
    assert any(row.startswith(parse_key(key)[0]) and "newsletter" in row for row in rows)
    assert parse_key(key)[1] not in result.stdout
    assert "$argon2" not in result.stdout


def test_revoke_then_the_key_is_refused(engine: Engine, database_url: str) -> None:
    key = create(database_url, "--role", "finance").stdout.strip()
    key_id = parse_key(key)[0]
    result = invoke("revoke", key_id, "--database-url", database_url)
    assert (result.exit_code, result.stdout) == (0, f"API key {key_id} revoked\n")
    listing = invoke("list", "--database-url", database_url).stdout.splitlines()[1]
    assert listing.split()[-2:] != ["-"]  # the REVOKED column has a time
    assert "already revoked" in one_line_error(
        invoke("revoke", key_id, "--database-url", database_url)
    )
    with engine.connect() as connection:
        actions = connection.execute(select(audit_log.c.action)).scalars().all()
        assert verify(connection).intact
    assert actions == ["key_created", "key_revoked"]


def test_revoking_an_unknown_key_is_one_line(engine: Engine, database_url: str) -> None:
    message = one_line_error(invoke("revoke", "nosuchkey000", "--database-url", database_url))
    assert message == "error: no API key 'nosuchkey000'\n"


def test_an_invalid_policy_is_one_line(tmp_path: Path, engine: Engine, database_url: str) -> None:
    broken = tmp_path / "policy.yaml"
    broken.write_text("version: 1\nroles: [\n", encoding="utf-8")
    message = one_line_error(
        invoke(
            "create", "--role", "finance", "--policy", str(broken), "--database-url", database_url
        )
    )
    assert message.startswith(f"error: {broken}:")


def test_a_missing_database_is_one_line_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for args in (
        ["list"],
        ["revoke", "abc"],
        ["create", "--role", "finance", "--policy", str(POLICY)],
    ):
        result = invoke(*args, "--database-url", f"sqlite:///{missing}")
        assert one_line_error(result) == f"error: no database at {missing}\n"
    assert not missing.exists()


def test_an_unmigrated_database_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    message = one_line_error(invoke("list", "--database-url", f"sqlite:///{empty}"))
    assert message == "error: database error: no such table: api_keys\n"


def test_the_database_url_and_policy_default_to_the_settings(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOGO_DATABASE_URL", database_url)
    monkeypatch.setenv("HOGO_POLICY_PATH", str(POLICY))
    result = invoke("create", "--role", "hr")
    assert result.exit_code == 0, result.output
    assert KeyVerifier(engine).verify(result.stdout.strip()).role == "hr"
