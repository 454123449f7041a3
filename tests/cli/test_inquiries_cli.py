"""``hogo inquiries``: the desk's queue and its steps from the terminal (R-47, APPI A40)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from hogo.cli.app import app
from hogo.runtime import Hogo, open_hogo
from hogo.settings import Settings
from hogo.store.tables import tickets

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {
        "HOGO_DATABASE_URL": database_url,
        "HOGO_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HOGO_POLICY_PATH": str(POLICY),
        "COLUMNS": "200",
    }


@pytest.fixture
def hogo(env: dict[str, str]) -> Iterator[Hogo]:
    settings = Settings(master_key=env["HOGO_MASTER_KEY"])
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as opened:
        yield opened


def run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(app, ["inquiries", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_R47_list_shows_the_queue_with_overdue_tickets_marked(
    env: dict[str, str], hogo: Hogo
) -> None:
    late = hogo.inquiries.open("complaint", "苦情です", email="taro@example.jp")
    fresh = hogo.inquiries.open("question", "質問です")
    with hogo.engine.begin() as connection:
        connection.execute(
            update(tickets).where(tickets.c.id == late).values(due_at=dt.date(2020, 1, 1))
        )
    output = run(env, "list")
    assert "2020-01-01 overdue" in output
    assert output.index(f" {late} ") < output.index(f" {fresh} ")
    assert "苦情です" not in output  # the queue shows no text


def test_R47_a_complaint_is_worked_to_closure_and_shown(env: dict[str, str], hogo: Hogo) -> None:
    ticket_id = str(hogo.inquiries.open("complaint", "苦情です [bold]", name="山田 太郎"))
    assert "assigned to suzuki" in run(env, "assign", ticket_id, "--to", "suzuki")
    assert "answered" in run(env, "reply", ticket_id, "--text", "ご連絡しました")
    closed = run(env, "close", ticket_id, "--resolution", "利用停止を実施")
    assert "messages kept until" in closed
    shown = run(env, "show", ticket_id)
    for expected in ("complaint", "closed", "suzuki", "山田 太郎", "苦情です [bold]", "resolution"):
        assert expected in shown
    assert "reopened" in run(env, "reopen", ticket_id)
    assert "0 tickets shredded" in run(env, "purge")


def test_R47_a_step_the_status_does_not_allow_fails_in_one_line(
    env: dict[str, str], hogo: Hogo
) -> None:
    ticket_id = str(hogo.inquiries.open("question", "質問"))
    run(env, "close", ticket_id, "--resolution", "done")
    result = CliRunner().invoke(app, ["inquiries", "reply", ticket_id, "--text", "x"], env=env)
    assert result.exit_code == 1
    assert "is closed; it cannot become answered" in result.output
    assert "Traceback" not in result.output


def test_R15_another_role_is_refused(env: dict[str, str], hogo: Hogo) -> None:
    ticket_id = str(hogo.inquiries.open("question", "質問"))
    result = CliRunner().invoke(
        app, ["inquiries", "show", ticket_id, "--role", "marketing"], env=env
    )
    assert result.exit_code == 1
    assert "may not work the inquiry desk" in result.output
