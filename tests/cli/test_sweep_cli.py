"""``hogo sweep`` and ``hogo holds`` (R-12, R-13, D18): dry run, run, log, holds, errors."""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

from typer.testing import CliRunner, Result

from hogo.cli.app import app
from hogo.runtime import open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
SOON = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
LATER = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).strftime("%Y-%m-%d")


def setup(tmp_path: Path) -> tuple[dict[str, str], list[int]]:
    master = base64.b64encode(os.urandom(32)).decode()
    env = {
        "HOGO_DATABASE_URL": f"sqlite:///{tmp_path / 'hogo.db'}",
        "HOGO_MASTER_KEY": master,
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_KEY_FILE": str(tmp_path / "hogo.key"),
        "HOGO_MAIL_URL": "memory://",
        "COLUMNS": "200",
    }
    settings = Settings(master_key=master, key_file=tmp_path / "hogo.key")
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as hogo:
        ids = []
        for n in range(3):
            subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
            item = NewItem(
                "inquiry_details", f"問い合わせ{n}", ["inquiry_handling"], retain_until=SOON
            )
            hogo.subjects.store(OFFICE, subject_id, [item])
            ids.append(subject_id)
    return env, ids


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def test_R12_dry_run_prints_the_plan_and_changes_nothing(tmp_path: Path) -> None:
    env, _ = setup(tmp_path)
    done = run(env, "sweep", "--dry-run", "--now", LATER)
    assert done.exit_code == 0, done.output
    assert "inquiries" in done.output
    assert "dry run: 3 items would go; nothing was changed" in done.output
    assert "dry run: 3 items" in run(env, "sweep", "--dry-run", "--now", LATER).output
    assert "cli:" not in run(env, "sweep", "log").output  # no run was recorded


def test_R12_D18_a_sweep_deletes_what_is_due_and_the_log_shows_it(tmp_path: Path) -> None:
    env, _ = setup(tmp_path)
    assert "0 items swept" in run(env, "sweep").output  # nothing due yet
    done = run(env, "sweep", "--now", LATER, "--chunk", "2")
    assert done.exit_code == 0, done.output
    assert "3 items swept in 2 chunks" in done.output
    log = run(env, "sweep", "log", "--limit", "5")
    assert log.exit_code == 0, log.output
    assert "inquiries/inquiry_details delete 3" in log.output
    assert "interrupted" not in log.output
    assert "dry run: 0 items" in run(env, "sweep", "--dry-run", "--now", LATER).output


def test_R13_a_hold_placed_from_the_command_line_keeps_the_person(tmp_path: Path) -> None:
    env, ids = setup(tmp_path)
    placed = run(
        env, "holds", "place", "--reason", "訴訟", "--owner", "legal", "--subject", str(ids[0])
    )
    assert placed.exit_code == 0, placed.output
    assert "legal hold 1 placed" in placed.output
    assert "訴訟" in run(env, "holds", "list").output
    assert "2 items swept" in run(env, "sweep", "--now", LATER).output
    assert "legal hold 1 lifted" in run(env, "holds", "lift", "1").output
    assert "訴訟" not in run(env, "holds", "list").output
    assert "訴訟" in run(env, "holds", "list", "--all").output
    assert "1 items swept" in run(env, "sweep", "--now", LATER).output


def test_R13_errors_are_one_line(tmp_path: Path) -> None:
    env, _ = setup(tmp_path)
    refused = run(
        env, "holds", "place", "--reason", "r", "--owner", "o", "--role", "customer_support"
    )
    assert refused.exit_code != 0
    assert refused.output.strip().count("\n") == 0
    assert "may not place legal holds" in refused.output
    unknown = run(env, "holds", "place", "--reason", "r", "--owner", "o", "--category", "nope")
    assert "unknown category 'nope'" in unknown.output
    assert "no legal hold 9" in run(env, "holds", "lift", "9").output
    swept = run(env, "sweep", "--role", "customer_support")
    assert swept.exit_code != 0
    assert "may not run sweeps" in swept.output
