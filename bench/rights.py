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
- erasure: two paths, each on ``--erasures`` fresh applicants (no legal floor keeps their
  items) ingested beforehand (untimed). One at a time: each erased through the services,
  ``submit(ground no_longer_needed) → verify → fulfil``, timed as a whole. Batch: every request
  submitted and verified first (the intake, timed and reported apart), then all fulfilled by one
  ``fulfil_erasures`` call (a few hundred a transaction), timed as the erasure. After each path
  every subject is checked gone (no items, data key empty, reference replaced, tombstone
  written, request fulfilled). Target: 10,000 in ≤ 60 s.
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

The parts: ``rights_data`` (databases, synthetic people, the cached build), ``rights_api``
(the servers and clients of the api section), ``rights_report`` (figures, tables, files).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from hogo.runtime import Hogo
from hogo.services.populate import populate
from hogo.services.synthetic import SyntheticBatch
from hogo.store.tables import erasures, items, requests, subjects
from rights_api import api_section
from rights_data import (
    ACTOR,
    BATCH,
    ITEMS_PER_SUBJECT,
    Database,
    People,
    chunks,
    done,
    ensure_built,
    ids_of,
    open_bench,
    postgres_database,
    read_audited,
    report,
    sqlite_database,
    subject_ids,
)
from rights_report import (
    FIDES,
    TARGET_ERASURES,
    TARGETS,
    environment,
    latency,
    targets,
    write_results,
)

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULTS = {"subjects": 1_000_000, "samples": 500, "erasures": 10_000, "api_seconds": 30.0}
QUICK = {"subjects": 20_000, "samples": 200, "erasures": 1_000, "api_seconds": 8.0}
WARM_UP = 5  # disclosures not counted
ERASE_GROUP = "applicants"
ERASE_GROUND = "no_longer_needed"


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


def erasure_subjects(hogo: Hogo, count: int, tag: str) -> list[int]:
    """``count`` new applicants, ten items each, refs unique to this run and ``tag``."""
    people = People(hogo.policy)
    run = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    keys = [(ERASE_GROUP, f"{tag}-{run}-{n:06d}") for n in range(count)]
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


def intake_all(
    hogo: Hogo, database: Database, ids: Sequence[int]
) -> tuple[float, float, list[int]]:
    """Submit and verify an erasure request for each subject; (seconds, CPU seconds, ids)."""
    request_ids = []
    started, cpu = time.perf_counter(), time.process_time()
    for count, subject_id in enumerate(ids, start=1):
        request_id = hogo.requests.submit(ACTOR, subject_id, "erasure", "appi", ground=ERASE_GROUND)
        hogo.requests.verify(ACTOR, request_id)
        request_ids.append(request_id)
        if count % 100 == 0:
            report(f"{database.name}: intake {count:,}/{len(ids):,}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    done(f"{database.name}: intake of {len(ids):,} erasure requests in {seconds:.1f} s")
    return seconds, cpu, request_ids


def erase_batch(hogo: Hogo, database: Database, request_ids: Sequence[int]) -> tuple[float, float]:
    """All the verified requests fulfilled by one ``fulfil_erasures``; (seconds, CPU seconds)."""
    report(f"{database.name}: fulfil_erasures of {len(request_ids):,} requests")
    started, cpu = time.perf_counter(), time.process_time()
    outcomes = hogo.fulfilment.fulfil_erasures(ACTOR, request_ids)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    unfulfilled = [o for o in outcomes if o.status != "fulfilled"]
    if len(outcomes) != len(request_ids) or unfulfilled:
        first = unfulfilled[0] if unfulfilled else None
        raise SystemExit(
            f"{database.name}: fulfil_erasures closed {len(outcomes)} of {len(request_ids)} "
            f"requests, {len(unfulfilled)} not fulfilled (first: {first})"
        )
    done(f"{database.name}: {len(request_ids):,} erasures in one batch in {seconds:.1f} s")
    return seconds, cpu


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


def all_gone(hogo: Hogo, database: Database, ids: Sequence[int], request_ids: Sequence[int]) -> int:
    verified = gone(hogo.engine, ids, request_ids)
    if verified != len(ids):
        raise SystemExit(f"{database.name}: only {verified} of {len(ids)} subjects are gone")
    return verified


def erasure_figures(count: int, seconds: float, cpu: float, verified: int) -> dict[str, Any]:
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


def erasure_section(hogo: Hogo, database: Database, count: int) -> dict[str, Any]:
    """One at a time: submit → verify → fulfil for each, timed as a whole."""
    ids = erasure_subjects(hogo, count, "erase")
    seconds, cpu, request_ids = erase_all(hogo, database, ids)
    verified = all_gone(hogo, database, ids, request_ids)
    return erasure_figures(count, seconds, cpu, verified)


def erasure_batch_section(hogo: Hogo, database: Database, count: int) -> dict[str, Any]:
    """Intake (submit → verify of each) timed apart, then one ``fulfil_erasures`` call."""
    ids = erasure_subjects(hogo, count, "erase-batch")
    intake_seconds, intake_cpu, request_ids = intake_all(hogo, database, ids)
    seconds, cpu = erase_batch(hogo, database, request_ids)
    verified = all_gone(hogo, database, ids, request_ids)
    figures = erasure_figures(count, seconds, cpu, verified)
    figures["intake"] = {
        "requests": count,
        "seconds": round(intake_seconds, 2),
        "mean_ms": round(intake_seconds / count * 1000, 2),
        "seconds_per_10000": round(intake_seconds / count * TARGET_ERASURES, 1),
        "bench_cpu_ms_per_request": round(intake_cpu / count * 1000, 2),
    }
    whole = (intake_seconds + seconds) / count * TARGET_ERASURES
    figures["with_intake_seconds_per_10000"] = round(whole, 1)
    return figures


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
            figures["erasure_batch"] = erasure_batch_section(hogo, database, args.erasures)
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
        "targets": dict(TARGETS),
        "targets_met": targets(results),
        "peer": asdict(FIDES),
        "environment": environment(),
    }
    print(write_results(args, data))


if __name__ == "__main__":
    main()
