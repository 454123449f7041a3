"""The vault ``bench/rights.py`` measures: its databases, settings, synthetic people, and the
build kept under ``bench/.cache/`` with the stamp that says whether it can be reused."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from hogo.policy.model import Policy
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.populate import populate
from hogo.services.synthetic import SyntheticBatch, SyntheticConsent
from hogo.settings import Settings
from hogo.store.engine import make_engine, normalise_url
from hogo.store.tables import subjects
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.keys import create_key_file

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
POLICY = HERE.parent / "examples" / "policy.yaml"
ADMIN_URL = os.environ.get("HOGO_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
STAMP_FORMAT = 1
ACTOR = Actor("bench:privacy-office", "privacy_office")
ITEMS_PER_SUBJECT = 10
BATCH = 10_000
READ_EVERY = 1_000
CONSENT_EVERY = (5, 2)  # subjects n with n % 5 < 2 record their consent choices: 40 %
GROUP_SHARES = {"customers": 70, "client_contacts": 12, "resignees": 10, "applicants": 8}
GROUP_SLOTS = [group for group, share in GROUP_SHARES.items() for _ in range(share)]


def report(line: str) -> None:
    print(f"\r{line:<72}", end="", file=sys.stderr, flush=True)


def done(line: str) -> None:
    print(f"\r{line:<72}", file=sys.stderr, flush=True)


# -- databases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """One database the benchmark runs on, and where its build is cached."""

    name: str  # sqlite | postgresql
    url: str
    label: str  # file path or database/schema name, for the report
    subjects: int

    @property
    def stem(self) -> str:
        return f"rights-{self.name}-{self.subjects}"

    @property
    def stamp(self) -> Path:
        return CACHE / f"{self.stem}.stamp"

    @property
    def suppression(self) -> Path:
        return CACHE / f"{self.stem}.erased"


def sqlite_database(subjects: int) -> Database:
    path = CACHE / f"rights-sqlite-{subjects}.db"
    return Database("sqlite", f"sqlite:///{path}", str(path), subjects)


def admin_engine() -> Engine:
    return create_engine(normalise_url(ADMIN_URL), isolation_level="AUTOCOMMIT")


def postgres_database(subjects: int) -> Database:
    """A database of its own if the server lets us create one, else a schema of ``test``."""
    name = f"hogo_bench_{subjects}"
    admin = admin_engine()
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_url(ADMIN_URL)).set(database=name)
        return Database("postgresql", url.render_as_string(hide_password=False), name, subjects)
    except SQLAlchemyError:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
        separator = "&" if "?" in ADMIN_URL else "?"
        url_text = f"{ADMIN_URL}{separator}options=-csearch_path%3D{name}"
        return Database("postgresql", url_text, f"schema {name}", subjects)
    finally:
        admin.dispose()


def reset(database: Database) -> None:
    """Drop everything of a previous build: database, suppression list, stamp."""
    for path in (database.stamp, database.suppression):
        path.unlink(missing_ok=True)
    if database.name == "sqlite":
        path = Path(database.label)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    admin = admin_engine()
    name = database.label.removeprefix("schema ")
    with admin.connect() as connection:
        if database.label.startswith("schema "):
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        else:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def settings_for(database: Database) -> Settings:
    return Settings(
        database_url=database.url,
        policy_path=POLICY,
        master_key=None,
        key_file=CACHE / "master.key",
        suppression_file=database.suppression,
        mail_url="memory://",
    )


def open_bench(database: Database) -> Hogo:
    settings = settings_for(database)
    return open_hogo(settings.database_url, settings.policy_path, settings=settings)


# -- synthetic people ------------------------------------------------------------------------


VALUES: dict[str, Callable[[int], str]] = {
    "name": lambda n: f"山田 太郎{n}",
    "email": lambda n: f"user{n}@example.jp",
    "phone": lambda n: f"090-{n // 10_000 % 10_000:04d}-{n % 10_000:04d}",
    "address": lambda n: f"東京都千代田区千代田{n % 999}-{n % 97} ハイツ{n % 31}号",
    "gender": lambda n: ("female", "male", "other")[n % 3],
    "member_id": lambda n: f"M{n:09d}",
    "employee_code": lambda n: f"E{n:07d}",
}


def birth_date(n: int) -> dt.date:
    return dt.date(1950, 1, 1) + dt.timedelta(days=n % 18_000)


def value(category: str, n: int) -> str:
    if category == "birth_date":
        return birth_date(n).isoformat()
    make = VALUES.get(category)
    return make(n) if make else f"{category} の記録 {n}"


class People:
    """Deterministic subjects of the example policy: subject ``n`` is always the same person."""

    def __init__(self, policy: Policy) -> None:
        self._categories: dict[str, list[str]] = {}
        self._purposes: dict[tuple[str, str], tuple[str, ...]] = {}
        self._consents: dict[str, list[tuple[str, str, str | None]]] = {}
        self.read_purpose: dict[str, tuple[str, list[str]]] = {}
        for group in GROUP_SHARES:
            self._learn(policy, group)

    def _learn(self, policy: Policy, group: str) -> None:
        purposes = {k: p for k, p in policy.purposes.items() if group in p.groups}
        usable = []
        for category in policy.subject_groups[group].collects:
            covering = tuple(k for k, p in purposes.items() if category in p.categories)
            if policy.categories[category].storage == "encrypt" and covering:
                usable.append(category)
                self._purposes[(group, category)] = covering
        # Ten items each; a group with fewer categories holds a second item of some.
        self._categories[group] = [usable[i % len(usable)] for i in range(ITEMS_PER_SUBJECT)]
        self._consents[group] = [
            (k, "grant", p.consent_version) if p.consent == "required" else (k, "opt_out", None)
            for k, p in purposes.items()
            if p.consent in ("required", "opt_out")
        ]
        read = next(k for k, p in purposes.items() if p.consent == "not_required")
        held = [c for c in purposes[read].categories if c in self._categories[group]]
        self.read_purpose[group] = (read, held)

    @staticmethod
    def group(n: int) -> str:
        return GROUP_SLOTS[n % len(GROUP_SLOTS)]

    @staticmethod
    def ref(n: int) -> str:
        return f"p-{n:07d}"

    def subject(self, n: int, group: str, ref: str) -> NewSubject:
        new_items = [
            NewItem(c, value(c, n), self._purposes[(group, c)]) for c in self._categories[group]
        ]
        return NewSubject(group, ref, birth_date(n), "JP", new_items)

    def batch(self, numbers: Iterable[int]) -> SyntheticBatch:
        people: list[NewSubject] = []
        consents: list[SyntheticConsent] = []
        for n in numbers:
            group, ref = self.group(n), self.ref(n)
            people.append(self.subject(n, group, ref))
            if n % CONSENT_EVERY[0] < CONSENT_EVERY[1]:
                consents.extend(
                    SyntheticConsent(ref, group, purpose, action, version, False, None)
                    for purpose, action, version in self._consents[group]
                )
        return SyntheticBatch(people, consents)


def chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def subject_ids(engine: Engine, keys: Sequence[tuple[str, str]]) -> list[int]:
    """Ids of (group, ref) pairs, in the order given (through the unique (group, ref) index)."""
    found: dict[tuple[str, str], int] = {}
    by_group: dict[str, list[str]] = {}
    for group, ref in keys:
        by_group.setdefault(group, []).append(ref)
    with engine.connect() as connection:
        for group, refs in by_group.items():
            for chunk in chunks(refs, 1_000):
                query = select(subjects.c.ref, subjects.c.id).where(
                    subjects.c.subject_group == group, subjects.c.ref.in_(list(chunk))
                )
                found.update(((group, ref), id_) for ref, id_ in connection.execute(query))
    return [found[key] for key in keys]


def ids_of(engine: Engine, numbers: Sequence[int]) -> list[int]:
    return subject_ids(engine, [(People.group(n), People.ref(n)) for n in numbers])


def read_audited(hogo: Hogo, people: People, numbers: Sequence[int]) -> None:
    """One read through the guard per subject, audited as any read is."""
    for n, subject_id in zip(numbers, ids_of(hogo.engine, numbers), strict=True):
        purpose, categories = people.read_purpose[People.group(n)]
        hogo.access.read(ACTOR, subject_id, categories, purpose)


# -- build -----------------------------------------------------------------------------------


def policy_digest() -> str:
    return hashlib.sha256(POLICY.read_bytes()).hexdigest()[:16]


def wanted_stamp(database: Database) -> dict[str, Any]:
    return {
        "format": STAMP_FORMAT,
        "subjects": database.subjects,
        "items_per_subject": ITEMS_PER_SUBJECT,
        "policy": policy_digest(),
    }


def is_built(database: Database) -> bool:
    """The stamp matches and the database still holds the build's last subject."""
    if not database.stamp.exists():
        return False
    stamp = json.loads(database.stamp.read_text())
    if {k: stamp.get(k) for k in wanted_stamp(database)} != wanted_stamp(database):
        return False
    if database.name == "sqlite" and not Path(database.label).exists():
        return False
    last = database.subjects - 1
    engine = make_engine(database.url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                select(subjects.c.id).where(
                    subjects.c.subject_group == People.group(last),
                    subjects.c.ref == People.ref(last),
                )
            ).first()
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return found is not None


def build(database: Database) -> dict[str, Any]:
    """Reset the database and fill it; how long the parts took."""
    reset(database)
    started = time.perf_counter()
    with open_bench(database) as hogo:
        people = People(hogo.policy)
        for start in range(0, database.subjects, BATCH):
            numbers = range(start, min(start + BATCH, database.subjects))
            populate(hogo.engine, hogo.vault, ACTOR, people.batch(numbers))
            report(f"{database.name}: {numbers.stop:,}/{database.subjects:,} subjects")
        ingest_seconds = time.perf_counter() - started
        read_audited(hogo, people, list(range(0, database.subjects, READ_EVERY)))
        if hogo.engine.dialect.name == "postgresql":
            with hogo.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
    seconds = time.perf_counter() - started
    stamp = {**wanted_stamp(database), "built_at": dt.datetime.now(dt.UTC).isoformat()}
    stamp.update(ingest_seconds=round(ingest_seconds, 1), seconds=round(seconds, 1))
    database.stamp.write_text(json.dumps(stamp, indent=2) + "\n")
    done(f"{database.name}: built {database.subjects:,} subjects in {seconds:.0f} s")
    return stamp


def ensure_built(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    CACHE.mkdir(parents=True, exist_ok=True)
    create_key_file(CACHE / "master.key")
    if args.skip_build:
        if not is_built(database):
            raise SystemExit(f"{database.name}: no build of {database.subjects:,} subjects")
        return dict(json.loads(database.stamp.read_text()), reused=True)
    if is_built(database) and not args.rebuild:
        return dict(json.loads(database.stamp.read_text()), reused=True)
    return dict(build(database), reused=False)
