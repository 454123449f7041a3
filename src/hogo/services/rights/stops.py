"""Stopping use: restrictions the guard reads at once, and consent withdrawals.

A suspension (APPI A35), restriction (GDPR Art. 18), objection (GDPR Art. 21) or stop of
provision (A35(3)) becomes one ``restrictions`` row per purpose (none: every purpose); the guard
answers ``suspended`` for those purposes from the next decision on (R-42, G-08, G-10). A
withdrawal of consent is a ``withdraw`` event in the consent ledger (G-02).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, insert

from hogo.errors import ValidationFailed
from hogo.policy.model import Policy
from hogo.services.rights.requests import RightsRequest
from hogo.store.tables import consent_events, restrictions
from hogo.vault.items import SubjectRow

OBJECTABLE_BASES = ("legitimate_interests", "public_task")  # GDPR Art. 21(1)


def restrict(
    connection: Connection,
    policy: Policy,
    request: RightsRequest,
    subject: SubjectRow,
    purposes: Sequence[str] | None,
    now: dt.datetime,
) -> list[str | None]:
    """Record the restriction the request asks for; the purposes it covers."""
    chosen = purposes_asked(policy, request, subject, purposes)
    rows = [
        {
            "subject_id": subject.id,
            "purpose": purpose,
            "kind": request.kind,
            "request_id": request.id,
            "since": now,
        }
        for purpose in chosen
    ]
    connection.execute(insert(restrictions), rows)
    return chosen


def withdraw(
    connection: Connection,
    policy: Policy,
    request: RightsRequest,
    subject: SubjectRow,
    purposes: Sequence[str] | None,
    now: dt.datetime,
) -> list[str]:
    """Withdraw consent for the purposes named, or every consent purpose of the group."""
    chosen = [p for p in purposes_asked(policy, request, subject, purposes) if p is not None]
    if not chosen:
        chosen = [
            name
            for name, p in policy.purposes.items()
            if subject.group in p.groups and p.consent != "not_required"
        ]
    rows = [
        {
            "subject_id": subject.id,
            "purpose": purpose,
            "action": "withdraw",
            "version": policy.purposes[purpose].consent_version,
            "by_guardian": False,
            "guardian_name": None,
            "method": "request",
            "recorded_at": now,
        }
        for purpose in chosen
    ]
    if rows:
        connection.execute(insert(consent_events), rows)
    return chosen


def purposes_asked(
    policy: Policy, request: RightsRequest, subject: SubjectRow, purposes: Sequence[str] | None
) -> list[str | None]:
    """The purposes named (argument first, then the request's details); ``[None]``: all.

    An objection naming none covers the purposes resting on legitimate interests or a public
    task, the processing GDPR Art. 21(1) lets a person object to.
    """
    named = purposes if purposes is not None else request.details.get("purposes")
    if not named:
        if request.kind == "objection":
            return [
                name
                for name, p in policy.purposes.items()
                if subject.group in p.groups and p.legal_basis.gdpr in OBJECTABLE_BASES
            ] or [None]
        return [None]
    for purpose in named:
        declared = policy.purposes.get(purpose)
        if declared is None or subject.group not in declared.groups:
            raise ValidationFailed(
                f"purpose {purpose!r} is not declared for subject group {subject.group!r}"
            )
    return list(dict.fromkeys(named))
