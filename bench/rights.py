"""Rights requests on a large vault: disclosure latency, erasures, and API throughput.

One vault of ``--subjects`` subjects with ten items each (default 1,000,000 subjects,
10,000,000 items), built from the example policy's subject groups, categories and purposes
(customers 70 %, client contacts 12 %, resignees 10 %, applicants 8 %), on SQLite (a file) and
on PostgreSQL (database ``hogo_bench_<subjects>``, or a schema of that name when the server
refuses CREATE DATABASE). Subjects go in through ``hogo.services.populate`` (``Vault.ingest``,
10,000 subjects a transaction; COPY on PostgreSQL) with consent choices for 40 % of those whose
group has consent purposes; every 1,000th subject is read once through the guard, so the audit
log holds reads. The build is kept under ``bench/.cache/`` and reused while its stamp matches;
``--rebuild`` drops and builds it again. PostgreSQL is ANALYZEd after the build (autovacuum
would do the same); SQLite gets nothing hogo does not do itself.

Sections (``--section``, repeatable; all by default):

- disclosure: ``--samples`` random subjects, each read once through the guard beforehand
  (untimed), then each asked for a disclosure through the services:
  ``submit → verify → fulfil → answer``, timed whole and ``fulfil`` alone (the disclosure:
  assemble, render the zip, seal it). Target: p95 ≤ 50 ms.
- erasure: ``--erasures`` fresh applicants (no legal floor keeps their items) are ingested
  (untimed), then each erased through the services: ``submit(ground no_longer_needed) →
  verify → fulfil``, timed as a whole; afterwards every one is checked gone (no items, data key
  empty, reference replaced, tombstone written, request fulfilled). Target: 10,000 in ≤ 60 s.
- api: uvicorn serves ``create_app`` over the same database exactly as ``hogo serve`` builds
  it (one process, one worker, access log on), then two such processes on two ports
  (``--processes``); ``--uvicorn-workers N`` adds a run of one ``uvicorn --workers N``, which
  loses TCP_NODELAY (uvicorn issue #3149) and so waits ~43 ms on every keep-alive request.
  This process drives the servers with ``--clients`` concurrent asyncio clients (httpx2), each
  on its own connection, over HTTP with an API key: each verified disclosure is
  ``POST /v1/requests``, ``POST …/verify``, ``POST …/fulfil``, ``GET …/answer`` (the zip
  checked). The first five seconds are not counted. Target: ≥ 300 verified disclosures per
  second. Client and servers share the machine's CPUs; the servers' CPU time is reported.

Peer figures: Fides 2.78 handles about 3 requests/s, takes 0.72 s for one access request over
two tables and 1.4 s for one erasure, as published by others on a comparable machine. Fides is
not installed here; the ratios are against those published figures, not a side-by-side run.

    .venv/bin/python bench/rights.py                    # 1,000,000 subjects, both databases
    .venv/bin/python bench/rights.py --quick            # 20,000 subjects, about two minutes
    .venv/bin/python bench/rights.py --only sqlite --section api --skip-build

Writes bench/results/rights.json and rights.md (rights-quick.* with ``--quick``) and prints the
tables. ``HOGO_BENCH_POSTGRES_URL`` names the PostgreSQL server (default: the local ``test``
database as user postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import platform
import random
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx2
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from hogo import __version__
from hogo.auth.keys import KeyVerifier, create_key
from hogo.policy.model import Policy
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.populate import populate
from hogo.services.synthetic import SyntheticBatch, SyntheticConsent
from hogo.settings import Settings
from hogo.store.engine import make_engine, normalise_url
from hogo.store.tables import erasures, items, requests, subjects
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.keys import create_key_file
from hogo.web.app import create_app

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
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
ERASE_GROUP = "applicants"
ERASE_GROUND = "no_longer_needed"
TARGET_P95_MS = 50.0
TARGET_ERASURES = 10_000
TARGET_ERASURE_SECONDS = 60.0
TARGET_API_PER_S = 300.0


@dataclass(frozen=True)
class Peer:
    name: str
    requests_per_s: float
    access_request_s: float  # one access request over two tables
    erasure_s: float
    source: str


FIDES = Peer(
    name="Fides 2.78",
    requests_per_s=3.0,
    access_request_s=0.72,
    erasure_s=1.4,
    source="published figures measured by others on a comparable machine; Fides is not "
    "installed here, so these are ratios against those figures, not a side-by-side run",
)
DEFAULTS = {"subjects": 1_000_000, "samples": 500, "erasures": 10_000, "api_seconds": 30.0}
QUICK = {"subjects": 20_000, "samples": 200, "erasures": 1_000, "api_seconds": 8.0}
WARM_UP = 5  # requests (service path) or seconds (API) not counted


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


def _admin_engine() -> Engine:
    return create_engine(normalise_url(ADMIN_URL), isolation_level="AUTOCOMMIT")


def postgres_database(subjects: int) -> Database:
    """A database of its own if the server lets us create one, else a schema of ``test``."""
    name = f"hogo_bench_{subjects}"
    admin = _admin_engine()
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
    admin = _admin_engine()
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


def server_environment(database: Database) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOGO_")}
    settings = settings_for(database)
    env.update(
        HOGO_DATABASE_URL=settings.database_url,
        HOGO_POLICY_PATH=str(settings.policy_path),
        HOGO_KEY_FILE=str(settings.key_file),
        HOGO_SUPPRESSION_FILE=str(database.suppression),
        HOGO_MAIL_URL="memory://",
    )
    return env


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


def read_audited(hogo: Hogo, people: People, numbers: Sequence[int]) -> None:
    """One read through the guard per subject, audited as any read is."""
    for n, subject_id in zip(numbers, ids_of(hogo.engine, numbers), strict=True):
        purpose, categories = people.read_purpose[People.group(n)]
        hogo.access.read(ACTOR, subject_id, categories, purpose)


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


# -- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def latency(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(sum(ms) / len(ms), 2),
        "max_ms": round(max(ms), 2),
    }


# -- disclosure ------------------------------------------------------------------------------


def one_disclosure(hogo: Hogo, subject_id: int) -> tuple[float, float, dict[str, Any]]:
    """submit → verify → fulfil → answer; (whole seconds, fulfil seconds, work detail)."""
    started = time.perf_counter()
    request_id = hogo.requests.submit(ACTOR, subject_id, "disclosure", "appi")
    hogo.requests.verify(ACTOR, request_id)
    fulfil_started = time.perf_counter()
    outcome = hogo.fulfilment.fulfil(ACTOR, request_id)
    fulfil_seconds = time.perf_counter() - fulfil_started
    answer = hogo.fulfilment.answer(ACTOR, request_id)
    seconds = time.perf_counter() - started
    if outcome.status != "fulfilled" or not answer.data.startswith(b"PK"):
        raise SystemExit(f"disclosure of subject {subject_id} failed: {outcome}")
    return seconds, fulfil_seconds, dict(outcome.detail)


def disclosure_section(hogo: Hogo, database: Database, samples: int, seed: int) -> dict[str, Any]:
    people = People(hogo.policy)
    numbers = random.Random(seed).sample(range(database.subjects), samples + WARM_UP)
    read_audited(hogo, people, numbers)
    ids = ids_of(hogo.engine, numbers)
    for subject_id in ids[:WARM_UP]:
        one_disclosure(hogo, subject_id)
    whole, fulfil, details = [], [], []
    cpu = time.process_time()
    for count, subject_id in enumerate(ids[WARM_UP:], start=1):
        seconds, fulfil_seconds, detail = one_disclosure(hogo, subject_id)
        whole.append(seconds)
        fulfil.append(fulfil_seconds)
        details.append(detail)
        if count % 50 == 0:
            report(f"{database.name}: disclosure {count}/{samples}")
    cpu_ms = (time.process_time() - cpu) / samples * 1000
    done(f"{database.name}: {samples} disclosures")
    mix = {
        key: round(sum(d[key] for d in details) / len(details), 2)
        for key in ("items", "consents", "purposes", "reads", "bytes")
    }
    mix["with_consents"] = sum(1 for d in details if d["consents"])
    return {
        "request": latency(whole),
        "fulfil": latency(fulfil),
        "bench_cpu_ms_per_request": round(cpu_ms, 2),
        "mean_contents": mix,
    }


# -- erasure ---------------------------------------------------------------------------------


def erasure_subjects(hogo: Hogo, count: int) -> list[int]:
    """``count`` new applicants, ten items each, refs unique to this run."""
    people = People(hogo.policy)
    run = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    keys = [(ERASE_GROUP, f"erase-{run}-{n:06d}") for n in range(count)]
    for start in range(0, count, BATCH):
        batch = [
            people.subject(n, group, ref)
            for n, (group, ref) in enumerate(keys[start : start + BATCH], start=start)
        ]
        populate(hogo.engine, hogo.vault, ACTOR, SyntheticBatch(batch, []))
    return subject_ids(hogo.engine, keys)


def erase_all(hogo: Hogo, database: Database, ids: Sequence[int]) -> tuple[float, float, list[int]]:
    """Erase each subject through the services; (seconds, CPU seconds here, request ids)."""
    request_ids = []
    started, cpu = time.perf_counter(), time.process_time()
    for count, subject_id in enumerate(ids, start=1):
        request_id = hogo.requests.submit(ACTOR, subject_id, "erasure", "appi", ground=ERASE_GROUND)
        hogo.requests.verify(ACTOR, request_id)
        outcome = hogo.fulfilment.fulfil(ACTOR, request_id)
        if outcome.status != "fulfilled":
            raise SystemExit(f"erasure of subject {subject_id} was {outcome.status}: {outcome}")
        request_ids.append(request_id)
        if count % 100 == 0:
            report(f"{database.name}: erasure {count:,}/{len(ids):,}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    done(f"{database.name}: {len(ids):,} erasures in {seconds:.1f} s")
    return seconds, cpu, request_ids


def gone(engine: Engine, ids: Sequence[int], request_ids: Sequence[int]) -> int:
    """How many of the subjects are verifiably erased, looked at from the tables."""
    erased = set()
    with engine.connect() as connection:
        for chunk, request_chunk in zip(chunks(ids, 500), chunks(request_ids, 500), strict=True):
            wanted = list(chunk)
            rows = connection.execute(
                select(
                    subjects.c.id, subjects.c.status, subjects.c.ref, subjects.c.wrapped_key
                ).where(subjects.c.id.in_(wanted))
            )
            shredded = {
                r.id
                for r in rows
                if r.status == "erased" and r.ref == f"erased:{r.id}" and not bytes(r.wrapped_key)
            }
            counted = select(items.c.subject_id, func.count()).where(items.c.subject_id.in_(wanted))
            holding = {r[0] for r in connection.execute(counted.group_by(items.c.subject_id))}
            tombstoned = set(
                connection.execute(
                    select(erasures.c.subject_id).where(erasures.c.subject_id.in_(wanted))
                ).scalars()
            )
            closed = connection.execute(
                select(requests.c.subject_id).where(
                    requests.c.id.in_(list(request_chunk)), requests.c.status == "fulfilled"
                )
            )
            erased |= (shredded & tombstoned & set(closed.scalars())) - holding
    return len(erased)


def erasure_section(hogo: Hogo, database: Database, count: int) -> dict[str, Any]:
    ids = erasure_subjects(hogo, count)
    seconds, cpu, request_ids = erase_all(hogo, database, ids)
    verified = gone(hogo.engine, ids, request_ids)
    if verified != count:
        raise SystemExit(f"{database.name}: only {verified} of {count} subjects are gone")
    rate = count / seconds
    return {
        "erasures": count,
        "seconds": round(seconds, 2),
        "erasures_per_s": round(rate, 1),
        "seconds_per_10000": round(TARGET_ERASURES / rate, 1),
        "mean_ms": round(seconds / count * 1000, 2),
        "bench_cpu_ms_per_erasure": round(cpu / count * 1000, 2),
        "verified_gone": verified,
        "items_erased": count * ITEMS_PER_SUBJECT,
    }


# -- API -------------------------------------------------------------------------------------


def serve_app() -> FastAPI:
    """What ``hogo serve`` builds (settings from HOGO_*), for uvicorn ``--factory``."""
    settings = Settings()
    hogo = open_hogo(settings.database_url, settings.policy_path, settings=settings)
    return create_app(hogo, KeyVerifier(hogo.engine))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Layout:
    """How the API is served: ``processes`` uvicorn processes of ``workers`` workers each."""

    processes: int
    workers: int = 1

    @property
    def label(self) -> str:
        if self.workers > 1:
            return f"1 uvicorn --workers {self.workers}"
        each = "`hogo serve`" if self.processes == 1 else "`hogo serve` processes"
        return f"{self.processes} {each}"


@contextlib.contextmanager
def server(database: Database, workers: int, log_name: str) -> Iterator[tuple[str, int]]:
    """uvicorn on a free port, as ``hogo serve`` runs it; its base URL and process id."""
    port = free_port()
    log = (CACHE / f"{database.stem}-{log_name}.log").open("w")
    command = [sys.executable, "-m", "uvicorn", "rights:serve_app", "--factory"]
    command += ["--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "info"]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command, env=server_environment(database), stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.contextmanager
def servers(database: Database, layout: Layout) -> Iterator[list[tuple[str, int]]]:
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(server(database, layout.workers, f"api-{layout.processes}-{n}"))
            for n in range(layout.processes)
        ]


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}); see bench/.cache")
        with contextlib.suppress(httpx2.HTTPError):
            if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not answer /health within 120 s")


def api_key(hogo: Hogo) -> str:
    with hogo.engine.begin() as connection:
        return create_key(
            connection,
            ACTOR.role,
            label="bench/rights.py",
            roles_known=list(hogo.policy.roles),
            now=dt.datetime.now(dt.UTC),
            actor=ACTOR.id,
        )


async def verified_disclosure(client: httpx2.AsyncClient, subject_id: int) -> None:
    """One request from receipt to the downloaded answer; raises on anything unexpected."""
    body = {"subject_id": subject_id, "kind": "disclosure", "regime": "appi"}
    submitted = (await client.post("/v1/requests", json=body)).raise_for_status()
    request_id = submitted.json()["id"]
    (await client.post(f"/v1/requests/{request_id}/verify")).raise_for_status()
    fulfilled = (await client.post(f"/v1/requests/{request_id}/fulfil")).raise_for_status()
    if fulfilled.json()["status"] != "fulfilled":
        raise RuntimeError(f"request {request_id} closed as {fulfilled.json()['status']}")
    answer = (await client.get(f"/v1/requests/{request_id}/answer")).raise_for_status()
    if not answer.content.startswith(b"PK"):
        raise RuntimeError(f"request {request_id}: the answer is not a zip")


@dataclass
class Drive:
    done: list[tuple[float, float]]  # (started, seconds) of each verified disclosure
    failures: list[str]


async def client_loop(
    client: httpx2.AsyncClient, subject_ids: Iterator[int], until: float, drive: Drive
) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            await verified_disclosure(client, next(subject_ids))
        except (httpx2.HTTPError, RuntimeError, KeyError, ValueError) as error:
            drive.failures.append(f"{type(error).__name__}: {error}"[:300])
            continue
        drive.done.append((started, time.perf_counter() - started))


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return total


async def cpu_mark(at: float, pids: Sequence[int], marks: list[tuple[float, float]]) -> None:
    """At ``at``, the servers' CPU seconds so far and this process's."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    marks.append((sum(tree_cpu_seconds(pid) for pid in pids), time.process_time()))


async def drive_server(
    running: Sequence[tuple[str, int]], key: str, ids: Sequence[int], args: argparse.Namespace
) -> dict[str, Any]:
    """``args.clients`` clients, spread evenly over the servers, each with its connection."""
    drive = Drive([], [])
    marks: list[tuple[float, float]] = []
    pids = [pid for _, pid in running]
    headers = {"Authorization": f"Bearer {key}"}
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx2.AsyncClient(
                    base_url=running[n % len(running)][0], headers=headers, timeout=60
                )
            )
            for n in range(args.clients)
        ]
        measured_from = time.perf_counter() + WARM_UP
        until = measured_from + args.api_seconds
        subject_ids = cycle(ids)
        await asyncio.gather(
            cpu_mark(measured_from, pids, marks),
            *(client_loop(client, subject_ids, until, drive) for client in clients),
        )
        window = time.perf_counter() - measured_from
        await cpu_mark(0.0, pids, marks)
    counted = [s for started, s in drive.done if started >= measured_from]
    (server_start, client_start), (server_end, client_end) = marks
    cpu = (server_end - server_start, client_end - client_start)
    return api_figures(args.clients, window, counted, drive.failures, cpu)


def api_figures(
    clients: int,
    window: float,
    counted: Sequence[float],
    failures: Sequence[str],
    cpu: tuple[float, float],
) -> dict[str, Any]:
    rate = len(counted) / window
    per = max(len(counted), 1)
    return {
        "clients": clients,
        "seconds": round(window, 2),
        "verified_disclosures": len(counted),
        "per_s": round(rate, 1),
        "http_requests_per_s": round(4 * rate, 1),
        "latency": latency(counted) if counted else {},
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "server_cpu_ms_per_disclosure": round(cpu[0] / per * 1000, 2),
        "client_cpu_ms_per_disclosure": round(cpu[1] / per * 1000, 2),
        "server_cores_busy": round(cpu[0] / window, 2),
        "client_cores_busy": round(cpu[1] / window, 2),
        "ratio_to_fides": round(rate / FIDES.requests_per_s, 1),
    }


def api_section(
    hogo: Hogo, database: Database, args: argparse.Namespace, seed: int
) -> list[dict[str, Any]]:
    key = api_key(hogo)
    numbers = random.Random(seed + 1).sample(range(database.subjects), 2_000)
    ids = ids_of(hogo.engine, numbers)
    layouts = [Layout(processes) for processes in args.processes]
    if args.uvicorn_workers > 1:
        layouts.append(Layout(1, args.uvicorn_workers))
    runs = []
    for layout in layouts:
        with servers(database, layout) as running:
            result = asyncio.run(drive_server(running, key, ids, args))
        result.update(processes=layout.processes, workers=layout.workers, layout=layout.label)
        runs.append(result)
        done(
            f"{database.name}: API, {layout.label}: {result['per_s']:.1f} verified "
            f"disclosures/s, {result['failures']} failures"
        )
    return runs


# -- report ----------------------------------------------------------------------------------


def postgres_version() -> str | None:
    try:
        admin = _admin_engine()
        with admin.connect() as connection:
            found = connection.execute(text("SHOW server_version")).scalar_one()
        admin.dispose()
        return str(found)
    except SQLAlchemyError:
        return None


def git_commit() -> str | None:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or None


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
        "hogo": __version__,
        "commit": git_commit(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "date": dt.date.today().isoformat(),
    }


def targets(results: dict[str, Any]) -> dict[str, bool]:
    met: dict[str, bool] = {}
    for name, figures in results.items():
        if "disclosure" in figures:
            disclosure = figures["disclosure"]
            met[f"{name}.disclosure_request_p95"] = disclosure["request"]["p95_ms"] <= TARGET_P95_MS
            met[f"{name}.disclosure_fulfil_p95"] = disclosure["fulfil"]["p95_ms"] <= TARGET_P95_MS
        if "erasure" in figures:
            per_10000 = figures["erasure"]["seconds_per_10000"]
            met[f"{name}.erasure_10000"] = per_10000 <= TARGET_ERASURE_SECONDS
        for run in figures.get("api", []):
            layout = f"{run['processes']}x{run['workers']}"
            met[f"{name}.api_{layout}"] = run["per_s"] >= TARGET_API_PER_S
    return met


def disclosure_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| database | timed | n | p50 ms | p95 ms | p99 ms | mean ms | ≤ 50 ms p95 |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    notes = [
        "",
        "Python CPU time of this process per request (database server time not included): "
        + ", ".join(
            f"{name} {figures['disclosure'].get('bench_cpu_ms_per_request')} ms"
            for name, figures in results.items()
            if "disclosure" in figures
        )
        + ".",
    ]
    paths = (
        ("request", "submit → verify → fulfil → answer"),
        ("fulfil", "fulfil alone (the disclosure)"),
    )
    for name, figures in results.items():
        if "disclosure" not in figures:
            continue
        for key, label in paths:
            f = figures["disclosure"][key]
            met = "yes" if f["p95_ms"] <= TARGET_P95_MS else "**no**"
            lines.append(
                f"| {name} | {label} | {f['n']} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | "
                f"{f['p99_ms']:.1f} | {f['mean_ms']:.1f} | {met} |"
            )
    return lines + notes


def erasure_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| database | erasures | seconds | erasures/s | s per 10,000 | mean ms | "
        "Python CPU ms each | verified gone | ≤ 60 s | Fides 1.4 s ÷ hogo mean |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, figures in results.items():
        if "erasure" not in figures:
            continue
        e = figures["erasure"]
        met = "yes" if e["seconds_per_10000"] <= TARGET_ERASURE_SECONDS else "**no**"
        speedup = FIDES.erasure_s / (e["mean_ms"] / 1000)
        lines.append(
            f"| {name} | {e['erasures']:,} | {e['seconds']:.1f} | {e['erasures_per_s']:,.0f} | "
            f"{e['seconds_per_10000']:.1f} | {e['mean_ms']:.2f} | "
            f"{e.get('bench_cpu_ms_per_erasure')} | {e['verified_gone']:,} | "
            f"{met} | {speedup:,.0f}× |"
        )
    return lines


def api_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| database | served by | clients | verified disclosures | disclosures/s | "
        "HTTP requests/s | p50 ms | p95 ms | failures | server CPU ms each | server cores busy | "
        "client cores busy | ≥ 300/s | ÷ Fides 3/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, figures in results.items():
        for run in figures.get("api", []):
            met = "yes" if run["per_s"] >= TARGET_API_PER_S else "**no**"
            lat = run["latency"] or {"p50_ms": float("nan"), "p95_ms": float("nan")}
            lines.append(
                f"| {name} | {run['layout']} | {run['clients']} | "
                f"{run['verified_disclosures']:,} | {run['per_s']:.1f} | "
                f"{run['http_requests_per_s']:.0f} | "
                f"{lat['p50_ms']:.0f} | {lat['p95_ms']:.0f} | {run['failures']} | "
                f"{run['server_cpu_ms_per_disclosure']:.1f} | {run['server_cores_busy']:.2f} | "
                f"{run['client_cores_busy']:.2f} | {met} | {run['ratio_to_fides']:.1f}× |"
            )
    return lines


def peer_lines(results: dict[str, Any]) -> list[str]:
    lines = [
        f"Peer: {FIDES.name} — about {FIDES.requests_per_s:.0f} requests/s, "
        f"{FIDES.access_request_s} s for one access request over two tables, "
        f"{FIDES.erasure_s} s for one erasure ({FIDES.source})."
    ]
    for name, figures in results.items():
        if "disclosure" in figures:
            p50 = figures["disclosure"]["request"]["p50_ms"] / 1000
            speedup = FIDES.access_request_s / p50
            lines.append(
                f"- {name}: one disclosure request (service path, p50) {p50 * 1000:.1f} ms, "
                f"{speedup:,.0f}× faster than {FIDES.name}'s {FIDES.access_request_s} s"
            )
    return lines


API_NOTES = [
    "`hogo serve` runs one uvicorn process with one worker (it hands uvicorn an app object, "
    "so it cannot fork workers). *2 `hogo serve` processes* are two such processes on two "
    "ports, the clients spread evenly over them, as two instances behind a load balancer. "
    "*uvicorn --workers N* (only with `--uvicorn-workers N`) binds the socket without "
    "IPPROTO_TCP, so accepted connections miss TCP_NODELAY and every keep-alive request waits "
    "about 43 ms for a delayed ACK (uvicorn issue #3149). Server CPU is user + system time of "
    "the server processes over the measured window, per verified disclosure (four HTTP "
    "requests); 2 CPUs can give at most 2,000 ms / that figure per second.",
]


def markdown(data: dict[str, Any]) -> str:
    results = data["results"]
    env = data["environment"]
    header = [
        f"# Rights requests: {data['subjects']:,} subjects × {ITEMS_PER_SUBJECT} items",
        "",
        f"`{data['command']}` — Python {env['python']}, SQLite {env['sqlite']}, "
        f"PostgreSQL {env['postgresql']}, {env['cpus']} CPUs, load {env['load_average_1min']}, "
        f"{env['date']}, commit {env['commit']}",
        "",
        "Load average before each database: "
        + ", ".join(
            f"{name} {figures.get('load_average_1min_before')}" for name, figures in results.items()
        )
        + " (other work on the machine shares the CPUs).",
        "",
    ]
    sections = []
    if any("disclosure" in f for f in results.values()):
        sections += ["## Disclosure of one subject", "", *disclosure_table(results), ""]
    if any("erasure" in f for f in results.values()):
        sections += ["## Erasures (ground no_longer_needed)", "", *erasure_table(results), ""]
    if any(f.get("api") for f in results.values()):
        sections += [
            "## API throughput (uvicorn over HTTP, API key; client on the same CPUs)",
            "",
            *api_table(results),
            "",
            *API_NOTES,
            "",
        ]
    return "\n".join([*header, *sections, *peer_lines(results)]) + "\n"


def merged(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Keep sections of an earlier run of the same size that this run did not repeat."""
    if not path.exists():
        return data
    earlier = json.loads(path.read_text())
    if earlier.get("subjects") != data["subjects"]:
        return data
    results = earlier.get("results", {})
    for name, figures in data["results"].items():
        results[name] = {**results.get(name, {}), **figures}
    return {**data, "results": results, "targets_met": targets(results)}


def write_results(args: argparse.Namespace, data: dict[str, Any]) -> str:
    name = "rights-quick" if args.quick else "rights"
    args.out.mkdir(parents=True, exist_ok=True)
    data = merged(args.out / f"{name}.json", data)
    (args.out / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    text_ = markdown(data)
    (args.out / f"{name}.md").write_text(text_)
    return text_


# -- main ------------------------------------------------------------------------------------


def run_database(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {"database": database.label, "build": ensure_built(database, args)}
    # Other work on the machine shows here: 2.0 on two CPUs means they were already busy.
    figures["load_average_1min_before"] = round(os.getloadavg()[0], 2)
    with open_bench(database) as hogo:
        if "disclosure" in args.section:
            figures["disclosure"] = disclosure_section(hogo, database, args.samples, args.seed)
        if "erasure" in args.section:
            figures["erasure"] = erasure_section(hogo, database, args.erasures)
        if "api" in args.section:
            figures["api"] = api_section(hogo, database, args, args.seed)
    figures["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    return figures


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 subjects, short runs")
    parser.add_argument("--subjects", type=int, help="default 1,000,000 (quick: 20,000)")
    parser.add_argument("--samples", type=int, help="disclosures timed (default 500)")
    parser.add_argument("--erasures", type=int, help="erasures timed (default 10,000)")
    parser.add_argument("--api-seconds", type=float, help="measured seconds per API run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent API clients")
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2],
        help="API runs: this many `hogo serve`-style uvicorn processes (default: 1, then 2)",
    )
    parser.add_argument(
        "--uvicorn-workers",
        type=int,
        default=0,
        help="also one uvicorn --workers N run (N > 1; see the docstring on TCP_NODELAY)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--section", action="append", choices=("disclosure", "erasure", "api"), default=None
    )
    parser.add_argument("--skip-build", action="store_true", help="use the cached build as is")
    parser.add_argument("--rebuild", action="store_true", help="build again even if cached")
    parser.add_argument("--seed", type=int, default=20250401)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else DEFAULTS
    for name, default in sizes.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    args.section = args.section or ["disclosure", "erasure", "api"]
    return args


def main() -> None:
    args = parse()
    databases = []
    if args.only in (None, "sqlite"):
        databases.append(sqlite_database(args.subjects))
    if args.only in (None, "postgresql"):
        databases.append(postgres_database(args.subjects))
    results = {database.name: run_database(database, args) for database in databases}
    data = {
        "command": " ".join(["python bench/rights.py", *sys.argv[1:]]),
        "mode": "quick" if args.quick else "full",
        "subjects": args.subjects,
        "items_per_subject": ITEMS_PER_SUBJECT,
        "sections": args.section,
        "results": results,
        "targets": {
            "disclosure_p95_ms": TARGET_P95_MS,
            "erasures": TARGET_ERASURES,
            "erasure_seconds": TARGET_ERASURE_SECONDS,
            "api_verified_disclosures_per_s": TARGET_API_PER_S,
        },
        "targets_met": targets(results),
        "peer": asdict(FIDES),
        "environment": environment(),
    }
    print(write_results(args, data))


if __name__ == "__main__":
    main()
