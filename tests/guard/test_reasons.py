"""Reason codes are stable strings; their numeric order is the order of precedence."""

from __future__ import annotations

from hogo.guard import Outcome, Reason


def test_codes_are_lowercase_names() -> None:
    assert Reason.PURPOSE_NOT_DECLARED.code == "purpose_not_declared"
    assert Reason.GUARDIAN_CONSENT_REQUIRED.code == "guardian_consent_required"
    assert [reason.code for reason in Reason] == [reason.name.lower() for reason in Reason]


def test_precedence_is_the_numeric_order() -> None:
    assert list(Reason) == [
        Reason.ALLOWED,
        Reason.PURPOSE_NOT_DECLARED,
        Reason.OUTSIDE_PURPOSE,
        Reason.ROLE_SCOPE,
        Reason.ERASED,
        Reason.SUSPENDED,
        Reason.RETENTION_EXPIRED,
        Reason.GUARDIAN_CONSENT_REQUIRED,
        Reason.NO_CONSENT,
        Reason.OPTED_OUT,
    ]
    assert [int(reason) for reason in Reason] == list(range(10))


def test_outcome_code_is_none_only_when_allowed() -> None:
    assert Outcome("name", True, Reason.ALLOWED).code is None
    assert Outcome("name", False, Reason.NO_CONSENT).code == "no_consent"
    assert Outcome("name", False, Reason.ROLE_SCOPE).to_dict() == {
        "category": "name",
        "allowed": False,
        "reason": "role_scope",
    }
