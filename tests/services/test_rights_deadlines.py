"""Due dates of rights requests: APPI internal target and A39 suit date, GDPR months."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo.services.rights import deadlines

D = dt.date


def test_R46_D17_arrival_1_april_suit_possible_from_16_april() -> None:
    """R-46: arrival 1 Apr → suit possible from 16 Apr (arrival day not counted)."""
    assert deadlines.may_sue_from(D(2026, 4, 1)) == D(2026, 4, 16)


def test_R46_suit_date_crosses_month_and_year() -> None:
    assert deadlines.may_sue_from(D(2026, 12, 25)) == D(2027, 1, 9)


def test_D16_appi_internal_target_from_policy_days() -> None:
    assert deadlines.appi_due(D(2026, 4, 1), 14) == D(2026, 4, 15)
    assert deadlines.due_date(D(2026, 4, 1), "appi", 10) == D(2026, 4, 11)


def test_R46_arrival_is_the_japanese_calendar_day() -> None:
    """A request arriving at 23:30 UTC on 31 Mar arrived on 1 Apr in Japan."""
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert deadlines.arrival_date(late, "appi") == D(2026, 4, 1)
    assert deadlines.arrival_date(late, "gdpr") == D(2026, 3, 31)


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        (D(2026, 4, 1), D(2026, 5, 1)),
        (D(2026, 1, 31), D(2026, 2, 28)),
        (D(2028, 1, 31), D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 12, 15), D(2027, 1, 15)),
    ],
)
def test_G05_D26_one_calendar_month_clamped_to_month_end(arrival: D, due: D) -> None:
    assert deadlines.gdpr_due(arrival) == due
    assert deadlines.due_date(arrival, "gdpr", 14) == due


def test_G05_extension_is_two_more_months() -> None:
    assert deadlines.gdpr_extended_due(D(2026, 1, 31)) == D(2026, 4, 30)
    assert deadlines.gdpr_extended_due(D(2026, 11, 30)) == D(2027, 2, 28)


@pytest.mark.parametrize(
    ("notice", "allowed"),
    [
        (D(2026, 1, 31), True),
        (D(2026, 2, 28), True),  # the last day of the first month
        (D(2026, 3, 1), False),
        (D(2026, 1, 30), False),  # before the request arrived
    ],
)
def test_G05_extension_only_with_notice_inside_first_month(notice: D, allowed: bool) -> None:
    assert deadlines.extension_allowed(D(2026, 1, 31), notice) is allowed
