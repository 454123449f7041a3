"""Whether a provision's basis holds, before anyone's data is read (APPI A27–A28; R-29–R-33).

:func:`check_order` looks at the order alone: the recipient of the policy with its register
status, the purpose, the categories and the basis named. It raises
:class:`~hogo.errors.ProvisionRefused` with the reason, or returns the :class:`Terms` the
provision runs on: whether each person's consent is needed, whether a stop of provision
counts, whether the law requires the record (A29). People are checked one by one afterwards
(:mod:`hogo.services.provision.people`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hogo.errors import ProvisionRefused, ValidationFailed
from hogo.policy.model import Policy, Recipient
from hogo.services.provision.recipients import RecipientStatus, is_foreign

Basis = Literal["entrustment", "joint_use", "succession", "consent", "exception"]
BASES: tuple[str, ...] = ("entrustment", "joint_use", "succession", "consent", "exception")
# Which bases each kind of recipient can receive on (APPI A27(1), A27(5); GL-G 3-6-1).
BASES_OF_KIND: dict[str, tuple[str, ...]] = {
    "processor": ("entrustment",),
    "joint_user": ("joint_use",),
    "group_company": ("consent", "exception", "succession"),
    "third_party": ("consent", "exception", "succession"),
}


@dataclass(frozen=True, slots=True)
class Referable:
    """For personally referable information (cookie ids, browsing history …) going to a third
    party (APPI A31; R-36): whether it is expected to link them to personal data, and how the
    person's consent to that was confirmed (e.g. "the recipient's declaration of 2026-11-01"),
    or the contract clause by which it will not link them (GL-G 3-7-1-3)."""

    linkage_expected: bool
    confirmation: str


@dataclass(frozen=True, slots=True)
class Order:
    """What to provide, to whom, for what, and on which basis."""

    recipient: str
    purpose: str
    categories: tuple[str, ...]
    basis: str
    exception: str | None = None  # a key of the policy's provision_exceptions
    justification: str | None = None  # why the exception applies to this provision
    referable: Referable | None = None  # for personally referable information


@dataclass(frozen=True, slots=True)
class Terms:
    """What the provision needs of each person, and what its record is."""

    foreign: bool  # outside Japan and the adequate countries (A28)
    needs_consent: bool  # each person's consent to the purpose (A27(1), A28(1))
    honours_stop: bool  # a stop of provision to third parties excludes the person (A35(3))
    statutory: bool  # APPI A29 (or A31(3)) requires the record (else it is kept as a log)


def check_order(policy: Policy, order: Order, status: RecipientStatus, today: dt.date) -> Terms:
    """The terms of a provision that may go ahead, or :class:`ProvisionRefused`."""
    declared = status.declared
    _check_basis(policy, declared, order)
    _check_scope(policy, declared, order)
    if order.basis == "joint_use":
        _check_joint_use(declared, order, today)
    if status.problems:
        raise ProvisionRefused(
            f"recipient {order.recipient} cannot receive: {'; '.join(status.problems)}",
            problems=list(status.problems),
        )
    country = status.facts.country if status.facts and status.facts.country else declared.country
    foreign = is_foreign(country)
    foreign_consent = (
        foreign and status.facts is not None and status.facts.foreign_basis == "consent"
    )
    needs_consent = order.basis == "consent" or (foreign_consent and order.basis != "exception")
    linked = _check_referable(policy, declared, order, foreign)
    return Terms(
        foreign=foreign,
        needs_consent=needs_consent,
        honours_stop=needs_consent,
        statutory=order.basis == "consent" or (foreign and order.basis != "exception") or linked,
    )


def _check_referable(policy: Policy, declared: Recipient, order: Order, foreign: bool) -> bool:
    """R-36: personally referable information to a third party (or abroad) needs its
    confirmation; returns whether the recipient is expected to link it (a record is due)."""
    referable = [c for c in order.categories if policy.categories[c].personally_referable]
    third_party = declared.kind in ("third_party", "group_company") or foreign
    if not referable or not third_party:
        return False
    if order.referable is None:
        raise ProvisionRefused(
            f"{', '.join(referable)}: personally referable information to "
            f"{order.recipient}; say whether it is expected to link it to personal data and "
            "how its consent was confirmed, or the clause by which it will not (APPI A31; R-36)"
        )
    if not order.referable.confirmation.strip():
        raise ProvisionRefused(
            "the confirmation for personally referable information is empty (APPI A31; R-36)"
        )
    return order.referable.linkage_expected


def _check_basis(policy: Policy, declared: Recipient, order: Order) -> None:
    if order.basis not in BASES:
        raise ValidationFailed(f"unknown basis {order.basis!r}; expected {', '.join(BASES)}")
    allowed = BASES_OF_KIND[declared.kind]
    if order.basis not in allowed:
        raise ProvisionRefused(
            f"a {declared.kind.replace('_', ' ')} receives on {' or '.join(allowed)}, "
            f"not on {order.basis} (APPI A27; R-29, R-30)"
        )
    if order.basis == "consent" and declared.basis == "exception":
        raise ProvisionRefused(f"recipient {order.recipient} is declared to receive on exceptions")
    if order.basis == "exception":
        _check_exception(policy, order)


def _check_exception(policy: Policy, order: Order) -> None:
    if order.exception is None or order.exception not in policy.provision_exceptions:
        known = ", ".join(policy.provision_exceptions)
        raise ValidationFailed(
            f"basis exception names one of the policy's provision exceptions ({known})"
        )
    if order.exception == "prior_consent":
        raise ValidationFailed("prior consent is the basis consent, not an exception")
    if not (order.justification or "").strip():
        raise ProvisionRefused(
            f"exception {order.exception} needs its justification: why it applies (R-29)"
        )


def _check_scope(policy: Policy, declared: Recipient, order: Order) -> None:
    """R-21, R-29: within the recipient's purposes and categories, and the purpose's own."""
    purpose = policy.purposes.get(order.purpose)
    if purpose is None:
        raise ValidationFailed(f"purpose {order.purpose!r} is not declared (R-02)")
    if declared.purposes and order.purpose not in declared.purposes:
        raise ProvisionRefused(
            f"recipient {order.recipient} does not receive data for {order.purpose} "
            f"(its purposes: {', '.join(declared.purposes)}; R-21)"
        )
    if not order.categories:
        raise ValidationFailed("name at least one category to provide")
    _outside("recipient " + order.recipient, order.categories, declared.categories)
    _outside("purpose " + order.purpose, order.categories, purpose.categories)
    unknown = [c for c in order.categories if c not in policy.categories]
    if unknown:
        raise ValidationFailed(f"unknown categories: {', '.join(unknown)}")


def _outside(owner: str, wanted: Sequence[str], declared: Sequence[str]) -> None:
    outside = [category for category in wanted if category not in declared]
    if declared and outside:
        raise ProvisionRefused(
            f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} outside what "
            f"{owner} covers (R-03, R-21)"
        )


def _check_joint_use(declared: Recipient, order: Order, today: dt.date) -> None:
    """R-31: the five items published before any sharing, and only the jointly used items."""
    joint = declared.joint_use
    if joint is None:
        raise ProvisionRefused(f"recipient {order.recipient} has no joint-use notice (R-31)")
    if joint.published_at > today:
        raise ProvisionRefused(
            f"the joint-use notice is published on {joint.published_at}; no sharing before (R-31)"
        )
    _outside("the joint-use notice", order.categories, joint.categories)
    if order.purpose not in joint.purposes:
        raise ProvisionRefused(f"{order.purpose} is not a purpose of the joint use (R-31)")
