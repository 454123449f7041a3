"""``hogo consent member-token``: a token that links banner choices to a member (G-02)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hogo.cli.app import app
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor(id="test:office", role="privacy_office")


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {
        "HOGO_DATABASE_URL": database_url,
        "HOGO_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "HOGO_POLICY_PATH": str(POLICY),
    }


@pytest.fixture
def hogo(env: dict[str, str]) -> Iterator[Hogo]:
    settings = Settings(master_key=env["HOGO_MASTER_KEY"])
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as opened:
        yield opened


def test_G02_member_token_from_the_cli_links_a_choice(env: dict[str, str], hogo: Hogo) -> None:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref="cli-member")
    result = CliRunner().invoke(
        app, ["consent", "member-token", str(subject_id), "--minutes", "5"], env=env
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    receipt = hogo.cookie_consent.record(
        secrets.token_urlsafe(16),
        {"statistics": True},
        gpc=False,
        channel="banner",
        page=None,
        user_agent=None,
        client_ip=None,
        notice_version=hogo.cookie_consent.config()["notice_version"],
        member_token=token,
    )
    assert receipt.subject_id == subject_id
    assert receipt.recorded_at <= dt.datetime.now(dt.UTC)


def test_G02_no_token_for_an_unknown_subject(env: dict[str, str], hogo: Hogo) -> None:
    result = CliRunner().invoke(app, ["consent", "member-token", "999999"], env=env)
    assert result.exit_code == 1
    assert "no subject 999999" in result.output
