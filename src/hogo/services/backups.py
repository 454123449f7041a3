"""Backups: taken while hogo runs, listed with the date they must go, restored without undoing
an erasure (R-14).

A backup is one file (an SQLite database copied with the online backup API, or a ``pg_dump
--format=custom`` archive) and a JSON manifest beside it that says what it is: the format
marker ``hogo-backup``, the database kind, the schema revision, when it was taken and the
sha256 of the file. Both are written under hidden names and renamed, so a backup that is listed
is whole.

A restore refuses, changing nothing, a file that is not a hogo backup, one that was altered, one
of the other database kind and one from a newer schema than this hogo knows. It then applies
the suppression list (:func:`hogo.services.rights.erasure.reapply`) before the data can be read:
for SQLite on a staging copy, so the target never holds an erased person again; for PostgreSQL
right after ``pg_restore``. Either way the server must be stopped while a restore runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from hogo import __version__
from hogo.errors import Conflict, HogoError, NotFound, ValidationFailed
from hogo.services.rights.erasure import reapply
from hogo.settings import Settings
from hogo.store import migrate
from hogo.store.engine import make_engine, normalise_url
from hogo.vault.keys import KeyRing, ensure_keyring, load_master_key
from hogo.vault.suppression import SuppressionList

FORMAT = "hogo-backup"
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*\"?([A-Za-z_][A-Za-z0-9_$]*)")


class BackupRefused(ValidationFailed):
    """A file this hogo will not restore from; nothing was changed."""

    code = "backup_refused"
    title = "Backup refused"


class BackupFailed(HogoError):
    """The database tools could not write or read a backup."""

    status = 503
    code = "backup_failed"
    title = "Backup failed"


@dataclass(frozen=True, slots=True)
class Backup:
    """A backup file and what its manifest says about it."""

    file: Path
    kind: str  # sqlite | postgresql
    revision: str
    created_at: dt.datetime
    sha256: str
    size: int
    hogo_version: str
    schema: str | None = None  # PostgreSQL: the schema dumped, when the URL names one

    @property
    def manifest(self) -> Path:
        return manifest_of(self.file)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "hogo_version": self.hogo_version,
            "kind": self.kind,
            "revision": self.revision,
            "schema": self.schema,
            "created_at": self.created_at.isoformat(),
            "file": self.file.name,
            "sha256": self.sha256,
            "size": self.size,
        }


@dataclass(frozen=True, slots=True)
class Listed:
    """A backup's age and the date by which it must be rotated out (§4)."""

    backup: Backup
    age: dt.timedelta
    rotate_by: dt.datetime
    overdue: bool


@dataclass(frozen=True, slots=True)
class Restored:
    backup: Backup
    reerased: int  # subjects the suppression list erased again


@dataclass(frozen=True, slots=True)
class _Database:
    url: str
    kind: str
    path: Path | None  # SQLite
    schema: str | None  # PostgreSQL, from options=-csearch_path=...
    connect: tuple[str, ...]  # pg_dump / pg_restore connection options
    env: dict[str, str]


def manifest_of(file: Path) -> Path:
    return file.with_name(file.name + ".json")


def create(database_url: str, folder: Path, now: dt.datetime) -> Backup:
    """Back the database up into ``folder``: one file and its manifest."""
    database = _database(database_url)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"hogo-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{SUFFIX[database.kind]}"
    if final.exists() or manifest_of(final).exists():
        raise Conflict(f"a backup named {final.name} exists already")
    partial = folder / f".{final.name}.partial"
    try:
        revision = _dump(database, partial)
        digest, size = _digest(partial)
        backup = Backup(
            final, database.kind, revision, now, digest, size, __version__, database.schema
        )
        os.replace(partial, final)
        _write_atomically(backup.manifest, json.dumps(backup.to_json(), indent=2) + "\n")
    except BaseException:
        partial.unlink(missing_ok=True)
        if not manifest_of(final).exists():
            final.unlink(missing_ok=True)
        raise
    return backup


def list_backups(folder: Path, now: dt.datetime, keep_days: int) -> list[Listed]:
    """Every backup in ``folder``, oldest first; overdue once older than ``keep_days``."""
    found = []
    for manifest in sorted(folder.glob("hogo-*.json")):
        try:
            backup = read_manifest(manifest.with_suffix(""))
        except (BackupRefused, NotFound):
            continue  # not one of ours, or its file is gone
        rotate_by = backup.created_at + dt.timedelta(days=keep_days)
        found.append(Listed(backup, now - backup.created_at, rotate_by, now >= rotate_by))
    return sorted(found, key=lambda listed: listed.backup.created_at)


def read_manifest(file: Path) -> Backup:
    """The backup ``file`` (or its manifest) describes; :class:`BackupRefused` if none."""
    if file.name.endswith(".json"):
        file = file.with_name(file.name.removesuffix(".json"))
    if not file.is_file():
        raise NotFound(f"no backup file at {file}")
    try:
        body = json.loads(manifest_of(file).read_text(encoding="utf-8"))
        if body.get("format") != FORMAT:
            raise ValueError
        created = dt.datetime.fromisoformat(body["created_at"])
        return Backup(
            file,
            str(body["kind"]),
            str(body["revision"]),
            created,
            str(body["sha256"]),
            int(body["size"]),
            str(body["hogo_version"]),
            body.get("schema"),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise BackupRefused(
            f"{file} is not a hogo backup: no {manifest_of(file).name} manifest of format "
            f"{FORMAT} beside it; nothing was changed"
        ) from None


def restore(backup_path: Path, database_url: str, settings: Settings, now: dt.datetime) -> Restored:
    """Restore a backup over ``database_url``, then erase again whom the suppression list names.

    Everything is checked first; a refusal changes nothing. The server must not be running.
    """
    backup = inspect(backup_path, database_url)
    database = _database(database_url)
    keyring = KeyRing(load_master_key(settings.master_key, settings.key_file))
    suppression = SuppressionList(settings.suppression_path)
    if database.path is not None:
        reerased = _restore_sqlite(backup.file, database.path, keyring, suppression, now)
    else:
        _run(["pg_restore", *_restore_options(database), str(backup.file)], database.env)
        reerased = _settle(database.url, keyring, suppression, now)
    return Restored(backup, reerased)


def inspect(backup_path: Path, database_url: str) -> Backup:
    """The backup at ``backup_path`` if it can be restored into ``database_url``, else refused."""
    backup = read_manifest(backup_path)
    _check(backup, _database(database_url))
    return backup


def _check(backup: Backup, database: _Database) -> None:
    digest, size = _digest(backup.file)
    if (digest, size) != (backup.sha256, backup.size):
        raise BackupRefused(
            f"{backup.file.name} was altered: its sha256 is not the one in its manifest; "
            "nothing was changed"
        )
    if backup.kind != database.kind:
        raise BackupRefused(
            f"{backup.file.name} is a {backup.kind} backup and cannot be restored into a "
            f"{database.kind} database; nothing was changed"
        )
    if not migrate.known(backup.revision):
        raise BackupRefused(
            f"{backup.file.name} is at schema revision {backup.revision}, newer than this "
            f"hogo's {migrate.head()}; upgrade hogo first. Nothing was changed"
        )
    if backup.kind == "postgresql" and backup.schema != database.schema:
        raise BackupRefused(
            f"{backup.file.name} holds schema {backup.schema or 'public'}, not "
            f"{database.schema or 'public'}; nothing was changed"
        )


def _settle(url: str, keyring: KeyRing, suppression: SuppressionList, now: dt.datetime) -> int:
    """Migrate, check the master key and re-apply the suppression list (R-14)."""
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as connection:
            ensure_keyring(connection, keyring)
        return reapply(engine, keyring, suppression, now)
    finally:
        engine.dispose()


def _restore_sqlite(
    file: Path, target: Path, keyring: KeyRing, suppression: SuppressionList, now: dt.datetime
) -> int:
    """Settle a staging copy, then copy it into ``target`` in one step with the backup API."""
    staging = target.with_name(f".{target.name}.restoring")
    try:
        shutil.copyfile(file, staging)
        reerased = _settle(f"sqlite:///{staging}", keyring, suppression, now)
        _sqlite_copy(staging, target)
    finally:
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            leftover.unlink(missing_ok=True)
    return reerased


def _dump(database: _Database, into: Path) -> str:
    """Write the backup to ``into``; the schema revision it holds."""
    if database.path is None:
        revision = _revision(database.url)
        dump = ["pg_dump", "--format=custom", *database.connect, "--file", str(into)]
        schema = ["--schema", database.schema] if database.schema else []
        _run([*dump, *schema], database.env)
        return revision
    if not database.path.is_file():
        raise NotFound(f"no database at {database.path}")
    _sqlite_copy(database.path, into)
    with sqlite3.connect(into) as copy:
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    return _revision(f"sqlite:///{into}")


def _revision(url: str) -> str:
    engine = make_engine(url)
    try:
        revision = migrate.current(engine)
    finally:
        engine.dispose()
    if revision is None:
        raise ValidationFailed("the database has no hogo schema; there is nothing to back up")
    return revision


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's online backup API: consistent while others read and write."""
    origin = sqlite3.connect(source)
    destination = sqlite3.connect(target)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()


def _restore_options(database: _Database) -> list[str]:
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    return [*options, *database.connect]


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupFailed(
            f"{command[0]} was not found; PostgreSQL backups need the PostgreSQL client tools"
        )
    done = subprocess.run(  # noqa: S603 - a fixed tool, arguments passed as a list
        command, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        raise BackupFailed(f"{command[0]} failed: {lines[0]}")


def _database(url: str) -> _Database:
    parsed = make_url(normalise_url(url))
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValidationFailed("an in-memory SQLite database cannot be backed up")
        return _Database(url, "sqlite", Path(str(parsed.database)), None, (), {})
    if backend != "postgresql":
        raise ValidationFailed(
            f"cannot back up a {backend} database; expected sqlite or postgresql"
        )
    options = parsed.query.get("options")
    joined = " ".join(options) if isinstance(options, tuple) else (options or "")
    match = SEARCH_PATH.search(joined)
    connect = [
        *(["--host", parsed.host] if parsed.host else []),
        *(["--port", str(parsed.port)] if parsed.port else []),
        *(["--username", parsed.username] if parsed.username else []),
        "--dbname",
        parsed.database or "postgres",
    ]
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    schema = match.group(1) if match else None
    return _Database(url, "postgresql", None, schema, tuple(connect), env)


def _digest(file: Path) -> tuple[str, int]:
    """The sha256 and size of ``file``, read once it is on disk."""
    sha = hashlib.sha256()
    with file.open("rb") as stream:
        os.fsync(stream.fileno())
        while chunk := stream.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest(), file.stat().st_size


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
