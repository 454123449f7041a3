"""When a rights request falls due, and from when the person may sue. Pure date arithmetic.

APPI (D16, D17): the law says "without delay" and gives no number, so the company keeps an
internal target of ``policy.rights.deadline_days`` days from receipt. A39 lets the person sue
once two weeks have passed since the request arrived; the day of arrival is not counted, so
the two weeks end with the 15th day after it and suit is possible from the next day (R-46:
arrival 1 April, suit possible from 16 April).

GDPR (G-05, D26): one month from receipt, counted in calendar months; when the next month has
no such day the period ends on its last day (31 January → 28 or 29 February). It may be
extended by two further months, only if the person is told of the extension, with reasons,
within the first month.

Arrival dates are taken in Japan time for the APPI and in UTC for the GDPR.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

Regime = Literal["appi", "gdpr"]
REGIMES: tuple[Regime, ...] = ("appi", "gdpr")

JAPAN = ZoneInfo("Asia/Tokyo")
APPI_WAIT = dt.timedelta(weeks=2)  # A39(1)
GDPR_MONTHS = 1  # Art. 12(3)
GDPR_EXTENSION_MONTHS = 2  # Art. 12(3)


def arrival_date(received_at: dt.datetime, regime: Regime) -> dt.date:
    """The calendar day a request arrived: Japan time for the APPI, UTC for the GDPR."""
    zone = JAPAN if regime == "appi" else dt.UTC
    return received_at.astimezone(zone).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def appi_due(arrival: dt.date, deadline_days: int) -> dt.date:
    """The company's internal target for an APPI request (D16)."""
    return arrival + dt.timedelta(days=deadline_days)


def may_sue_from(arrival: dt.date) -> dt.date:
    """First day the person may sue (A39, R-46, D17): the arrival day is not counted."""
    return arrival + APPI_WAIT + dt.timedelta(days=1)


def gdpr_due(arrival: dt.date) -> dt.date:
    """One calendar month from receipt (G-05, D26)."""
    return add_months(arrival, GDPR_MONTHS)


def gdpr_extended_due(arrival: dt.date) -> dt.date:
    """Three calendar months from receipt: the first month plus the two of the extension."""
    return add_months(arrival, GDPR_MONTHS + GDPR_EXTENSION_MONTHS)


def extension_allowed(arrival: dt.date, notice: dt.date) -> bool:
    """An extension counts only if the person was told within the first month (G-05)."""
    return arrival <= notice <= gdpr_due(arrival)


def due_date(arrival: dt.date, regime: Regime, deadline_days: int) -> dt.date:
    """The date a request must be answered by, before any extension."""
    return appi_due(arrival, deadline_days) if regime == "appi" else gdpr_due(arrival)
