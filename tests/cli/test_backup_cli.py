"""``hogo backup create|list|restore``: a restore keeps erasures (R-14); errors in one line."""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

from typer.testing import CliRunner, Result

from hogo.cli.app import app
from hogo.runtime import Hogo, open_hogo
from hogo.services import backups
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")


def setup(database_url: str, tmp_path: Path) -> tuple[dict[str, str], list[int]]:
    """Two customers with items, and the environment the command reads."""
    master = base64.b64encode(os.urandom(32)).decode()
    env = {
        "HOGO_DATABASE_URL": database_url,
        "HOGO_MASTER_KEY": master,
        "HOGO_POLICY_PATH": str(POLICY),
        "HOGO_KEY_FILE": str(tmp_path / "keys" / "hogo.key"),
        "HOGO_BACKUP_DIR": str(tmp_path / "backups"),
        "HOGO_MAIL_URL": "memory://",
        "COLUMNS": "200",
    }
    with opened(env) as hogo:
        ids = []
        for n in range(2):
            subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
            hogo.subjects.store(
                OFFICE, subject_id, [NewItem("name", f"顧客{n}", ["membership_service"])]
            )
            ids.append(subject_id)
    return env, ids


def opened(env: dict[str, str]) -> Hogo:
    settings = Settings(master_key=env["HOGO_MASTER_KEY"], key_file=Path(env["HOGO_KEY_FILE"]))
    return open_hogo(env["HOGO_DATABASE_URL"], POLICY, settings=settings)


def run(env: dict[str, str], *args: str, answer: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env, input=answer)


def the_backup(env: dict[str, str]) -> Path:
    (file,) = [p for p in Path(env["HOGO_BACKUP_DIR"]).iterdir() if p.suffix != ".json"]
    return file


def test_R14_backup_then_erase_then_restore_keeps_the_person_erased(
    database_url: str, tmp_path: Path
) -> None:
    """R-14: the restored database answers no read for a person erased after the backup."""
    env, (erased, kept) = setup(database_url, tmp_path)
    made = run(env, "backup", "create")
    assert made.exit_code == 0, made.output
    assert "backup written" in made.output
    with opened(env) as hogo:
        hogo.subjects.set_status(OFFICE, erased, "erased")

    restored = run(env, "backup", "restore", str(the_backup(env)), "--yes")

    assert restored.exit_code == 0, restored.output
    assert "1 subject(s) erased since were erased again" in restored.output
    with opened(env) as hogo:
        gone = hogo.access.read(OFFICE, erased, ["name"], "membership_service")
        assert gone.items == ()
        assert gone.decision.denied == {"name": "erased"}
        there = hogo.access.read(OFFICE, kept, ["name"], "membership_service")
        assert [item.value for item in there.items] == ["顧客1"]


def test_R14_restore_asks_first_and_a_no_changes_nothing(database_url: str, tmp_path: Path) -> None:
    env, (first, _second) = setup(database_url, tmp_path)
    assert run(env, "backup", "create").exit_code == 0
    with opened(env) as hogo:
        hogo.subjects.set_status(OFFICE, first, "suspended")

    answered = run(env, "backup", "restore", str(the_backup(env)), answer="n\n")

    assert answered.exit_code != 0
    assert "Replace the data in" in answered.output
    with opened(env) as hogo:
        assert hogo.subjects.get(first).status == "suspended"


def test_R14_restore_from_a_file_that_is_not_a_backup_is_one_line(
    database_url: str, tmp_path: Path
) -> None:
    env, _ids = setup(database_url, tmp_path)
    stray = tmp_path / "dump.sql"
    stray.write_text("SELECT 1;\n", encoding="utf-8")

    refused = run(env, "backup", "restore", str(stray), "--yes")

    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        f"error: {stray} is not a hogo backup: no dump.sql.json manifest of format "
        "hogo-backup beside it; nothing was changed"
    ]


def test_R14_list_shows_age_and_rotate_by_with_overdue_marked(
    database_url: str, tmp_path: Path
) -> None:
    env, _ids = setup(database_url, tmp_path)
    folder = Path(env["HOGO_BACKUP_DIR"])
    now = dt.datetime.now(dt.UTC)
    backups.create(database_url, folder, now - dt.timedelta(days=40))
    backups.create(database_url, folder, now - dt.timedelta(days=3))

    listed = run(env, "backup", "list", "--keep-days", "35")

    assert listed.exit_code == 0, listed.output
    lines = [line for line in listed.output.splitlines() if "hogo-" in line]
    assert len(lines) == 2
    overdue_by = (now - dt.timedelta(days=5)).date().isoformat()
    assert "40 d" in lines[0]
    assert f"{overdue_by} (overdue)" in lines[0]
    assert "3 d" in lines[1]
    assert "overdue" not in lines[1]
    assert (now + dt.timedelta(days=32)).date().isoformat() in lines[1]


def test_backup_list_of_an_empty_folder(tmp_path: Path) -> None:
    listed = run({"HOGO_BACKUP_DIR": str(tmp_path / "none")}, "backup", "list")
    assert listed.exit_code == 0
    assert listed.output.strip() == "no backups"
