"""``hogo sweep ledgers`` and ``hogo serve --sweep-every`` (R-12, R-47, D13, D18)."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner, Result

from hogo.cli import serve
from hogo.cli.app import app
from hogo.runtime import open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
CLOSED = dt.datetime(2021, 1, 10, tzinfo=dt.UTC)  # kept P3Y: to 2024-01-10, in the past


def setup(tmp_path: Path) -> tuple[dict[str, str], Settings]:
    """A database with one ticket closed in 2021 (past its retention) and one open."""
    master = base64.b64encode(os.urandom(32)).decode()
    env = {
        "HOGO_DATABASE_URL": f"sqlite:///{tmp_path / 'hogo.db'}",
        "HOGO_MASTER_KEY": master,
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_KEY_FILE": str(tmp_path / "hogo.key"),
        "HOGO_MAIL_URL": "memory://",
        "COLUMNS": "200",
    }
    settings = Settings(master_key=master, key_file=tmp_path / "hogo.key", mail_url="memory://")
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings, clock=lambda: CLOSED) as h:
        ticket = h.inquiries.open("complaint", "個人情報の扱いについて", email="t@example.jp")
        h.inquiries.close(OFFICE, ticket, "説明して了承を得た")
        h.inquiries.open("question", "開示の手続きは?", email="q@example.jp")
    return env, settings


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def test_R47_D13_dry_run_counts_and_a_run_purges_once(tmp_path: Path) -> None:
    env, _ = setup(tmp_path)
    planned = run(env, "sweep", "ledgers", "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert "inquiry_tickets" in planned.output
    assert "dry run: 1 records would go; nothing was changed" in planned.output
    assert "dry run: 1 records" in run(env, "sweep", "ledgers", "--dry-run").output
    done = run(env, "sweep", "ledgers")
    assert done.exit_code == 0, done.output
    assert "1 records purged" in done.output
    assert "APPI A29(2)" in done.output
    assert "0 records purged" in run(env, "sweep", "ledgers").output


def test_R47_a_moment_before_the_period_ends_purges_nothing(tmp_path: Path) -> None:
    env, _ = setup(tmp_path)
    early = run(env, "sweep", "ledgers", "--now", "2023-12-31")
    assert early.exit_code == 0, early.output
    assert "0 records purged" in early.output


def test_R12_only_the_privacy_office_purges_in_one_line(tmp_path: Path) -> None:
    env, _ = setup(tmp_path)
    refused = run(env, "sweep", "ledgers", "--role", "customer_support")
    assert refused.exit_code != 0
    assert refused.output.strip().count("\n") == 0
    assert "may not purge ledgers" in refused.output


def test_R12_serve_help_lists_sweep_every() -> None:
    shown = run({"COLUMNS": "200"}, "serve", "--help")
    assert shown.exit_code == 0
    assert "--sweep-every" in shown.output
    assert "HOGO_SWEEP_EVERY" in shown.output


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--sweep-every", "5x"], {}), ([], {"HOGO_SWEEP_EVERY": "every hour"})],
)
def test_R12_a_bad_sweep_interval_is_one_line_and_fails(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    given = {"HOGO_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}", "COLUMNS": "200", **env}
    refused = run(given, "serve", *args)
    assert refused.exit_code == 1
    assert refused.output.strip().count("\n") == 0
    assert refused.output.startswith("error: sweep interval")
    assert not (tmp_path / "none.db").exists()  # refused before anything was opened


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """``run_server`` configures hogo's and uvicorn's loggers; put them back afterwards."""
    names = ("hogo", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
    yield
    for name, (handlers, level, propagate, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.level, logger.propagate, logger.disabled = level, propagate, disabled


def test_R12_D18_serve_sweeps_in_one_thread_and_stops_with_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logging_restored: None
) -> None:
    """R-12, D18: while the server runs, one thread sweeps; when it stops, so does the thread."""
    env, settings = setup(tmp_path)
    hogo = open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings)
    seen: dict[str, Any] = {}

    def server(app: object, **options: Any) -> None:
        deadline = time.monotonic() + 10
        while not hogo.inquiries.summary(1).shredded and time.monotonic() < deadline:
            time.sleep(0.02)  # the first tick runs at once: the items, then the ledgers
        seen["threads"] = [t.name for t in threading.enumerate() if t.name == "hogo-sweep"]
        seen["loggers"] = options["log_config"]["loggers"]

    monkeypatch.setattr(uvicorn, "run", server)
    serve.run_server(hogo, "127.0.0.1", 8000, settings, sweep_every=3600)
    assert seen["threads"] == ["hogo-sweep"]
    assert "hogo" in seen["loggers"]
    assert not [t for t in threading.enumerate() if t.name == "hogo-sweep"]
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as reopened:
        runs = reopened.sweeper.runs()
        assert [run.run_by for run in runs] == ["scheduler"]
        assert reopened.inquiries.summary(1).shredded  # the ledgers were purged too
