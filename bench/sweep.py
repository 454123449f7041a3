"""The retention sweep at scale: 1,000,000 expired items out of 10,000,000, on SQLite and on
PostgreSQL; next to it, in the same run, a bare ``DELETE FROM items WHERE retain_until <= now``
on an identical copy of the same table (the peer).

Targets (issue 6): ≥ 200,000 items/s, and ≥ 0.5× the bare DELETE (reported as a ratio); on
PostgreSQL, two sweepers at once (two processes, as on two hosts) together no slower than one,
and no item handled twice.

    python bench/sweep.py [--items 10000000] [--expired-share 0.1] [--rebuild]

A pristine database is built once and kept in bench/.cache/; each run sweeps a fresh copy of
it (a file copy for SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL), so the sweep and
the DELETE start from the same rows. The sweep does what ``hogo sweep`` does: claims due items
a chunk at a time, writes them to the suppression list (fsynced), deletes them and logs the
chunk, each chunk in its own transaction. Writes bench/results/sweep.json and sweep.md (at
another --items, sweep-N.json and sweep-N.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.store.engine import normalise_url
from hogo.store.tables import items, sweep_log
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.keys import create_key_file
from rights_data import ADMIN_URL, CACHE, HERE, Database, admin_engine, done, open_bench, report
from rights_report import environment

ACTOR = Actor("bench:privacy-office", "privacy_office")
CATEGORY, PURPOSE = "inquiry_details", "inquiry_handling"  # a rule without a legal floor
ITEMS_PER_SUBJECT = 10
BATCH = 5_000  # subjects per ingest transaction
CHUNK = 5_000  # items per sweep transaction
TARGET_PER_S = 200_000.0
TARGET_RATIO = 0.5
RESULTS = HERE / "results"
# Collected two days ago: the expired items were given a retain_until of a day later, the
# others end with their rule (inquiries: three years from collection).
COLLECTED = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
BUILD_FORMAT = 3  # bump when what build() writes changes; older caches are rebuilt


@dataclass(frozen=True)
class SweepDatabase(Database):
    copy: str = ""  # sqlite: the file; postgresql: the database name

    @property
    def stem(self) -> str:
        return f"sweep-{self.name}-{self.subjects}"


def sqlite_at(path: Path, subjects: int) -> SweepDatabase:
    return SweepDatabase("sqlite", f"sqlite:///{path}", str(path), subjects, str(path))


def postgres_named(name: str, subjects: int) -> SweepDatabase:
    url = make_url(normalise_url(ADMIN_URL)).set(database=name)
    return SweepDatabase(
        "postgresql", url.render_as_string(hide_password=False), name, subjects, name
    )


def pristine(kind: str, subjects: int) -> SweepDatabase:
    if kind == "sqlite":
        return sqlite_at(CACHE / f"sweep-sqlite-{subjects}.db", subjects)
    return postgres_named(f"hogo_sweep_{subjects}", subjects)


def fresh_copy(source: SweepDatabase, role: str) -> SweepDatabase:
    """An identical copy of the pristine database, for the sweep or for the peer."""
    if source.name == "sqlite":
        target = CACHE / f"sweep-sqlite-{source.subjects}-{role}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source.label, target)
        return sqlite_at(target, source.subjects)
    name = f"{source.label}_{role}"
    with admin_engine().connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.label}"'))
    return postgres_named(name, source.subjects)


def build(database: SweepDatabase, total: int, share: float) -> None:
    """Subjects of ten items each; the first ``share`` of each subject's items are expired."""
    if database.stamp.exists():
        stamp = json.loads(database.stamp.read_text())
        if stamp.get("format") == BUILD_FORMAT and stamp.get("share") == share:
            return
    if database.name == "postgresql":
        with admin_engine().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database.label}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database.label}"'))
    else:
        Path(database.label).unlink(missing_ok=True)
    expired_per_subject = round(ITEMS_PER_SUBJECT * share)
    subjects = total // ITEMS_PER_SUBJECT
    with open_bench(database) as hogo:
        for start in range(0, subjects, BATCH):
            batch = [
                person(n, expired_per_subject) for n in range(start, min(start + BATCH, subjects))
            ]
            with hogo.engine.begin() as connection:
                hogo.vault.ingest(connection, batch, now=COLLECTED)
            report(f"{database.name}: {(start + len(batch)) * ITEMS_PER_SUBJECT:,} items")
            if database.name == "postgresql" and start // BATCH % 20 == 19:
                analyse(hogo)
        done(f"{database.name}: {subjects * ITEMS_PER_SUBJECT:,} items")
        if database.name == "postgresql":
            analyse(hogo)
    stamp = {"items": total, "share": share, "format": BUILD_FORMAT}
    database.stamp.write_text(json.dumps(stamp))


def analyse(hogo: Hogo) -> None:
    """Planner statistics, as autovacuum keeps them on a server where it is on (it may be off
    on a test server): without them the growing tables are planned as if empty."""
    with hogo.engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.execute(text("VACUUM ANALYZE items"))
        autocommit.execute(text("ANALYZE subjects"))


def person(n: int, expired: int) -> NewSubject:
    return NewSubject(
        group="customers",
        ref=f"sweep-{n:08d}",
        items=[
            NewItem(CATEGORY, f"問い合わせ {n}-{k}", [PURPOSE], retain_until=until(k < expired))
            for k in range(ITEMS_PER_SUBJECT)
        ],
    )


def until(expired: bool) -> dt.datetime | None:
    return COLLECTED + dt.timedelta(days=1) if expired else None


def measure_sweep(database: SweepDatabase) -> dict[str, Any]:
    copy = fresh_copy(database, "hogo")
    copy.suppression.unlink(missing_ok=True)  # a clean list: nothing erased before this run
    with open_bench(copy) as hogo:
        due = hogo.sweeper.due_count(dt.datetime.now(dt.UTC))
        started = time.perf_counter()
        swept = hogo.sweeper.run(ACTOR, dt.datetime.now(dt.UTC), chunk=CHUNK)
        seconds = time.perf_counter() - started
        left = remaining_expired(hogo)
    return {"due": due, "swept": swept.items, "left": left, "seconds": round(seconds, 3)}


def sweep_in_process(copy: SweepDatabase) -> tuple[float, float]:
    """One sweeper process (as on one host) sweeps until nothing is due; when its run started
    and ended, on the machine's monotonic clock (shared by processes on Linux)."""
    with open_bench(copy) as hogo:
        started = time.monotonic()
        hogo.sweeper.run(ACTOR, dt.datetime.now(dt.UTC), chunk=CHUNK)
        return started, time.monotonic()


def measure_two_sweepers(database: SweepDatabase) -> dict[str, Any]:
    """Two sweeper processes on one copy at once: the wall time from the first start to the
    last end, and whether every due item was handled exactly once (the log adds up to what was
    due, and nothing due is left)."""
    copy = fresh_copy(database, "two")
    copy.suppression.unlink(missing_ok=True)
    with open_bench(copy) as hogo:
        due = hogo.sweeper.due_count(dt.datetime.now(dt.UTC))
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        spans = pool.map(sweep_in_process, [copy, copy])
    seconds = max(end for _, end in spans) - min(start for start, _ in spans)
    with open_bench(copy) as hogo:
        with hogo.engine.connect() as connection:
            logged = int(connection.execute(select(func.sum(sweep_log.c["items"]))).scalar_one())
        left = remaining_expired(hogo)
    return {"due": due, "logged": logged, "left": left, "seconds": round(seconds, 3)}


def remaining_expired(hogo: Hogo) -> int:
    query = (
        select(func.count())
        .select_from(items)
        .where(items.c.retain_until <= dt.datetime.now(dt.UTC))
    )
    with hogo.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def measure_peer(database: SweepDatabase) -> dict[str, Any]:
    copy = fresh_copy(database, "peer")
    engine = create_engine(normalise_url(copy.url))
    now = dt.datetime.now(dt.UTC)
    bound = now.replace(tzinfo=None) if copy.name == "sqlite" else now
    started = time.perf_counter()
    with engine.begin() as connection:
        deleted = connection.execute(
            text("DELETE FROM items WHERE retain_until <= :now"), {"now": bound}
        ).rowcount
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"deleted": int(deleted), "seconds": round(seconds, 3)}


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# Retention sweep at scale",
        "",
        f"`python bench/sweep.py --items {args.items} --expired-share {args.expired_share}` — "
        f"{args.items:,} items in one table, {args.expired_share:.0%} past retention. hogo: "
        f"`Sweeper.run` (what `hogo sweep` does) in chunks of {CHUNK:,}: claim, suppression "
        "list fsynced, delete, log, commit. Peer, in the same run, on an identical copy: one bare "
        "`DELETE FROM items WHERE retain_until <= now`.",
        "",
        "| database | items swept | hogo s | hogo items/s | bare DELETE s | DELETE items/s "
        "| ratio | ≥ 200k/s | ≥ 0.5× |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        h, p = r["sweep"], r["peer"]
        rate = h["swept"] / h["seconds"]
        peer_rate = p["deleted"] / p["seconds"]
        lines.append(
            f"| {r['database']} | {h['swept']:,} | {h['seconds']} | {rate:,.0f} | {p['seconds']} | "
            f"{peer_rate:,.0f} | {rate / peer_rate:.2f}× | {met(rate >= TARGET_PER_S)} | "
            f"{met(rate / peer_rate >= TARGET_RATIO)} |"
        )
    for r in results:
        two = r.get("two_sweepers")
        if two is None:
            continue
        one = r["sweep"]["seconds"]
        exact = two["logged"] == two["due"] and two["left"] == 0
        lines += [
            "",
            f"Two sweepers at once on {r['database']} (two processes on one copy): "
            f"{two['logged']:,} items logged of {two['due']:,} due, {two['left']} left, in "
            f"{two['seconds']} s against {one} s for one sweeper "
            f"({one / two['seconds']:.2f}× the speed of one): "
            f"no slower than one {met(two['seconds'] <= one)}, each item once {met(exact)}.",
        ]
    env = environment()
    lines += ["", f"Machine: {env['platform']}, {env['cpus']} CPUs."]
    return "\n".join(lines) + "\n"


def met(flag: bool) -> str:
    return "met" if flag else "not met"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000_000)
    parser.add_argument("--expired-share", type=float, default=0.1)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    create_key_file(CACHE / "master.key")
    results = []
    for kind in ("sqlite", "postgresql"):
        database = pristine(kind, args.items // ITEMS_PER_SUBJECT)
        if args.rebuild:
            database.stamp.unlink(missing_ok=True)
        build(database, args.items, args.expired_share)
        swept = measure_sweep(database)
        done(f"{kind}: swept {swept['swept']:,} in {swept['seconds']} s")
        peer = measure_peer(database)
        done(f"{kind}: bare DELETE {peer['deleted']:,} in {peer['seconds']} s")
        result: dict[str, Any] = {"database": kind, "sweep": swept, "peer": peer}
        if kind == "postgresql":
            two = result["two_sweepers"] = measure_two_sweepers(database)
            done(f"{kind}: two sweepers {two['logged']:,} in {two['seconds']} s")
        results.append(result)
    RESULTS.mkdir(exist_ok=True)
    payload = {"results": results, "environment": environment()}
    # The scale (10M items) writes sweep.*; any other size its own files beside it.
    stem = "sweep" if args.items == 10_000_000 else f"sweep-{args.items}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(payload, indent=2))
    (RESULTS / f"{stem}.md").write_text(markdown(results, args))
    print(markdown(results, args))


if __name__ == "__main__":
    main()
