"""``hogo subjects event`` and ``hogo subjects events`` (R-12, D18): record, list, errors."""

from __future__ import annotations

import base64
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


def setup(tmp_path: Path) -> tuple[dict[str, str], int]:
    """An applicant with two items that wait for the decision."""
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
        subject_id = hogo.subjects.create(OFFICE, group="applicants", ref="a-1")
        hogo.subjects.store(
            OFFICE,
            subject_id,
            [
                NewItem("name", "山田 花子", ["recruitment"]),
                NewItem("cv", "職務経歴", ["recruitment"]),
            ],
        )
    return env, subject_id


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def test_R12_D18_an_event_from_the_command_line_gives_the_items_their_end(tmp_path: Path) -> None:
    """R-12, D18: applicant_not_hired on 2026-11-25 (Japan time): kept until 2027-11-25."""
    env, subject_id = setup(tmp_path)
    done = run(
        env, "subjects", "event", str(subject_id), "applicant_not_hired", "--at", "2026-11-25"
    )
    assert done.exit_code == 0, done.output
    assert done.output.strip() == (
        f"event applicant_not_hired of subject {subject_id} at 2026-11-25 00:00 JST recorded: "
        "retain-until changed for 2 items, the earliest now 2027-11-25 00:00 JST"
    )
    listed = run(env, "subjects", "events", str(subject_id), "--role", "hr")
    assert listed.exit_code == 0, listed.output
    assert "applicant_not_hired" in listed.output
    assert "2026-11-25 00:00 JST" in listed.output


def test_R12_an_activity_defaults_to_now_and_changes_no_applicant_item(tmp_path: Path) -> None:
    env, subject_id = setup(tmp_path)
    done = run(env, "subjects", "event", str(subject_id), "activity", "--role", "hr")
    assert done.exit_code == 0, done.output
    assert "retain-until changed for 0 items" in done.output


def test_R12_refusals_are_one_line_and_record_nothing(tmp_path: Path) -> None:
    """R-12: an unknown event, an unknown subject, a role outside the group: one line each."""
    env, subject_id = setup(tmp_path)
    attempts = [
        ("subjects", "event", str(subject_id), "hired_elsewhere"),
        ("subjects", "event", "999", "applicant_not_hired"),
        ("subjects", "event", str(subject_id), "activity", "--role", "customer_service"),
        ("subjects", "event", str(subject_id), "activity", "--at", "2999-01-01"),
        ("subjects", "events", str(subject_id), "--role", "customer_service"),
    ]
    says = ["applicant_not_hired", "subject 999", "applicants", "future", "applicants"]
    for attempt, expected in zip(attempts, says, strict=True):
        done = run(env, *attempt)
        assert done.exit_code != 0, attempt
        assert done.output.startswith("error: "), done.output
        assert len(done.output.strip().splitlines()) == 1, done.output
        assert expected in done.output
        assert "Traceback" not in done.output
    listed = run(env, "subjects", "events", str(subject_id)).output
    assert "applicant_not_hired" not in listed
    assert "activity" not in listed
