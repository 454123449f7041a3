"""Which purposes a consent-requiring change reopens (R-64)."""

from __future__ import annotations

import pytest

from hogo.policy.diff import Change, ChangeClass
from hogo.policy.model import Policy
from hogo.policy.reconsent import reopened_purposes


def change(path: str, classification: ChangeClass = "consent") -> Change:
    return Change(path, "changed", classification, "because")


def test_R64_a_purpose_change_reopens_that_purpose(policy: Policy) -> None:
    reopened = reopened_purposes(change("purposes.preference_advertising"), policy)
    assert reopened == {"preference_advertising"}


@pytest.mark.parametrize("classification", ["notice", "editorial"])
def test_R64_other_classes_reopen_nothing(policy: Policy, classification: ChangeClass) -> None:
    found = reopened_purposes(change("purposes.preference_advertising", classification), policy)
    assert found == frozenset()


def test_R64_a_recipient_reopens_the_purposes_it_receives_for(policy: Policy) -> None:
    rid, recipient = next((rid, r) for rid, r in policy.recipients.items() if r.purposes)
    assert reopened_purposes(change(f"recipients.{rid}"), policy) == set(recipient.purposes)


def test_R64_a_category_reopens_the_purposes_that_use_it(policy: Policy) -> None:
    reopened = reopened_purposes(change("categories.occupation"), policy)
    using = {p for p, purpose in policy.purposes.items() if "occupation" in purpose.categories}
    assert reopened == using
    assert "preference_advertising" in reopened


def test_R64_a_storage_location_reopens_the_purposes_of_its_groups(policy: Policy) -> None:
    location = policy.storage_locations[0]
    key = location.system
    reopened = reopened_purposes(change(f"storage_locations.{key}"), policy)
    expected = {
        p for p, purpose in policy.purposes.items() if set(purpose.groups) & set(location.groups)
    }
    assert reopened == expected


def test_R64_an_unknown_key_reopens_every_purpose(policy: Policy) -> None:
    reopened = reopened_purposes(change("controller.address"), policy)
    assert reopened == set(policy.purposes)
