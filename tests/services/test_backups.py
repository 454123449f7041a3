"""Backups: create, list with rotate-by dates, restore without bringing back the erased (R-14)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hogo.errors import NotFound
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services import backups
from hogo.services.actor import Actor
from hogo.services.backups import BackupRefused
from hogo.settings import Settings
from hogo.store import migrate
from hogo.store.tables import items, subjects
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
NOW = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(),
        key_file=tmp_path / "keys" / "hogo.key",
        backup_dir=tmp_path / "backups",
    )


def open_at(database_url: str, settings: Settings) -> Hogo:
    return open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: NOW
    )


@pytest.fixture
def hogo(database_url: str, settings: Settings) -> Iterator[Hogo]:
    opened = open_at(database_url, settings)
    yield opened
    opened.close()


def customers(hogo: Hogo, count: int, first: int = 0) -> list[int]:
    ids = []
    for n in range(first, first + count):
        subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
        hogo.subjects.store(
            OFFICE,
            subject_id,
            [
                NewItem("name", f"山田 花子{n}", ["membership_service"]),
                NewItem("address", f"大阪府大阪市北区{n}-1", ["membership_service"]),
            ],
        )
        ids.append(subject_id)
    return ids


def state(hogo: Hogo) -> tuple[int, int, list[str]]:
    """Subjects, items and statuses: what a refused restore must leave as it was."""
    with hogo.engine.connect() as connection:
        people = connection.execute(select(func.count()).select_from(subjects)).scalar_one()
        stored = connection.execute(select(func.count()).select_from(items)).scalar_one()
        statuses = connection.execute(select(subjects.c.status).order_by(subjects.c.id))
        return int(people), int(stored), list(statuses.scalars())


def item_count(hogo: Hogo, subject_id: int) -> int:
    with hogo.engine.connect() as connection:
        query = select(func.count()).select_from(items).where(items.c.subject_id == subject_id)
        return int(connection.execute(query).scalar_one())


def test_R14_restore_does_not_bring_back_a_person_erased_after_the_backup(
    hogo: Hogo, database_url: str, settings: Settings
) -> None:
    """R-14: the suppression list is re-applied before the restored data can be read."""
    erased, kept = customers(hogo, 2)
    backup = backups.create(database_url, settings.backup_dir, NOW)
    hogo.subjects.set_status(OFFICE, erased, "erased")
    hogo.close()

    restored = backups.restore(backup.file, database_url, settings, NOW)

    assert restored.reerased == 1
    with open_at(database_url, settings) as again:
        assert again.subjects.get(erased).status == "erased"
        assert item_count(again, erased) == 0
        read = again.access.read(OFFICE, erased, ["name"], "membership_service")
        assert read.items == ()
        assert read.decision.denied == {"name": "erased"}
        other = again.access.read(OFFICE, kept, ["name"], "membership_service")
        assert [item.value for item in other.items] == ["山田 花子1"]
        assert item_count(again, kept) == 2


def test_R14_restore_brings_back_what_was_changed_after_the_backup(
    hogo: Hogo, database_url: str, settings: Settings
) -> None:
    """R-14: a restore is a restore; only erasures outlive it."""
    (first,) = customers(hogo, 1)
    backup = backups.create(database_url, settings.backup_dir, NOW)
    customers(hogo, 1, first=1)
    hogo.close()

    restored = backups.restore(backup.manifest, database_url, settings, NOW)

    assert restored.reerased == 0
    with open_at(database_url, settings) as again:
        assert state(again) == (1, 2, ["active"])
        assert again.subjects.get(first).status == "active"


def test_R14_a_backup_is_one_file_and_a_manifest_and_no_partial_file_is_left(
    hogo: Hogo, database_url: str, settings: Settings
) -> None:
    customers(hogo, 1)

    backup = backups.create(database_url, settings.backup_dir, NOW)

    names = sorted(path.name for path in settings.backup_dir.iterdir())
    assert names == sorted([backup.file.name, backup.manifest.name])
    body = json.loads(backup.manifest.read_text(encoding="utf-8"))
    assert body["format"] == "hogo-backup"
    assert body["kind"] == database_url.split(":")[0].removesuffix("+psycopg")
    assert body["revision"] == migrate.head()
    assert body["size"] == backup.file.stat().st_size
    assert body["created_at"] == NOW.isoformat()


def test_R14_list_shows_age_and_rotate_by_and_flags_overdue(
    hogo: Hogo, database_url: str, settings: Settings
) -> None:
    customers(hogo, 1)
    old = backups.create(database_url, settings.backup_dir, NOW - dt.timedelta(days=40))
    new = backups.create(database_url, settings.backup_dir, NOW - dt.timedelta(days=2))
    (settings.backup_dir / "notes.json").write_text("{}", encoding="utf-8")

    listed = backups.list_backups(settings.backup_dir, NOW, keep_days=35)

    assert [entry.backup.file for entry in listed] == [old.file, new.file]
    assert [entry.age.days for entry in listed] == [40, 2]
    assert listed[0].rotate_by == NOW - dt.timedelta(days=5)
    assert [entry.overdue for entry in listed] == [True, False]


def refused(hogo: Hogo, file: Path, database_url: str, settings: Settings, words: str) -> None:
    """The restore is refused with ``words`` in its message and the database is unchanged."""
    before = state(hogo)
    with pytest.raises(BackupRefused, match=words):
        backups.restore(file, database_url, settings, NOW)
    assert state(hogo) == before


def test_R14_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
    hogo: Hogo, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    customers(hogo, 1)
    stray = tmp_path / "hogo.sqlite3"
    stray.write_bytes(b"SQLite format 3\x00 but not ours")

    refused(hogo, stray, database_url, settings, "not a hogo backup")
    with pytest.raises(NotFound):
        backups.restore(tmp_path / "missing", database_url, settings, NOW)


def test_R14_an_altered_backup_is_refused_and_nothing_changes(
    hogo: Hogo, database_url: str, settings: Settings
) -> None:
    customers(hogo, 1)
    backup = backups.create(database_url, settings.backup_dir, NOW)
    customers(hogo, 1, first=1)
    with backup.file.open("r+b") as stream:
        stream.seek(backup.size // 2)
        byte = stream.read(1)
        stream.seek(backup.size // 2)
        stream.write(bytes([byte[0] ^ 0xFF]))

    refused(hogo, backup.file, database_url, settings, "was altered")


def rewrite_manifest(backup: backups.Backup, **changes: str) -> None:
    body = json.loads(backup.manifest.read_text(encoding="utf-8"))
    body.update(changes)
    backup.manifest.write_text(json.dumps(body), encoding="utf-8")


def test_R14_a_backup_from_a_newer_schema_is_refused_naming_both_revisions(
    hogo: Hogo, database_url: str, settings: Settings
) -> None:
    customers(hogo, 1)
    backup = backups.create(database_url, settings.backup_dir, NOW)
    customers(hogo, 1, first=1)
    rewrite_manifest(backup, revision="9999")

    refused(hogo, backup.file, database_url, settings, f"9999, newer than .*{migrate.head()}")


def test_R14_a_backup_of_the_other_database_kind_is_refused(
    hogo: Hogo, database_url: str, settings: Settings
) -> None:
    customers(hogo, 1)
    backup = backups.create(database_url, settings.backup_dir, NOW)
    other = "postgresql" if backup.kind == "sqlite" else "sqlite"
    rewrite_manifest(backup, kind=other)

    refused(hogo, backup.file, database_url, settings, f"is a {other} backup")


def test_R14_a_create_that_fails_leaves_nothing_in_the_folder(
    hogo: Hogo, database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    customers(hogo, 1)
    if database_url.startswith("sqlite"):
        hogo.close()
        Path(database_url.removeprefix("sqlite:///")).unlink()
        failure: type[Exception] = NotFound
    else:
        monkeypatch.setenv("PATH", "")  # no pg_dump to be found
        failure = backups.BackupFailed

    with pytest.raises(failure):
        backups.create(database_url, settings.backup_dir, NOW)

    assert list(settings.backup_dir.iterdir()) == []
    assert backups.list_backups(settings.backup_dir, NOW, keep_days=35) == []
