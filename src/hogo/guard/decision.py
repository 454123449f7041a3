"""The answer to "may this role process these categories of this subject for this purpose?".

A decision is never a bare boolean: each category carries its own outcome and, when denied,
the reason. Outcome instances are immutable and shared between decisions by the guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hogo.guard.reasons import Reason


@dataclass(frozen=True, slots=True)
class Outcome:
    """Allowed or denied, with the reason, for one category."""

    category: str
    allowed: bool
    reason: Reason  # Reason.ALLOWED exactly when allowed

    @property
    def code(self) -> str | None:
        """The denial code (``"no_consent"``, …), or ``None`` when allowed."""
        return None if self.allowed else self.reason.code

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "allowed": self.allowed, "reason": self.code}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcomes of one request, in the order the categories were asked for."""

    purpose: str
    role: str
    outcomes: tuple[Outcome, ...]

    @property
    def allowed_categories(self) -> tuple[str, ...]:
        return tuple(outcome.category for outcome in self.outcomes if outcome.allowed)

    @property
    def denied(self) -> dict[str, str]:
        """Denied categories and their codes."""
        return {o.category: o.reason.code for o in self.outcomes if not o.allowed}

    @property
    def all_allowed(self) -> bool:
        """True when every category asked for is allowed (and at least one was asked for)."""
        return bool(self.outcomes) and all(outcome.allowed for outcome in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "role": self.role,
            "allowed": self.all_allowed,
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
        }


_new_decision = object.__new__
_set_purpose = Decision.__dict__["purpose"].__set__
_set_role = Decision.__dict__["role"].__set__
_set_outcomes = Decision.__dict__["outcomes"].__set__


def make_decision(purpose: str, role: str, outcomes: tuple[Outcome, ...]) -> Decision:
    """``Decision(purpose, role, outcomes)`` at about half the cost, for the guard's hot path.

    A frozen dataclass sets each field through ``object.__setattr__``; this writes the slots
    directly. The result is the same immutable instance.
    """
    decision: Decision = _new_decision(Decision)
    _set_purpose(decision, purpose)
    _set_role(decision, role)
    _set_outcomes(decision, outcomes)
    return decision
