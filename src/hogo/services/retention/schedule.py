"""Sweeps on a schedule inside a long-running process (``hogo serve --sweep-every``; R-12, D18).

:class:`SweepSchedule` runs a tick at once and then every interval, in one background thread,
until :meth:`~SweepSchedule.stop`. A tick that fails is logged and the next one runs as
planned. :func:`sweep_once` is the tick ``hogo serve`` gives it: the retention sweep of items,
then the ledgers kept by their own periods (:mod:`.ledgers`), summed up in one line. A sweep
still running when the schedule stops ends after its current chunk; the run log shows it as
interrupted and the next run takes the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable

from hogo.errors import HogoError, ValidationFailed
from hogo.services.actor import Actor
from hogo.services.retention.ledgers import LedgerSweep
from hogo.services.retention.sweeper import Sweeper

log = logging.getLogger("hogo.sweep")

EVERY = re.compile(r"\s*(\d{1,9})\s*([smhd])\s*")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
Tick = Callable[[threading.Event], str]  # given the stop signal; returns the line to log


class Stopped(Exception):
    """The schedule was stopped while a tick ran; what it did so far stays done."""


def parse_every(text: str) -> float:
    """Seconds of an interval such as ``30m``, ``1h`` or ``1d`` (``s`` for seconds)."""
    match = EVERY.fullmatch(text)
    if match is None or int(match.group(1)) == 0:
        raise ValidationFailed(
            f"sweep interval {text!r} is not a whole number above zero and a unit (s, m, h, d), "
            "such as 30m, 1h or 1d"
        )
    return float(int(match.group(1)) * SECONDS[match.group(2)])


class SweepSchedule:
    """Runs ``tick`` now and then every ``every`` seconds in one thread, until stopped."""

    def __init__(self, every: float, tick: Tick) -> None:
        if every <= 0:
            raise ValidationFailed("a sweep interval is above zero")
        self._every = every
        self._tick = tick
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.ticks = 0  # ticks finished, whether they succeeded or failed
        self.failures = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the sweep schedule was already started")
        self._thread = threading.Thread(target=self._loop, name="hogo-sweep", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Signal the thread and wait up to ``timeout`` seconds; whether it has ended."""
        self._stopping.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._once()
            if self._stopping.wait(self._every):
                return

    def _once(self) -> None:
        try:
            line = self._tick(self._stopping)
        except Stopped as stopped:
            log.info("scheduled sweep stopped: %s", stopped)
        except HogoError as error:
            self.failures += 1
            log.error("scheduled sweep failed: %s", error)
        except Exception:
            self.failures += 1
            log.exception("scheduled sweep failed")
        else:
            log.info("scheduled %s", line)
        self.ticks += 1


def sweep_once(
    sweeper: Sweeper,
    ledgers: LedgerSweep,
    actor: Actor,
    as_of: dt.datetime,
    stopping: threading.Event,
) -> str:
    """Sweep the items due at ``as_of``, then purge the ledgers; one line of counts.

    Raises :class:`Stopped` after the chunk in progress when ``stopping`` is set.
    """

    def check(_examined: int = 0) -> None:
        if stopping.is_set():
            raise Stopped("the rest is left to the next run")

    report = sweeper.run(actor, as_of, progress=check)
    check()
    counts = ledgers.run(actor, as_of)
    purged = ", ".join(f"{count.ledger} {count.removed}" for count in counts)
    return f"sweep {report.run_id}: {report.items} items swept; ledgers purged: {purged}"
