"""ISO 8601 durations of the policy file (``P7Y``, ``P6M``, ``P30D``) added to dates.

Years and months are calendar ones: the day is clamped to the end of a shorter month, so
31 January plus ``P1M`` is the last day of February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TypeVar

from hogo.policy.model import ISO_DURATION

When = TypeVar("When", dt.date, dt.datetime)


def add_duration(start: When, duration: str) -> When:
    """``start`` plus ``duration``; raises ``ValueError`` for a text that is not one."""
    return _shift(start, duration, 1)


def subtract_duration(end: When, duration: str) -> When:
    """``end`` minus ``duration``: the latest start whose period has run out by ``end``, up to
    the clamping of a day to a shorter month."""
    return _shift(end, duration, -1)


def _shift(start: When, duration: str, sign: int) -> When:
    match = ISO_DURATION.match(duration)
    if match is None or duration == "P":
        raise ValueError(f"{duration!r} is not an ISO 8601 duration such as P3Y, P6M or P30D")
    years, months, weeks, days = (sign * int(part or 0) for part in match.groups())
    total = start.month - 1 + months + 12 * years
    year, month = start.year + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day) + dt.timedelta(weeks=weeks, days=days)
