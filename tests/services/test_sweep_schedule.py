"""Sweeps on a schedule (R-12, D18): they run at the interval, survive a failed tick, stop
promptly, and a sweep stopped half way is left for the next run. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hogo.errors import Conflict, ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.retention.schedule import (
    Stopped,
    SweepSchedule,
    parse_every,
    sweep_once,
)
from hogo.settings import Settings
from hogo.store.tables import items
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("scheduler", "privacy_office")
T0 = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(days=30)
TICK = 0.05  # seconds between ticks in these tests


@pytest.fixture
def hogo(database_url: str, tmp_path: Path) -> Iterator[Hogo]:
    master = base64.b64encode(os.urandom(32)).decode()
    settings = Settings(master_key=master, key_file=tmp_path / "k")
    opened = open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: T0
    )
    yield opened
    opened.close()


def stored(hogo: Hogo, count: int) -> None:
    """``count`` customers with one inquiry each, kept until a day after T0."""
    for n in range(count):
        subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
        until = T0 + dt.timedelta(days=1)
        item = NewItem("inquiry_details", "返品について", ["inquiry_handling"], retain_until=until)
        hogo.subjects.store(OFFICE, subject_id, [item])


def items_left(hogo: Hogo) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(items)).scalar_one())


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the schedule did not run in time"
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("text", "seconds"), [("45s", 45), ("30m", 1800), ("1h", 3600), ("1d", 86400), (" 2h ", 7200)]
)
def test_R12_intervals_are_a_number_and_a_unit(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "0h", "1w", "-1h", "1.5h", "1 hour", "PT1H"])
def test_R12_an_interval_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValidationFailed, match="such as 30m, 1h or 1d"):
        parse_every(text)


def test_R12_D18_the_schedule_sweeps_within_its_interval(
    hogo: Hogo, caplog: pytest.LogCaptureFixture
) -> None:
    """R-12, D18: the first tick sweeps at once, the next ones at the interval; each logs a
    line with its counts."""
    stored(hogo, 3)
    caplog.set_level(logging.INFO, logger="hogo.sweep")

    def tick(stopping: threading.Event) -> str:
        return sweep_once(hogo.sweeper, hogo.ledgers, OFFICE, LATER, stopping)

    schedule = SweepSchedule(TICK, tick)
    schedule.start()
    try:
        wait_for(lambda: schedule.ticks >= 2)
    finally:
        assert schedule.stop(timeout=10)
    assert items_left(hogo) == 0
    assert schedule.failures == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "hogo.sweep"]
    assert any("3 items swept" in line and "inquiry_tickets 0" in line for line in lines)
    assert len(hogo.sweeper.runs()) >= 2
    assert all(run.finished_at is not None for run in hogo.sweeper.runs())


def test_R12_a_failed_tick_is_logged_and_the_next_one_runs(
    hogo: Hogo, caplog: pytest.LogCaptureFixture
) -> None:
    """R-12: an error in one tick (expected or not) is logged; the sweeps go on."""
    stored(hogo, 2)
    failures: list[Exception] = [Conflict("the database was busy"), RuntimeError("surprise")]

    def tick(stopping: threading.Event) -> str:
        if failures:
            raise failures.pop(0)
        return sweep_once(hogo.sweeper, hogo.ledgers, OFFICE, LATER, stopping)

    schedule = SweepSchedule(TICK, tick)
    schedule.start()
    try:
        wait_for(lambda: items_left(hogo) == 0)
    finally:
        assert schedule.stop(timeout=10)
    assert schedule.failures == 2
    messages = [r.getMessage() for r in caplog.records if r.name == "hogo.sweep"]
    assert "scheduled sweep failed: the database was busy" in messages
    assert "scheduled sweep failed" in messages  # the unexpected one, with its traceback


def test_R12_stop_returns_promptly_between_ticks(hogo: Hogo) -> None:
    """R-12: a server that stops does not wait for the next tick (an hour away here)."""
    schedule = SweepSchedule(
        3600, lambda stopping: sweep_once(hogo.sweeper, hogo.ledgers, OFFICE, T0, stopping)
    )
    schedule.start()
    wait_for(lambda: schedule.ticks >= 1)
    began = time.monotonic()
    assert schedule.stop(timeout=5)
    assert time.monotonic() - began < 1.0
    assert schedule.stop()  # stopping twice is harmless


def test_R12_a_sweep_stopped_half_way_is_left_for_the_next_run(hogo: Hogo) -> None:
    """R-12: stopping ends the run after the chunk in progress; the log shows it interrupted,
    and the next run takes the rest."""
    stored(hogo, 2)
    stopping = threading.Event()
    stopping.set()
    with pytest.raises(Stopped):
        sweep_once(hogo.sweeper, hogo.ledgers, OFFICE, LATER, stopping)
    assert hogo.sweeper.runs()[0].finished_at is None
    assert sweep_once(hogo.sweeper, hogo.ledgers, OFFICE, LATER, threading.Event())
    assert items_left(hogo) == 0


def test_R12_an_interval_is_above_zero() -> None:
    with pytest.raises(ValidationFailed):
        SweepSchedule(0, lambda stopping: "")
