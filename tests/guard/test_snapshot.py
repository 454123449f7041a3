"""From a subject's row, consent ledger and items to the state the guard decides on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

import pytest

from hogo.guard import CompiledPolicy, ConsentEvent, ConsentState, SubjectState, compile_policy
from hogo.policy.model import Policy

NOW = datetime(2025, 5, 10, 12, 0, tzinfo=UTC)


def snap(
    guard: CompiledPolicy,
    *,
    birth_date: date | None = None,
    jurisdiction: str | None = None,
    events: Iterable[ConsentEvent] = (),
    retain_until: Mapping[str, datetime | None] | None = None,
    status: str = "active",
    now: datetime = NOW,
) -> SubjectState:
    return guard.snapshot(
        group="customer",
        status=status,
        birth_date=birth_date,
        jurisdiction=jurisdiction,
        consent_events=events,
        retain_until=retain_until or {},
        now=now,
    )


def grant(version: str | None, minutes: int = 0, *, by_guardian: bool = False) -> ConsentEvent:
    return ConsentEvent(
        "marketing", "grant", version, by_guardian, NOW - timedelta(minutes=minutes)
    )


def test_g02_old_version_grant_denies_and_current_grant_allows(guard: CompiledPolicy) -> None:
    """G-02: a grant for v1 does not count once the purpose's text is v2."""
    old = snap(guard, events=[grant("v1")])
    assert old.consents == {"marketing": ConsentState.NONE}
    assert guard.decide("marketer", old, ["name"], "marketing").denied == {"name": "no_consent"}
    current = snap(guard, events=[grant("v1", 60), grant("v2", 30)])
    assert guard.decide("marketer", current, ["name"], "marketing").all_allowed


def test_g02_withdrawal_after_grant_denies(guard: CompiledPolicy) -> None:
    """G-02: withdrawing, then processing for the purpose, is denied."""
    withdraw = ConsentEvent("marketing", "withdraw", None, False, NOW - timedelta(minutes=1))
    state = snap(guard, events=[withdraw, grant("v2", 10)])
    assert guard.decide("marketer", state, ["email"], "marketing").denied == {"email": "no_consent"}


def test_g10_opt_out_then_opt_in(guard: CompiledPolicy) -> None:
    """G-10: an objection stops an opt-out purpose; lifting it resumes."""
    out = ConsentEvent("analytics", "opt_out", None, False, NOW - timedelta(days=2))
    back = ConsentEvent("analytics", "opt_in", None, False, NOW - timedelta(days=1))
    opted = snap(guard, events=[out])
    assert guard.decide("marketer", opted, ["purchase"], "analytics").denied == {
        "purchase": "opted_out"
    }
    assert guard.decide("marketer", snap(guard, events=[out, back]), ["purchase"], "analytics")


@pytest.mark.parametrize(
    ("birth", "jurisdiction", "minor"),
    [
        (date(2010, 5, 11), "JP", True),  # 14 until tomorrow
        (date(2010, 5, 10), "JP", False),  # 15 today
        (date(2010, 5, 10), None, False),  # default jurisdiction is JP
        (date(2010, 5, 10), "EU", True),  # 15 < 16
        (date(2009, 5, 10), "EU", False),  # 16 today
        (date(2009, 5, 11), "EU", True),
        (date(2010, 5, 10), "BR", False),  # no threshold of its own: the default's (JP 15)
        (None, "EU", False),  # unknown birth date: not a minor
    ],
)
def test_r10_g03_thresholds_per_jurisdiction(
    guard: CompiledPolicy, birth: date | None, jurisdiction: str | None, minor: bool
) -> None:
    """R-10 (JP 15) and G-03 (EU 16), at the birthday boundary."""
    assert snap(guard, birth_date=birth, jurisdiction=jurisdiction).minor is minor


@pytest.mark.parametrize(
    ("today", "minor"),
    [(date(2023, 2, 28), True), (date(2023, 3, 1), False), (date(2024, 2, 29), False)],
)
def test_r10_born_on_29_february(guard: CompiledPolicy, today: date, minor: bool) -> None:
    """R-10: born 29 Feb 2008, 15 on 1 March 2023 (a common year), not on 28 February."""
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    assert snap(guard, birth_date=date(2008, 2, 29), jurisdiction="JP", now=now).minor is minor


def test_r10_minor_own_grant_refused_guardian_grant_accepted(guard: CompiledPolicy) -> None:
    """R-10: consent given by a 13-year-old is not enough; a guardian's is."""
    born = date(2012, 1, 1)
    own = snap(guard, events=[grant("v2")], birth_date=born, jurisdiction="JP")
    assert guard.decide("marketer", own, ["name"], "marketing").denied == {
        "name": "guardian_consent_required"
    }
    guardian = snap(guard, events=[grant("v2", by_guardian=True)], birth_date=born)
    assert guardian.consents == {"marketing": ConsentState.GRANTED_BY_GUARDIAN}
    assert guard.decide("marketer", guardian, ["name"], "marketing").all_allowed


def test_default_jurisdiction_without_threshold_uses_the_highest(
    make_policy: Callable[..., Policy],
) -> None:
    guard = compile_policy(make_policy(thresholds={"EU": 16, "US": 13}, default_jurisdiction="JP"))
    assert guard.age_threshold(None) == 16
    assert guard.age_threshold("US") == 13


def test_r12_retention_expiry_at_snapshot_time(guard: CompiledPolicy) -> None:
    """R-12: a category is expired when its latest retain-until is at or before now."""
    state = snap(
        guard,
        retain_until={
            "purchase": NOW,
            "address": NOW - timedelta(days=1),
            "email": NOW + timedelta(seconds=1),
            "name": None,
        },
    )
    assert state.expired == frozenset({"purchase", "address"})
    decision = guard.decide("support", state, ["name", "email", "address"], "order_fulfilment")
    assert decision.denied == {"address": "retention_expired"}


def test_r42_status_passes_through(guard: CompiledPolicy) -> None:
    """R-42: a suspended subject's snapshot is suspended."""
    state = snap(guard, status="suspended")
    assert guard.decide("support", state, ["name"], "order_fulfilment").denied == {
        "name": "suspended"
    }
