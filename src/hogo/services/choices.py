"""A person's own choices: each purpose of their group, where it stands, one change at a time.

The privacy center's choices page runs on this (R-02, R-64, G-02, G-10, R-10). The person is
named by a member token that the site issued while they were signed in
(:meth:`~hogo.services.cookie_consent.CookieConsentService.verify_member_token`); every call
verifies it again, so neither the page nor its forms can act for anyone else. A token that
does not verify is :class:`Forbidden`; an erased subject is :class:`NotFound` with
``reason="erased"`` and shows nothing.

Each purpose declared for the subject's group is one :class:`Choice`: the policy's purpose, the
guard's consent state, the person's latest consent event for it, and from these the one change
that applies now. A change is one event appended through
:meth:`~hogo.services.subjects.SubjectService.record_consent` with method ``privacy_center`` and
the evidence of the request (the page without its query, the form, the user agent, the IP
address cut to its network). A change is refused, with nothing recorded, for a purpose not
declared for the group, for an action the purpose's consent rule does not offer, and for a
minor's own grant where a guardian must consent (R-10); the refusal names its ``reason``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine

from hogo.errors import Forbidden, NotFound, ValidationFailed
from hogo.guard.compile import CompiledPolicy
from hogo.guard.state import ConsentAction, ConsentEvent, ConsentState
from hogo.policy.model import ConsentRule, Policy, Purpose
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.cookie_consent import CookieConsentService, Seen
from hogo.services.snapshot import consent_ledger, subject_state
from hogo.services.subjects import SubjectService
from hogo.vault.vault import Vault

METHOD = "privacy_center"
FORM = "privacy_center:choices"
MEMBER_ROLE = "member"  # not a policy role: a member's actor can record consents, read nothing
OFFERED: dict[ConsentRule, tuple[ConsentAction, ...]] = {
    "required": ("grant", "withdraw"),
    "opt_out": ("opt_out", "opt_in"),
    "not_required": (),
}
Standing = Literal[
    "granted",
    "granted_by_guardian",
    "not_granted",
    "withdrawn",
    "asked_again",
    "in_use",
    "opted_out",
    "restricted",
    "not_required",
]


@dataclass(frozen=True, slots=True)
class Choice:
    """One purpose as the person stands towards it."""

    purpose: str
    declared: Purpose
    state: ConsentState
    latest: ConsentEvent | None  # the person's latest consent event for the purpose
    minor: bool
    reopened_at: dt.datetime | None = None  # the last policy change that asked again

    @property
    def asked_again(self) -> bool:
        """R-64: the latest event is a grant that no longer counts: the consent text or the
        policy changed since (:attr:`reopened_at`)."""
        granted = self.latest is not None and self.latest.action == "grant"
        return granted and self.state == ConsentState.NONE

    @property
    def guardian_needed(self) -> bool:
        """R-10: a minor's consent to this purpose must come from a guardian."""
        return (
            self.minor and self.declared.consent == "required" and self.state == ConsentState.NONE
        )

    @property
    def standing(self) -> Standing:
        """Where the purpose stands, in one word the page puts in plain words."""
        if self.state == ConsentState.RESTRICTED:
            return "restricted"
        rule = self.declared.consent
        if rule == "opt_out":
            return "opted_out" if self.state == ConsentState.OPTED_OUT else "in_use"
        if rule == "not_required":
            return "not_required"
        if self.state == ConsentState.GRANTED_BY_GUARDIAN:
            return "granted_by_guardian"
        if self.state == ConsentState.GRANTED:
            return "granted"
        if self.asked_again:
            return "asked_again"
        withdrawn = self.latest is not None and self.latest.action == "withdraw"
        return "withdrawn" if withdrawn else "not_granted"

    @property
    def action(self) -> ConsentAction | None:
        """The one change that applies now; none for a restricted purpose, a purpose that needs
        no consent, or a minor's consent that a guardian must give."""
        return None if self.guardian_needed else _ACTION_OF.get(self.standing)


_ACTION_OF: dict[Standing, ConsentAction] = {
    "granted": "withdraw",
    "granted_by_guardian": "withdraw",
    "not_granted": "grant",
    "withdrawn": "grant",
    "asked_again": "grant",
    "in_use": "opt_out",
    "opted_out": "opt_in",
}


@dataclass(frozen=True, slots=True)
class Choices:
    """Every purpose of the person's group, in the policy's order."""

    subject_id: int
    minor: bool
    suspended: bool  # a request stopped every use: every purpose is restricted
    policy_version: str
    rows: tuple[Choice, ...]

    def get(self, purpose: str) -> Choice | None:
        return next((row for row in self.rows if row.purpose == purpose), None)


class ChoicesService:
    """Shows a member their choices and records the changes they make."""

    def __init__(
        self,
        engine: Engine,
        policy: Policy,
        compiled: CompiledPolicy,
        vault: Vault,
        subjects: SubjectService,
        members: CookieConsentService,
        clock: Clock = utc_now,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._compiled = compiled
        self._vault = vault
        self._subjects = subjects
        self._members = members
        self._clock = clock

    def view(self, token: str) -> Choices:
        """The choices of the member the token names."""
        return self._read(self._member(token))

    def change(self, token: str, purpose: str, action: str, seen: Seen) -> None:
        """Record one change of the member the token names, or refuse it with nothing recorded."""
        subject_id = self._member(token)
        choice = self._read(subject_id).get(purpose)
        if choice is None:
            raise ValidationFailed(
                f"purpose {purpose!r} is not declared for the subject's group",
                reason="purpose_not_declared",
            )
        offered = _offered(choice.declared.consent, action)
        if offered == "grant" and choice.guardian_needed:
            raise ValidationFailed(
                "guardian_consent_required: the subject is a minor, so consent must come "
                "from a person with parental authority",
                reason="guardian_consent_required",
            )
        self._subjects.record_consent(
            Actor(id=f"subject:{subject_id}", role=MEMBER_ROLE),
            subject_id,
            purpose=purpose,
            action=offered,
            method=METHOD,
            evidence=_evidence(seen),
        )

    def _member(self, token: str) -> int:
        try:
            return self._members.verify_member_token(token)
        except ValidationFailed as error:
            raise Forbidden(error.detail) from None

    def _read(self, subject_id: int) -> Choices:
        now = self._clock()
        with self._engine.connect() as connection:
            record = self._vault.subject_row(connection, subject_id)
            if record.status == "erased":
                raise NotFound(f"subject {subject_id} is erased", reason="erased")
            state = subject_state(connection, self._compiled, record, [], now)
            latest = {
                event.purpose: event for event in _by_time(consent_ledger(connection, record.id))
            }
        suspended = state.status == "suspended"
        rows = tuple(
            Choice(
                purpose=name,
                declared=declared,
                state=(
                    ConsentState.RESTRICTED
                    if suspended
                    else state.consents.get(name, ConsentState.NONE)
                ),
                latest=latest.get(name),
                minor=state.minor,
                reopened_at=self._compiled.consent_since.get(name),
            )
            for name, declared in self._policy.purposes.items()
            if record.group in declared.groups
        )
        return Choices(record.id, state.minor, suspended, self._policy.version, rows)


def _by_time(events: list[ConsentEvent]) -> list[ConsentEvent]:
    """In the order the guard folds them (by time; the ledger's order among equal times)."""
    return sorted(events, key=lambda event: event.recorded_at)


def _offered(rule: ConsentRule, action: str) -> ConsentAction:
    for offered in OFFERED[rule]:
        if offered == action:
            return offered
    raise ValidationFailed(
        f"{action!r} is not offered for a purpose whose consent rule is {rule!r}",
        reason="not_offered",
    )


def _evidence(seen: Seen) -> dict[str, str]:
    """What proves the change; the ledger cuts the page's query and the address's host part."""
    evidence = {"form": FORM}
    if seen.page:
        evidence["page"] = seen.page
    if seen.user_agent:
        evidence["user_agent"] = seen.user_agent
    if seen.client_ip and _is_address(seen.client_ip):
        evidence["ip"] = seen.client_ip
    return evidence


def _is_address(value: str) -> bool:
    """A test client or a Unix socket names its peer by something other than an address."""
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True
