"""What the guard needs to know about one subject at one moment.

The service layer reads a subject's row, consent ledger and items, and folds them into a
:class:`SubjectState` with :meth:`hogo.guard.compile.CompiledPolicy.snapshot`. The state is
immutable and holds no personal data beyond the subject group, so it can be cached and
shared freely.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from hogo.errors import ValidationFailed

# Subject statuses; the position is the status code in hogo.guard.batch.SubjectTable.
STATUSES: tuple[str, ...] = ("active", "suspended", "erased")

ConsentAction = Literal["grant", "withdraw", "opt_out", "opt_in"]


class ConsentState(enum.IntEnum):
    """A subject's current standing towards one purpose, derived from the consent ledger."""

    NONE = 0  # never granted, withdrawn, granted for an older text, or opted back in
    GRANTED = 1  # granted by the subject
    GRANTED_BY_GUARDIAN = 2  # granted by a guardian (R-10, G-03)
    OPTED_OUT = 3  # the subject objected (G-10)
    RESTRICTED = 4  # use for the purpose is suspended or restricted (R-42, G-08, G-10)


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One entry of the consent ledger (G-02: version and time make it demonstrable)."""

    purpose: str
    action: ConsentAction
    version: str | None
    by_guardian: bool
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class SubjectState:
    """A subject as the guard sees it at the moment of a snapshot."""

    group: str
    status: str  # one of STATUSES
    minor: bool = False
    consents: Mapping[str, ConsentState] = field(default_factory=dict)  # purpose -> state
    expired: frozenset[str] = frozenset()  # categories whose items are all past retention

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValidationFailed(
                f"unknown subject status {self.status!r}; expected one of {', '.join(STATUSES)}"
            )


def age_on(birth_date: date, today: date) -> int:
    """Completed years of age on ``today``.

    A person born on 29 February turns a year older on 1 March in common years, as under
    Japan's Act on Age Calculation with Civil Code Art. 143(2) (and in the UK); on 29 February
    in leap years.
    """
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def fold_consents(
    events: Iterable[ConsentEvent],
    versions: Mapping[str, str | None],
    since: Mapping[str, datetime] | None = None,
) -> dict[str, ConsentState]:
    """The current consent state per purpose: the latest event wins, in ``recorded_at`` order.

    ``versions`` maps each declared purpose to its current consent text version; events for
    other purposes are ignored. A grant for another version than the current one leaves the
    state at ``NONE`` (G-02: consent to an earlier text does not carry over). ``since`` maps a
    purpose to the moment of its last consent-requiring policy change (R-64): a grant recorded
    before it leaves the state at ``NONE`` too, while an opt-out stands.
    """
    states: dict[str, ConsentState] = {}
    since = since or {}
    for event in sorted(events, key=_recorded_at):
        if event.purpose in versions:
            state = _state_after(event, versions[event.purpose])
            changed_at = since.get(event.purpose)
            if _is_grant(state) and changed_at is not None and event.recorded_at < changed_at:
                state = ConsentState.NONE
            states[event.purpose] = state
    return states


def _is_grant(state: ConsentState) -> bool:
    return state in (ConsentState.GRANTED, ConsentState.GRANTED_BY_GUARDIAN)


def _recorded_at(event: ConsentEvent) -> datetime:
    return event.recorded_at


def _state_after(event: ConsentEvent, current_version: str | None) -> ConsentState:
    if event.action == "opt_out":
        return ConsentState.OPTED_OUT
    if event.action in ("withdraw", "opt_in"):
        return ConsentState.NONE
    if event.action != "grant":
        raise ValidationFailed(
            f"unknown consent action {event.action!r}; expected grant, withdraw, opt_out or opt_in"
        )
    if current_version is not None and event.version != current_version:
        return ConsentState.NONE
    return ConsentState.GRANTED_BY_GUARDIAN if event.by_guardian else ConsentState.GRANTED
