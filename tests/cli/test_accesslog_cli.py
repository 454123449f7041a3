"""``hogo accesslog``: ingest files with a summary, print statistics (R-61, R-62, R-12)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hogo.cli.app import app

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
DATA = Path(__file__).parents[1] / "accesslog" / "data"


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {
        "HOGO_DATABASE_URL": database_url,
        "HOGO_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HOGO_POLICY_PATH": str(POLICY),
        "COLUMNS": "200",
    }


def invoke(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["accesslog", *args], env=env)
    return result.exit_code, result.output


def test_R61_ingest_reports_each_file_and_a_summary(env: dict[str, str]) -> None:
    code, output = invoke(env, "ingest", str(DATA / "combined.log"), str(DATA / "access.jsonl"))
    assert code == 0, output
    assert "6 of 8 lines stored (combined)" in output
    assert "2 rejected (lines 3, 8)" in output
    assert "3 rejected (lines 4, 5, 6)" in output
    assert "15 lines in 2 files: 10 stored, 5 rejected" in output


def test_ingest_fails_only_when_nothing_could_be_read(env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.log"
    code, output = invoke(env, "ingest", str(missing), str(DATA / "combined.log"))
    assert code == 0, output
    assert "not read" in output
    assert "1 files not read" in output
    code, output = invoke(env, "ingest", str(missing))
    assert code == 1
    assert "0 lines in 0 files" in output


def test_ingest_refuses_an_unknown_format(env: dict[str, str]) -> None:
    code, output = invoke(env, "ingest", "--format", "xml", str(DATA / "combined.log"))
    assert code == 2
    assert "combined or json" in output


def test_R62_stats_table_and_json_have_no_addresses(env: dict[str, str]) -> None:
    assert invoke(env, "ingest", str(DATA / "combined.log"))[0] == 0
    code, output = invoke(env, "stats", "--by", "day")
    assert code == 0, output
    assert "2024-10-10" in output
    assert "2024-10-11" in output
    code, output = invoke(env, "stats", "--by", "page", "--json")
    assert code == 0, output
    pages = {row["key"]: row["count"] for row in json.loads(output)}
    assert pages["/products/42"] == 2
    code, output = invoke(
        env, "stats", "--by", "referrer", "--since", "2024-10-10", "--until", "2024-10-10"
    )
    assert code == 0, output
    assert "https://www.example.jp/search" in output
    for by in ("day", "page", "referrer", "status", "agent"):
        output = invoke(env, "stats", "--by", by, "--json")[1]
        assert "203.0.113" not in output
        assert "/24" not in output
        assert "C-1001" not in output


def test_stats_refuse_an_unknown_grouping(env: dict[str, str]) -> None:
    code, output = invoke(env, "stats", "--by", "ip")
    assert code == 2
    assert "day, page, referrer, status, agent" in output
