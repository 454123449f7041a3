"""Ages, the consent ledger folded into states, and subject state validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hogo.errors import ValidationFailed
from hogo.guard import ConsentEvent, ConsentState, SubjectState, age_on
from hogo.guard.state import fold_consents

T0 = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
VERSIONS: dict[str, str | None] = {"marketing": "v2", "analytics": None}


def event(
    action: str,
    minutes: int,
    *,
    purpose: str = "marketing",
    version: str | None = "v2",
    by_guardian: bool = False,
) -> ConsentEvent:
    at = T0 + timedelta(minutes=minutes)
    return ConsentEvent(purpose, action, version, by_guardian, at)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2010, 5, 10), date(2025, 5, 9), 14),  # day before the birthday
        (date(2010, 5, 10), date(2025, 5, 10), 15),  # on the birthday
        (date(2010, 5, 10), date(2025, 5, 11), 15),
        (date(2010, 12, 31), date(2025, 1, 1), 14),
        (date(2008, 2, 29), date(2023, 2, 28), 14),  # common year: not yet on 28 Feb
        (date(2008, 2, 29), date(2023, 3, 1), 15),  # … but on 1 March
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),  # leap year: on 29 Feb
        (date(2024, 1, 1), date(2024, 1, 1), 0),
    ],
)
def test_age_on_birthdays_and_29_february(birth: date, today: date, age: int) -> None:
    """R-10, G-03: the threshold depends on completed years, so the birthday boundary matters."""
    assert age_on(birth, today) == age


def test_latest_event_wins_in_recorded_order_not_input_order() -> None:
    """G-02: withdrawal after a grant leaves no consent, whatever order the ledger is read in."""
    events = [event("withdraw", 10), event("grant", 0)]
    assert fold_consents(events, VERSIONS) == {"marketing": ConsentState.NONE}
    events = [event("grant", 20), event("withdraw", 10), event("grant", 0)]
    assert fold_consents(events, VERSIONS) == {"marketing": ConsentState.GRANTED}


def test_grant_for_an_old_version_does_not_count() -> None:
    """G-02: consent is to a text version; a grant of v1 is not consent to v2."""
    assert fold_consents([event("grant", 0, version="v1")], VERSIONS) == {
        "marketing": ConsentState.NONE
    }
    assert fold_consents([event("grant", 0, version=None)], VERSIONS) == {
        "marketing": ConsentState.NONE
    }


def test_purpose_without_version_accepts_any_grant() -> None:
    events = [event("grant", 0, purpose="analytics", version="anything")]
    assert fold_consents(events, VERSIONS) == {"analytics": ConsentState.GRANTED}


def test_guardian_grant_opt_out_and_opt_in() -> None:
    """R-10 guardian consent; G-10 objection and its reversal."""
    assert fold_consents([event("grant", 0, by_guardian=True)], VERSIONS) == {
        "marketing": ConsentState.GRANTED_BY_GUARDIAN
    }
    opted = [event("opt_out", 0, purpose="analytics")]
    assert fold_consents(opted, VERSIONS) == {"analytics": ConsentState.OPTED_OUT}
    back = [*opted, event("opt_in", 5, purpose="analytics")]
    assert fold_consents(back, VERSIONS) == {"analytics": ConsentState.NONE}


def test_R64_a_grant_before_the_last_consent_change_lapses_an_opt_out_stands() -> None:
    """R-64: grants recorded before the purpose's last consent-requiring change do not count;
    a grant at or after it does; an opt-out is untouched by the change."""
    changed = {"marketing": T0 + timedelta(minutes=10), "analytics": T0 + timedelta(minutes=10)}
    before = [event("grant", 5), event("opt_out", 5, purpose="analytics", version=None)]
    assert fold_consents(before, VERSIONS, changed) == {
        "marketing": ConsentState.NONE,
        "analytics": ConsentState.OPTED_OUT,
    }
    at_change = [event("grant", 10, by_guardian=True)]
    assert fold_consents(at_change, VERSIONS, changed) == {
        "marketing": ConsentState.GRANTED_BY_GUARDIAN
    }
    assert fold_consents(before, VERSIONS)["marketing"] == ConsentState.GRANTED


def test_events_for_undeclared_purposes_are_ignored() -> None:
    assert fold_consents([event("grant", 0, purpose="lottery")], VERSIONS) == {}


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="unknown consent action 'agree'"):
        fold_consents([event("agree", 0)], VERSIONS)


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="active, suspended, erased"):
        SubjectState("customer", "restricted")


def test_state_defaults() -> None:
    state = SubjectState("customer", "active")
    assert (state.minor, dict(state.consents), state.expired) == (False, {}, frozenset())
