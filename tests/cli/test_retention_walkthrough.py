"""Retention tried as a new user would (R-12, R-14, D18): the demo's applicant is told no, the
clock moves, the sweep takes them with a log entry; a sweep killed half way and run again
takes every due item exactly once."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner, Result

from hogo.cli.app import app
from hogo.policy.durations import add_duration
from hogo.runtime import open_hogo
from hogo.settings import Settings
from hogo.store.tables import audit_log, items, sweep_finishes, sweep_log, sweep_runs
from hogo.vault.items import NewItem, NewSubject

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


@pytest.mark.slow
def test_R12_D18_the_demo_applicant_not_hired_is_swept_a_year_later(tmp_path: Path) -> None:
    """R-12, D18: applicant_not_hired starts the one-year clock of applicants_not_hired; a
    sweep judged a year and a day later deletes every item of theirs and logs the rule."""
    database, key_file = tmp_path / "demo.db", tmp_path / "demo.key"
    env = {
        "HOGO_DATABASE_URL": f"sqlite:///{database}",
        "HOGO_KEY_FILE": str(key_file),
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_MAIL_URL": "memory://",
        "COLUMNS": "200",
    }
    demo = run(
        env,
        "demo",
        "--subjects",
        "300",
        "--no-serve",
        "--database",
        str(database),
        "--key-file",
        str(key_file),
        "--policy",
        str(POLICY),
        "--outbox",
        str(tmp_path / "outbox"),
    )
    assert demo.exit_code == 0, demo.output
    found = re.search(r"Retention: applicant (\d+) has not been told no yet", demo.output)
    assert found is not None, demo.output
    applicant = int(found.group(1))
    engine = create_engine(env["HOGO_DATABASE_URL"])
    stored = select(func.count()).select_from(items).where(items.c.subject_id == applicant)
    with engine.connect() as connection:
        before = int(connection.execute(stored).scalar_one())
    assert before > 0

    told = run(env, "subjects", "event", str(applicant), "applicant_not_hired")
    assert told.exit_code == 0, told.output
    assert f"retain-until changed for {before} items" in told.output

    year_later = add_duration(dt.date.today(), "P1Y") + dt.timedelta(days=2)
    not_yet = run(
        env, "sweep", "--dry-run", "--now", (year_later - dt.timedelta(days=4)).isoformat()
    )
    assert "applicants_not_hired" not in not_yet.output
    swept = run(env, "sweep", "--now", year_later.isoformat())
    assert swept.exit_code == 0, swept.output
    assert "applicants_not_hired" in swept.output
    with engine.connect() as connection:
        assert int(connection.execute(stored).scalar_one()) == 0
        logged = connection.execute(
            select(func.sum(sweep_log.c["items"])).where(sweep_log.c.rule == "applicants_not_hired")
        ).scalar_one()
    assert logged >= before
    log = run(env, "sweep", "log")
    assert "applicants_not_hired/" in log.output
    engine.dispose()


@pytest.mark.slow
def test_R12_R14_a_sweep_killed_half_way_is_finished_by_the_next_and_counts_add_up(
    tmp_path: Path,
) -> None:
    """R-12: kill -9 a running `hogo sweep` after some chunks; the next run takes the rest. None
    is left, and every due item is logged once: in the sweep log, or, for a chunk killed after
    its suppression entries were written and before it committed, in the audit entry of the
    next open that deleted it again. R-14: each is in the suppression list once."""
    master = base64.b64encode(os.urandom(32)).decode()
    database = tmp_path / "hogo.db"
    env = {
        **os.environ,
        "HOGO_DATABASE_URL": f"sqlite:///{database}",
        "HOGO_MASTER_KEY": master,
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_KEY_FILE": str(tmp_path / "hogo.key"),
        "HOGO_MAIL_URL": "memory://",
    }
    collected = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    soon = collected + dt.timedelta(days=1)
    settings = Settings(master_key=master, key_file=tmp_path / "hogo.key")
    with open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings) as hogo:
        for start in range(0, 20_000, 5_000):
            batch = [
                NewSubject(
                    "customers",
                    f"c-{n}",
                    items=[
                        NewItem(
                            "inquiry_details", f"{n}-{k}", ["inquiry_handling"], retain_until=soon
                        )
                        for k in range(3)
                    ],
                )
                for n in range(start, start + 5_000)
            ]
            with hogo.engine.begin() as connection:
                hogo.vault.ingest(connection, batch, now=collected)
        due = hogo.sweeper.due_count(dt.datetime.now(dt.UTC))
    assert due == 60_000

    engine = create_engine(env["HOGO_DATABASE_URL"])
    sweep = [sys.executable, "-m", "hogo.cli", "sweep", "--chunk", "500"]
    first = subprocess.Popen(sweep, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chunks_logged = select(func.count()).select_from(sweep_log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        with engine.connect() as connection:
            if int(connection.execute(chunks_logged).scalar_one()) >= 5:
                break
        time.sleep(0.02)
    assert first.poll() is None, "the sweep ended before it could be killed"
    first.send_signal(signal.SIGKILL)
    first.wait()

    with engine.connect() as connection:
        swept_first = int(connection.execute(select(func.sum(sweep_log.c["items"]))).scalar_one())
        assert (
            int(connection.execute(select(func.count()).select_from(sweep_finishes)).scalar_one())
            == 0
        )
    assert 0 < swept_first < due

    second = subprocess.run(sweep, env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 0, second.stderr

    with engine.connect() as connection:
        total = int(connection.execute(select(func.sum(sweep_log.c["items"]))).scalar_one())
        reapplied = sum(
            json.loads(body)["detail"]["items"]
            for body in connection.execute(
                select(audit_log.c.body).where(audit_log.c.action == "erasure_reapplied")
            ).scalars()
        )
        left = int(connection.execute(select(func.count()).select_from(items)).scalar_one())
        runs = int(connection.execute(select(func.count()).select_from(sweep_runs)).scalar_one())
        finished = int(
            connection.execute(select(func.count()).select_from(sweep_finishes)).scalar_one()
        )
    engine.dispose()
    assert (total + reapplied, left, runs, finished) == (due, 0, 2, 1)
    lines = (tmp_path / "hogo.erased").read_text().splitlines()
    suppressed = [item for line in lines for item in json.loads(line)["item_ids"]]
    assert len(suppressed) == len(set(suppressed)) == due
