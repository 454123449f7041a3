"""The deletion log of sweeps (R-12; GL-G 10-5(4)): runs, what each chunk removed, finishes.

A run is recorded when it starts (its own transaction), each chunk adds one row per rule,
category and method in the chunk's transaction, and a finish row is added when the run ends.
A run without a finish row was stopped half way (or is still going): what its chunks logged is
done, and the next run takes the rest. All three tables are append-only in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from hogo.store.tables import sweep_finishes, sweep_log, sweep_runs


@dataclass(frozen=True, slots=True)
class PlanRow:
    """Items of one rule and category that go (or went) one way; ``rule`` "" is none."""

    rule: str
    category: str
    method: str  # delete | anonymise
    items: int
    subjects: int


@dataclass(frozen=True, slots=True)
class SweepRun:
    id: int
    as_of: dt.datetime
    started_at: dt.datetime
    finished_at: dt.datetime | None  # None: interrupted (or still running)
    run_by: str
    host: str
    rows: tuple[PlanRow, ...]  # subjects are summed over the run's chunks

    @property
    def interrupted(self) -> bool:
        return self.finished_at is None

    @property
    def items(self) -> int:
        return sum(row.items for row in self.rows)


def start_run(
    connection: Connection, as_of: dt.datetime, now: dt.datetime, run_by: str, host: str
) -> int:
    started = insert(sweep_runs).values(as_of=as_of, started_at=now, run_by=run_by, host=host)
    return int(connection.execute(started.returning(sweep_runs.c.id)).scalar_one())


def log_chunk(
    connection: Connection, run_id: int, rows: Sequence[PlanRow], now: dt.datetime
) -> None:
    if rows:
        connection.execute(
            insert(sweep_log),
            [
                {
                    "run_id": run_id,
                    "rule": row.rule,
                    "category": row.category,
                    "method": row.method,
                    "items": row.items,
                    "subjects": row.subjects,
                    "at": now,
                }
                for row in rows
            ],
        )


def finish_run(connection: Connection, run_id: int, now: dt.datetime) -> None:
    connection.execute(insert(sweep_finishes).values(run_id=run_id, finished_at=now))


def recent_runs(connection: Connection, limit: int) -> list[SweepRun]:
    """The latest ``limit`` runs, the latest first, with their logged counts per rule."""
    query = (
        select(sweep_runs, sweep_finishes.c.finished_at)
        .outerjoin(sweep_finishes, sweep_finishes.c.run_id == sweep_runs.c.id)
        .order_by(sweep_runs.c.id.desc())
        .limit(limit)
    )
    runs = connection.execute(query).all()
    rows = _rows_of(connection, [run.id for run in runs])
    return [
        SweepRun(
            run.id,
            run.as_of,
            run.started_at,
            run.finished_at,
            run.run_by,
            run.host,
            tuple(rows.get(run.id, ())),
        )
        for run in runs
    ]


def _rows_of(connection: Connection, run_ids: list[int]) -> dict[int, list[PlanRow]]:
    if not run_ids:
        return {}
    log = sweep_log.c
    query = (
        select(
            log.run_id,
            log.rule,
            log.category,
            log.method,
            func.sum(log["items"]),
            func.sum(log.subjects),
        )
        .where(log.run_id.in_(run_ids))
        .group_by(log.run_id, log.rule, log.category, log.method)
        .order_by(log.run_id, log.rule, log.category, log.method)
    )
    found: dict[int, list[PlanRow]] = {}
    for run_id, rule, category, method, count, people in connection.execute(query):
        found.setdefault(run_id, []).append(
            PlanRow(rule, category, method, int(count), int(people))
        )
    return found
