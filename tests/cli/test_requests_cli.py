"""``hogo requests``: the queue and its decisions from the terminal (D16, R-43, R-46)."""

from __future__ import annotations

import base64
import os
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hogo.cli.app import app
from hogo.runtime import open_hogo
from hogo.services.actor import Actor
from hogo.services.rights.requests import RequestService
from hogo.settings import Settings

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("test", "privacy_office")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "HOGO_DATABASE_URL": f"sqlite:///{tmp_path / 'hogo.db'}",
        "HOGO_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_SUPPRESSION_FILE": str(tmp_path / "hogo.erased"),
        "COLUMNS": "200",
    }


@pytest.fixture
def request_id(env: dict[str, str]) -> int:
    settings = Settings(master_key=env["HOGO_MASTER_KEY"])
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as hogo:
        subject = hogo.subjects.create(OFFICE, group="customers", ref="cli-1")
        return RequestService(hogo.engine, hogo.policy).submit(
            OFFICE, subject, "disclosure", "appi"
        )


def test_list_shows_due_and_may_sue_dates_D16_D17(env: dict[str, str], request_id: int) -> None:
    result = CliRunner().invoke(app, ["requests", "list"], env=env)
    assert result.exit_code == 0, result.output
    assert "disclosure" in result.output
    settings = Settings(master_key=env["HOGO_MASTER_KEY"])
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as hogo:
        stored = RequestService(hogo.engine, hogo.policy).get(request_id)
    assert stored.may_sue_from is not None
    assert stored.due_at.isoformat() in result.output
    assert stored.may_sue_from.isoformat() in result.output


def test_refusal_needs_a_reason_R43(env: dict[str, str], request_id: int) -> None:
    runner = CliRunner()
    for step in ("verify", "start"):
        assert runner.invoke(app, ["requests", step, str(request_id)], env=env).exit_code == 0
    missing = runner.invoke(
        app,
        ["requests", "refuse", str(request_id), "--reason", " ", "--ground", "data_not_held"],
        env=env,
    )
    assert missing.exit_code == 1
    assert "Traceback" not in missing.output
    done = runner.invoke(
        app,
        [
            "requests",
            "refuse",
            str(request_id),
            "--reason",
            "保有していません",
            "--ground",
            "data_not_held",
        ],
        env=env,
    )
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["requests", "show", str(request_id)], env=env)
    assert "refused" in shown.output
    assert "保有していません" in shown.output
    assert shown.output.count("→") == 4  # received, verified, in_progress, refused


def test_illegal_transition_is_one_line_and_non_zero(env: dict[str, str], request_id: int) -> None:
    result = CliRunner().invoke(app, ["requests", "fulfil", str(request_id)], env=env)
    assert result.exit_code == 1
    assert "cannot become" in result.output


def test_R39_fulfil_does_the_work_and_answer_writes_the_package(
    env: dict[str, str], request_id: int, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["requests", "verify", str(request_id)], env=env).exit_code == 0
    done = runner.invoke(app, ["requests", "fulfil", str(request_id)], env=env)
    assert done.exit_code == 0, done.output
    assert f"request {request_id} fulfilled" in done.output
    assert "method: electronic" in done.output
    out = tmp_path / "answer.zip"
    written = runner.invoke(
        app, ["requests", "answer", str(request_id), "--out", str(out)], env=env
    )
    assert written.exit_code == 0, written.output
    with zipfile.ZipFile(out) as package:
        assert "data.json" in package.namelist()


def test_bad_changes_file_is_one_line(env: dict[str, str], request_id: int, tmp_path: Path) -> None:
    bad = tmp_path / "changes.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["requests", "fulfil", str(request_id), "--changes", str(bad)], env=env
    )
    assert result.exit_code == 1
    assert "not a JSON list of changes" in result.output
    assert "Traceback" not in result.output


def test_R42_fulfil_erasures_erases_every_verified_erasure_request(env: dict[str, str]) -> None:
    settings = Settings(
        master_key=env["HOGO_MASTER_KEY"], suppression_file=Path(env["HOGO_SUPPRESSION_FILE"])
    )
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as hogo:
        ids = []
        for n in range(3):
            subject = hogo.subjects.create(OFFICE, group="applicants", ref=f"a-{n}")
            request_id = hogo.requests.submit(
                OFFICE, subject, "erasure", "appi", ground="no_longer_needed"
            )
            hogo.requests.verify(OFFICE, request_id)
            ids.append(request_id)
    runner = CliRunner()
    result = runner.invoke(app, ["requests", "fulfil-erasures", "--all"], env=env)
    assert result.exit_code == 0, result.output
    assert "3 erasure requests fulfilled, 0 partly" in result.output
    nothing = runner.invoke(app, ["requests", "fulfil-erasures"], env=env)
    assert nothing.exit_code == 1
    assert "use --all" in nothing.output
