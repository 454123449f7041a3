"""Provision at scale: ``provide`` of 100,000 people × 6 categories to one processor as Parquet,
with 100,000 records written, on SQLite and PostgreSQL; next to it, in the same run, Polars
writing the same Parquet file alone (the peer). Then the records of one person among
10,000,000 records of provision: p95 of ``records_of``.

Targets (issue 5): provide ≤ 10 s on each database and ≥ 0.3× the speed of Polars alone
(reported as the ratio of the two times); records of one person p95 ≤ 20 ms.

    python bench/provide.py [--people 100000] [--records 10000000] [--rebuild]

The vault build (people and items) is kept in bench/.cache/ and reused; the 10M records are
written once per build, through the same bulk path ``provide`` uses. Writes
bench/results/provide.json and provide.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import func, insert, select

from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.provision.basis import Order
from hogo.services.provision.provide import Delivery, People
from hogo.services.provision.recipients import FactsInput
from hogo.services.provision.records import insert_records, records_of
from hogo.store.tables import provision_records, provisions, subjects
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.keys import create_key_file
from rights_data import CACHE, HERE, Database, done, open_bench, report, reset, value
from rights_data import postgres_database as rights_postgres
from rights_data import sqlite_database as rights_sqlite
from rights_report import environment

ACTOR = Actor("bench:privacy-office", "privacy_office")
RECIPIENT = "customer_management_system"
PURPOSE = "membership_service"
CATEGORIES = ("name", "birth_date", "gender", "address", "phone", "email")
TARGET_SECONDS = 10.0
TARGET_RATIO = 0.3
TARGET_P95_MS = 20.0
BATCH = 10_000
LOOKUPS = 500
RESULTS = HERE / "results"


@dataclass(frozen=True)
class ProvideDatabase(Database):
    @property
    def stem(self) -> str:
        return f"provide-{self.name}-{self.subjects}"


def databases(people: int) -> list[ProvideDatabase]:
    found = [rights_sqlite(people), rights_postgres(people)]
    renamed = []
    for database in found:
        label = database.label
        url = database.url
        if database.name == "sqlite":
            path = CACHE / f"provide-sqlite-{people}.db"
            label, url = str(path), f"sqlite:///{path}"
        renamed.append(ProvideDatabase(database.name, url, label, people))
    return renamed


def build(database: ProvideDatabase, people: int, records: int) -> None:
    """People with the six categories, the processor's facts, and ``records`` records."""
    if database.stamp.exists():
        return
    reset(database)
    with open_bench(database) as hogo:
        for start in range(0, people, BATCH):
            batch = [person(n) for n in range(start, min(start + BATCH, people))]
            with hogo.engine.begin() as connection:
                hogo.vault.ingest(connection, batch)
            report(f"{database.name}: {start + len(batch):,} people")
        done(f"{database.name}: {people:,} people with {len(CATEGORIES)} items each")
        hogo.recipients.record(ACTOR, RECIPIENT, facts())
        fill_records(hogo, records)
    database.stamp.write_text(json.dumps({"people": people, "records": records}))


def person(n: int) -> NewSubject:
    return NewSubject(
        group="customers",
        ref=f"bench-{n:08d}",
        items=[NewItem(category, value(category, n), [PURPOSE]) for category in CATEGORIES],
    )


def facts() -> FactsInput:
    return FactsInput(
        legal_name="顧客管理システム株式会社",
        address="東京都千代田区丸の内1-1-1",
        representative="代表取締役 佐藤花子",
        contract_ref="BENCH-1",
        contract_from=dt.date(2020, 1, 1),
        security_terms="Annex: access control, encryption, deletion at the end",
        contract_items=tuple("abcdefgh"),
        supervised_on=dt.date.today(),
    )


def fill_records(hogo: Hogo, records: int) -> None:
    """``records`` records of earlier provisions, 100,000 per provision, over everyone."""
    with hogo.engine.connect() as connection:
        ids = [
            int(i)
            for i in connection.execute(select(subjects.c.id).order_by(subjects.c.id)).scalars()
        ]
    facts = hogo.recipients.status(RECIPIENT).facts
    if facts is None:
        raise SystemExit(f"no facts recorded for {RECIPIENT}")
    facts_id = facts.id
    now = dt.datetime.now(dt.UTC)
    per = min(100_000, len(ids))
    for start in range(0, records, per):
        count = min(per, records - start)
        with hogo.engine.begin() as connection:
            provision_id = connection.execute(
                insert(provisions)
                .values(
                    recipient=RECIPIENT,
                    facts_id=facts_id,
                    purpose=PURPOSE,
                    basis="entrustment",
                    categories=list(CATEGORIES),
                    method="bulk",
                    format="parquet",
                    encrypted=False,
                    file_name="earlier.parquet",
                    file_sha256="0" * 64,
                    people=count,
                    statutory=False,
                    policy_version=hogo.policy.version,
                    provided_at=now,
                    provided_by=ACTOR.id,
                    retain_until=now.replace(year=now.year + 3),
                )
                .returning(provisions.c.id)
            ).scalar_one()
            chosen = ids[:count] if count == len(ids) else random.sample(ids, count)
            insert_records(
                connection, int(provision_id), chosen, {}, now.replace(year=now.year + 3)
            )
        report(f"records: {start + count:,}")
    done(f"records: {records:,}")
    settle(hogo)


def settle(hogo: Hogo) -> None:
    """What autovacuum does to a table that has just taken millions of rows, done now: the
    visibility map that lets PostgreSQL answer from the index alone, and fresh statistics."""
    if hogo.engine.dialect.name != "postgresql":
        with hogo.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        return
    with hogo.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE) provision_records")


def measure_provide(hogo: Hogo, people: int) -> dict[str, Any]:
    order = Order(RECIPIENT, PURPOSE, CATEGORIES, "entrustment")
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        target = Path(folder) / "provided.parquet"
        with hogo.engine.connect() as connection:
            before = connection.execute(
                select(func.count()).select_from(provision_records)
            ).scalar_one()
        started = time.perf_counter()
        provided = hogo.provision.provide(
            ACTOR, order, People(group="customers"), Delivery(target, "parquet", method="bulk")
        )
        seconds = time.perf_counter() - started
        with hogo.engine.connect() as connection:
            after = connection.execute(
                select(func.count()).select_from(provision_records)
            ).scalar_one()
        frame = pl.read_parquet(target)
        size = target.stat().st_size
    peer = polars_alone(frame)
    return {
        "people": provided.people,
        "records_written": int(after - before),
        "rows_in_file": frame.height,
        "file_bytes": size,
        "seconds": round(seconds, 3),
        "polars_alone_seconds": round(peer, 4),
        "ratio": round(peer / seconds, 4),
        "target_seconds_met": seconds <= TARGET_SECONDS,
        "target_ratio_met": peer / seconds >= TARGET_RATIO,
    }


def polars_alone(frame: pl.DataFrame) -> float:
    """The peer: the same frame written as the same Parquet file, best of three."""
    times = []
    for _ in range(3):
        buffer = io.BytesIO()
        started = time.perf_counter()
        frame.write_parquet(buffer, compression="zstd")
        times.append(time.perf_counter() - started)
    return min(times)


def measure_records(hogo: Hogo, lookups: int) -> dict[str, Any]:
    with hogo.engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(provision_records)).scalar_one()
        ids = [int(i) for i in connection.execute(select(subjects.c.id)).scalars()]
    chosen = random.sample(ids, min(lookups, len(ids)))
    times: list[float] = []
    found = 0
    with hogo.engine.connect() as connection:
        for subject_id in chosen:
            started = time.perf_counter()
            found += len(records_of(connection, subject_id))
            times.append((time.perf_counter() - started) * 1000)
    return {
        "records_in_table": int(total),
        "lookups": len(chosen),
        "records_per_person": round(found / len(chosen), 1),
        "p50_ms": round(percentile(times, 50), 3),
        "p95_ms": round(percentile(times, 95), 3),
        "target_met": percentile(times, 95) <= TARGET_P95_MS,
    }


def percentile(values: Sequence[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def met(flag: bool) -> str:
    return "met" if flag else "not met"


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# Provision at scale",
        "",
        f"`python bench/provide.py --people {args.people} --records {args.records}` — provide "
        f"{args.people:,} people × {len(CATEGORIES)} categories ({', '.join(CATEGORIES)}) to the "
        f"processor `{RECIPIENT}` for `{PURPOSE}` as Parquet (zstd), every person checked by the "
        "guard, decrypted, written, and recorded in one transaction. Peer, in the same run: "
        "Polars writing the same frame as the same Parquet file alone (best of three).",
        "",
        "| database | people | records written | provide s | Polars alone s "
        "| ratio (speed vs Polars) | ≤ 10 s | ≥ 0.3× |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        p = r["provide"]
        lines.append(
            f"| {r['database']} | {p['people']:,} | {p['records_written']:,} | {p['seconds']} | "
            f"{p['polars_alone_seconds']} | {p['ratio']}× | {met(p['target_seconds_met'])} | "
            f"{met(p['target_ratio_met'])} |"
        )
    lines += [
        "",
        f"Records of provision of one person, {LOOKUPS} random people (`records_of`: the person's "
        "records joined with their provisions and the recipient's facts):",
        "",
        "| database | records in table | records per person | p50 ms | p95 ms | ≤ 20 ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        q = r["records"]
        lines.append(
            f"| {r['database']} | {q['records_in_table']:,} | {q['records_per_person']} | "
            f"{q['p50_ms']} | {q['p95_ms']} | {met(q['target_met'])} |"
        )
    env = environment()
    lines += ["", f"Machine: {env['platform']}, {env['cpus']} CPUs."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    create_key_file(CACHE / "master.key")
    results = []
    for database in databases(args.people):
        if args.rebuild:
            database.stamp.unlink(missing_ok=True)
        build(database, args.people, args.records)
        with open_bench(database) as hogo:
            provided = measure_provide(hogo, args.people)
            done(f"{database.name}: provide {provided['seconds']} s")
            looked_up = measure_records(hogo, LOOKUPS)
            done(f"{database.name}: records p95 {looked_up['p95_ms']} ms")
        results.append({"database": database.name, "provide": provided, "records": looked_up})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "provide.json").write_text(
        json.dumps({"results": results, "environment": environment()}, indent=2)
    )
    (RESULTS / "provide.md").write_text(markdown(results, args))
    print(markdown(results, args))


if __name__ == "__main__":
    main()
