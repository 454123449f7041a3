"""Single decisions: every reason code, their precedence, and the shape of a decision."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hogo.guard import CompiledPolicy, ConsentState, Decision, Reason, SubjectState, compile_policy
from hogo.policy.model import Policy

PolicyBuilder = Callable[..., Policy]

G = ConsentState.GRANTED
GG = ConsentState.GRANTED_BY_GUARDIAN
OUT = ConsentState.OPTED_OUT


def customer(
    status: str = "active",
    *,
    minor: bool = False,
    expired: frozenset[str] = frozenset(),
    **consents: ConsentState,
) -> SubjectState:
    return SubjectState("customer", status, minor, consents, expired)


def reasons(decision: Decision) -> dict[str, Reason]:
    return {outcome.category: outcome.reason for outcome in decision.outcomes}


def test_allowed_without_consent_for_a_not_required_purpose(guard: CompiledPolicy) -> None:
    decision = guard.decide("support", customer(), ["name", "address"], "order_fulfilment")
    assert decision.all_allowed
    assert decision.allowed_categories == ("name", "address")
    assert decision.denied == {}
    assert all(outcome.reason is Reason.ALLOWED for outcome in decision.outcomes)


def test_r02_purpose_not_declared(guard: CompiledPolicy) -> None:
    """R-02: a purpose the policy does not declare is denied for every category."""
    decision = guard.decide("admin", customer(), ["name", "nonsense"], "lottery")
    assert decision.denied == {"name": "purpose_not_declared", "nonsense": "purpose_not_declared"}


def test_r03_outside_purpose_by_category_group_or_unknown_category(guard: CompiledPolicy) -> None:
    """R-03: the purpose does not cover the category, the subject's group, or the category."""
    decision = guard.decide("admin", customer(), ["address", "health", "shoe_size"], "marketing")
    assert set(decision.denied.values()) == {"outside_purpose"}
    employee = SubjectState("employee", "active")
    assert guard.decide("admin", employee, ["name"], "marketing").denied == {
        "name": "outside_purpose"
    }
    stranger = SubjectState("visitor", "active")
    assert guard.decide("admin", stranger, ["name"], "order_fulfilment").denied == {
        "name": "outside_purpose"
    }


@pytest.mark.parametrize(
    ("role", "categories", "purpose"),
    [
        ("support", ["name"], "marketing"),  # purpose not in role
        ("marketer", ["address"], "order_fulfilment"),  # purpose not in role
        ("hr", ["name"], "order_fulfilment"),  # group not in role
        ("intruder", ["name"], "order_fulfilment"),  # role not in policy
        ("", ["name"], "order_fulfilment"),
    ],
)
def test_r16_role_scope_deny_by_default(
    guard: CompiledPolicy, role: str, categories: list[str], purpose: str
) -> None:
    """R-16: access is deny-by-default; a role must cover group, category and purpose."""
    decision = guard.decide(role, customer(marketing=G), categories, purpose)
    assert decision.denied == dict.fromkeys(categories, "role_scope")


def test_r16_role_scope_per_category(make_policy: PolicyBuilder) -> None:
    """R-16: a role covering the purpose but not a category is denied that category only."""
    roles = {"clerk": {"groups": ["customer"], "categories": ["name"], "purposes": "*"}}
    guard = compile_policy(make_policy(roles=roles))
    decision = guard.decide("clerk", customer(), ["name", "email"], "order_fulfilment")
    assert decision.denied == {"email": "role_scope"}


def test_r42_erased_and_suspended(guard: CompiledPolicy) -> None:
    """R-42 (and G-08 restriction): no use of an erased or suspended subject's data."""
    for status, code in (("erased", "erased"), ("suspended", "suspended")):
        decision = guard.decide("support", customer(status), ["name"], "order_fulfilment")
        assert decision.denied == {"name": code}


def test_r12_retention_expired_only_for_expired_categories(guard: CompiledPolicy) -> None:
    """R-12: a category whose items are all past retention may no longer be used."""
    subject = customer(expired=frozenset({"purchase", "cv"}))
    decision = guard.decide("support", subject, ["name", "purchase"], "order_fulfilment")
    assert decision.denied == {"purchase": "retention_expired"}
    assert decision.allowed_categories == ("name",)


def test_g02_required_consent(guard: CompiledPolicy) -> None:
    """R-03, G-02: consent-based purposes need a current grant."""
    cats = ["name", "email"]
    assert guard.decide("marketer", customer(marketing=G), cats, "marketing").all_allowed
    for subject in (customer(), customer(marketing=ConsentState.NONE), customer(marketing=OUT)):
        decision = guard.decide("marketer", subject, cats, "marketing")
        assert decision.denied == dict.fromkeys(cats, "no_consent")


def test_g10_opt_out(guard: CompiledPolicy) -> None:
    """G-10: an opt-out purpose runs until the subject objects, then stops."""
    assert guard.decide("marketer", customer(), ["purchase"], "analytics").all_allowed
    assert guard.decide("marketer", customer(analytics=G), ["purchase"], "analytics").all_allowed
    decision = guard.decide("marketer", customer(analytics=OUT), ["purchase"], "analytics")
    assert decision.denied == {"purchase": "opted_out"}


def test_opt_out_of_another_purpose_does_not_matter(guard: CompiledPolicy) -> None:
    subject = customer(analytics=OUT, marketing=G)
    assert guard.decide("marketer", subject, ["name"], "marketing").all_allowed
    assert guard.decide("support", subject, ["purchase"], "order_fulfilment").all_allowed


def test_r10_g03_minor_needs_guardian_consent(guard: CompiledPolicy) -> None:
    """R-10, G-03: below the threshold only a guardian's consent counts.

    A minor with no consent at all is also ``guardian_consent_required``: it names whom to ask.
    """
    cats = ["name"]
    for state in (G, ConsentState.NONE, OUT):
        decision = guard.decide(
            "marketer", customer(minor=True, marketing=state), cats, "marketing"
        )
        assert decision.denied == {"name": "guardian_consent_required"}
    assert guard.decide(
        "marketer", customer(minor=True, marketing=GG), cats, "marketing"
    ).all_allowed
    assert guard.decide("marketer", customer(marketing=GG), cats, "marketing").all_allowed


def test_minor_is_irrelevant_without_required_consent(guard: CompiledPolicy) -> None:
    subject = customer(minor=True)
    assert guard.decide("support", subject, ["name"], "order_fulfilment").all_allowed
    assert guard.decide("marketer", subject, ["purchase"], "analytics").all_allowed


@pytest.mark.parametrize(
    ("role", "purpose", "subject", "category", "expected"),
    [
        ("intruder", "lottery", customer("erased"), "name", Reason.PURPOSE_NOT_DECLARED),
        ("intruder", "marketing", customer("erased"), "address", Reason.OUTSIDE_PURPOSE),
        ("support", "marketing", customer("erased"), "name", Reason.ROLE_SCOPE),
        ("marketer", "marketing", customer("erased", minor=True), "name", Reason.ERASED),
        (
            "marketer",
            "marketing",
            customer("suspended", minor=True, expired=frozenset({"name"})),
            "name",
            Reason.SUSPENDED,
        ),
        (
            "marketer",
            "marketing",
            customer(minor=True, expired=frozenset({"name"})),
            "name",
            Reason.RETENTION_EXPIRED,
        ),
        ("marketer", "marketing", customer(minor=True), "name", Reason.GUARDIAN_CONSENT_REQUIRED),
        ("marketer", "marketing", customer(marketing=OUT), "name", Reason.NO_CONSENT),
        (
            "marketer",
            "analytics",
            customer(analytics=OUT, expired=frozenset({"name"})),
            "purchase",
            Reason.OPTED_OUT,
        ),
    ],
)
def test_precedence(
    guard: CompiledPolicy,
    role: str,
    purpose: str,
    subject: SubjectState,
    category: str,
    expected: Reason,
) -> None:
    """When several reasons apply, the first in checking order is reported."""
    assert reasons(guard.decide(role, subject, [category], purpose)) == {category: expected}


def test_outcomes_keep_request_order_and_duplicates(guard: CompiledPolicy) -> None:
    cats = ("email", "name", "email", "health")
    decision = guard.decide("support", customer(), cats, "order_fulfilment")
    assert tuple(o.category for o in decision.outcomes) == cats
    assert decision.allowed_categories == ("email", "name", "email")


def test_no_categories_is_not_all_allowed(guard: CompiledPolicy) -> None:
    decision = guard.decide("support", customer(), [], "order_fulfilment")
    assert decision.outcomes == ()
    assert not decision.all_allowed


def test_to_dict(guard: CompiledPolicy) -> None:
    decision = guard.decide("marketer", customer(), ["name", "address"], "marketing")
    assert decision.to_dict() == {
        "purpose": "marketing",
        "role": "marketer",
        "allowed": False,
        "outcomes": [
            {"category": "name", "allowed": False, "reason": "no_consent"},
            {"category": "address", "allowed": False, "reason": "outside_purpose"},
        ],
    }


def test_decisions_are_equal_with_or_without_reuse(make_policy: PolicyBuilder) -> None:
    cached = compile_policy(make_policy())
    fresh = compile_policy(make_policy(), decision_cache=0)
    tiny = compile_policy(make_policy(), decision_cache=2)
    subjects = [customer(), customer(marketing=G), customer("suspended"), customer(minor=True)]
    for subject in subjects * 2:
        for cats in (["name"], ["name", "email"], ("purchase", "address"), ["cv"]):
            expected = fresh.decide("marketer", subject, cats, "marketing")
            assert cached.decide("marketer", subject, cats, "marketing") == expected
            assert tiny.decide("marketer", subject, cats, "marketing") == expected


def test_outcome_instances_are_shared(guard: CompiledPolicy) -> None:
    one = guard.decide("support", customer(), ["name"], "order_fulfilment")
    two = guard.decide("support", customer(analytics=OUT), ["name", "email"], "order_fulfilment")
    assert one.outcomes[0] is two.outcomes[0]


def test_decision_is_immutable(guard: CompiledPolicy) -> None:
    decision = guard.decide("support", customer(), ["name"], "order_fulfilment")
    with pytest.raises(AttributeError):
        decision.purpose = "marketing"  # type: ignore[misc]
