"""What a rights request may be: its kinds, states, grounds and fees, and the checks on them.

- R-42: an APPI suspension, erasure or provision stop names its A35 ground, the three 2022
  grounds of A35(5) included;
- R-43: a refusal or partial action carries a reason and its ground;
- R-45: a fee only for purpose notice, disclosure and provision records, at most the published
  one, and none under the GDPR.
"""

from __future__ import annotations

from typing import Literal, get_args

from hogo.errors import ValidationFailed
from hogo.policy.model import Policy, RightKind
from hogo.services.rights.deadlines import REGIMES

RequestKind = RightKind | Literal["consent_withdrawal"]
REQUEST_KINDS: tuple[str, ...] = (*get_args(RightKind), "consent_withdrawal")
Status = Literal[
    "received", "verified", "in_progress", "fulfilled", "partially_fulfilled", "refused"
]
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("verified", "refused"),
    "verified": ("in_progress", "refused"),
    "in_progress": ("fulfilled", "partially_fulfilled", "refused"),
}
CLOSED = ("fulfilled", "partially_fulfilled", "refused")
FEE_KINDS = ("purpose_notice", "disclosure", "provision_records")  # A38
GDPR_ONLY_KINDS = ("portability", "restriction")  # Art. 20, Art. 18: no APPI counterpart
ALWAYS_OFFERED = ("consent_withdrawal",)  # withdrawing must stay as easy as consenting

# APPI A35 grounds; the last three are the 2022 grounds of A35(5).
A35_2022_GROUNDS = ("no_longer_needed", "reportable_leak", "rights_at_risk")
A35_GROUNDS: dict[str, tuple[str, ...]] = {
    "suspension": ("a18_beyond_purpose", "a19_improper_use", "a20_improper_acquisition"),
    "erasure": ("a18_beyond_purpose", "a19_improper_use", "a20_improper_acquisition"),
    "provision_stop": ("a27_provision_without_consent", "a28_foreign_provision"),
}
DECISION_GROUNDS = (
    "harm_to_person_or_others",  # A33(2)(i)
    "serious_business_hindrance",  # A33(2)(ii)
    "violation_of_other_laws",  # A33(2)(iii)
    "purpose_notice_exception",  # A32(2): already clear, or A21(4)(i)–(iii)
    "content_not_untrue",  # A34: nothing to correct
    "no_statutory_ground",  # A35: the ground is not made out
    "alternative_measure",  # A35(2),(4),(6): compliance very costly or difficult
    "data_not_held",
    "identity_not_verified",
    "manifestly_unfounded",  # GDPR Art. 12(5)
    "excessive",  # GDPR Art. 12(5)
)


def required_text(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise ValidationFailed(f"{what} needs a reason (APPI A36, GDPR Art. 12(4); R-43)")
    return value.strip()


def check_decision_ground(ground: str | None) -> str:
    if ground not in DECISION_GROUNDS:
        raise ValidationFailed(
            f"unknown decision ground {ground!r}; expected one of {', '.join(DECISION_GROUNDS)}"
        )
    return ground


def check_submission(
    policy: Policy, kind: str, regime: str, fee_jpy: int, ground: str | None
) -> None:
    """Raise :class:`ValidationFailed` unless the policy and the law allow this request."""
    if regime not in REGIMES:
        raise ValidationFailed(f"unknown regime {regime!r}; expected appi or gdpr")
    if kind not in REQUEST_KINDS:
        raise ValidationFailed(
            f"unknown request kind {kind!r}; expected {', '.join(REQUEST_KINDS)}"
        )
    if kind not in policy.rights.offered and kind not in ALWAYS_OFFERED:
        raise ValidationFailed(f"the policy does not offer {kind!r} requests")
    if regime == "appi" and kind in GDPR_ONLY_KINDS:
        raise ValidationFailed(f"{kind!r} is a GDPR right; the APPI has no such request")
    _check_fee(policy, kind, regime, fee_jpy)
    _check_a35_ground(kind, regime, ground)


def _check_fee(policy: Policy, kind: str, regime: str, fee_jpy: int) -> None:
    """R-45 (A38): a fee only for purpose notice and disclosure, at most the published one."""
    if fee_jpy < 0:
        raise ValidationFailed("a fee cannot be negative")
    if fee_jpy == 0:
        return
    if regime == "gdpr":
        raise ValidationFailed("GDPR requests are free (Art. 12(5); G-05)")
    if kind not in FEE_KINDS:
        raise ValidationFailed(
            f"no fee may be charged for a {kind!r} request; APPI A38 allows one only for "
            f"{', '.join(FEE_KINDS)} (R-45)"
        )
    published = next((fee for name, fee in policy.rights.fees_jpy.items() if name == kind), 0)
    if fee_jpy > published:
        raise ValidationFailed(
            f"fee {fee_jpy} JPY exceeds the published fee of {published} JPY for {kind!r}"
        )


def _check_a35_ground(kind: str, regime: str, ground: str | None) -> None:
    """R-42: an APPI suspension, erasure or provision stop names its A35 ground."""
    if regime != "appi" or kind not in A35_GROUNDS:
        if ground is not None:
            raise ValidationFailed(f"a ground applies to APPI A35 requests only, not {kind!r}")
        return
    allowed = (*A35_GROUNDS[kind], *A35_2022_GROUNDS)
    if ground not in allowed:
        raise ValidationFailed(
            f"a {kind!r} request needs an A35 ground: one of {', '.join(allowed)}"
        )
