"""What hogo holds about one person, assembled from the vault and the ledgers (R-39, G-06).

Nothing here is typed in by hand: the items are decrypted from the vault, consents come from
the consent ledger with the text version each was given under, purposes, recipients and
retention from the policy in force, the reads from the audit log, requests from their ledger.
Records of provision (R-40) come from the records ``provide`` writes, with the recipient's
name, address and representative as they stood when the data went out; records of receipt
from those the receipts service writes. The same assembly
answers purpose notices (purposes only) and portability requests
(only the items the person provided, G-09).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from hogo.policy.model import Policy
from hogo.services.provision.receipts import receipts_of
from hogo.services.provision.records import records_of
from hogo.store.tables import audit_log, consent_events, requests, restrictions
from hogo.vault.items import SubjectRow
from hogo.vault.vault import Vault

Scope = str  # "full" | "purposes" | "provided"


@dataclass(frozen=True, slots=True)
class DisclosedItem:
    id: int
    category: str
    title_ja: str
    title_en: str
    value: str = field(repr=False)
    purposes: tuple[str, ...]
    source: str
    collected_at: dt.datetime
    retain_until: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One person's data and its context at ``generated_at``; every list may be empty."""

    subject_id: int
    group: str
    jurisdiction: str
    policy_version: str
    generated_at: dt.datetime
    items: tuple[DisclosedItem, ...]
    consents: tuple[dict[str, object], ...]
    purposes: tuple[dict[str, object], ...]
    recipients: tuple[dict[str, object], ...]
    retention: tuple[dict[str, object], ...]
    reads: tuple[dict[str, object], ...]
    requests: tuple[dict[str, object], ...]
    restrictions: tuple[dict[str, object], ...]
    provision_records: tuple[dict[str, object], ...] = ()
    receipt_records: tuple[dict[str, object], ...] = ()


def assemble(
    connection: Connection,
    policy: Policy,
    vault: Vault,
    subject: SubjectRow,
    now: dt.datetime,
    scope: Scope = "full",
) -> Disclosure:
    """The person's disclosure; ``scope`` narrows it for purpose notices and portability."""
    group = subject.group
    disclosed_items: tuple[DisclosedItem, ...] = ()
    if scope != "purposes":
        disclosed_items = _items(connection, policy, vault, subject)
        if scope == "provided":
            disclosed_items = tuple(i for i in disclosed_items if i.source == "direct")
    full = scope == "full"
    return Disclosure(
        subject_id=subject.id,
        group=group,
        jurisdiction=subject.jurisdiction,
        policy_version=policy.version,
        generated_at=now,
        items=disclosed_items,
        consents=_consents(connection, subject.id) if full else (),
        purposes=_purposes(policy, group),
        recipients=_recipients(policy, group) if scope != "provided" else (),
        retention=_retention(policy, group) if scope != "provided" else (),
        reads=_reads(connection, subject.id) if full else (),
        requests=_requests(connection, subject.id) if full else (),
        restrictions=_restrictions(connection, subject.id) if full else (),
        provision_records=_provisions(connection, subject.id) if full else (),
        receipt_records=_receipts(connection, subject.id) if full else (),
    )


def _items(
    connection: Connection, policy: Policy, vault: Vault, subject: SubjectRow
) -> tuple[DisclosedItem, ...]:
    stored = vault.load_items(connection, subject.id)
    if not stored:
        return ()
    plain = vault.decrypt(subject.wrapped_key, subject.group, subject.ref, stored)
    titles = policy.categories
    return tuple(
        DisclosedItem(
            id=item.id,
            category=item.category,
            title_ja=titles[item.category].title.ja if item.category in titles else item.category,
            title_en=titles[item.category].title.en if item.category in titles else item.category,
            value=item.value,
            purposes=tuple(item.purposes),
            source=item.source,
            collected_at=item.collected_at,
            retain_until=item.retain_until,
        )
        for item in plain
    )


def _consents(connection: Connection, subject_id: int) -> tuple[dict[str, object], ...]:
    columns = (
        consent_events.c.purpose,
        consent_events.c.action,
        consent_events.c.version,
        consent_events.c.by_guardian,
        consent_events.c.method,
        consent_events.c.recorded_at,
    )
    query = (
        select(*columns)
        .where(consent_events.c.subject_id == subject_id)
        .order_by(consent_events.c.id)
    )
    return tuple(dict(row._mapping) for row in connection.execute(query))


def _provisions(connection: Connection, subject_id: int) -> tuple[dict[str, object], ...]:
    return tuple(record.to_json() for record in records_of(connection, subject_id))


def _receipts(connection: Connection, subject_id: int) -> tuple[dict[str, object], ...]:
    return tuple(found.to_json() for found in receipts_of(connection, subject_id))


def _purposes(policy: Policy, group: str) -> tuple[dict[str, object], ...]:
    return tuple(
        {
            "purpose": name,
            "title_ja": purpose.title.ja,
            "title_en": purpose.title.en,
            "description_ja": purpose.description.ja,
            "description_en": purpose.description.en,
            "categories": list(purpose.categories),
            "appi_basis": purpose.legal_basis.appi,
            "gdpr_basis": purpose.legal_basis.gdpr,
            "consent": purpose.consent,
        }
        for name, purpose in policy.purposes.items()
        if group in purpose.groups
    )


def _recipients(policy: Policy, group: str) -> tuple[dict[str, object], ...]:
    return tuple(
        {
            "recipient": name,
            "title_ja": recipient.title.ja,
            "title_en": recipient.title.en,
            "kind": recipient.kind,
            "basis": recipient.basis,
            "country": recipient.country,
            "categories": list(recipient.categories),
            "purposes": list(recipient.purposes),
        }
        for name, recipient in policy.recipients.items()
        if group in recipient.groups
    )


def _retention(policy: Policy, group: str) -> tuple[dict[str, object], ...]:
    collected = (
        set(policy.subject_groups[group].collects) if group in policy.subject_groups else set()
    )
    return tuple(
        {
            "rule": name,
            "categories": sorted(collected & set(rule.categories)),
            "clock": rule.clock,
            "duration": rule.duration,
            "then": rule.then,
            "legal_minimum": rule.legal_minimum,
            "why": rule.why,
        }
        for name, rule in policy.retention.items()
        if collected & set(rule.categories)
    )


def _reads(connection: Connection, subject_id: int) -> tuple[dict[str, object], ...]:
    query = (
        select(audit_log.c.at, audit_log.c.actor, audit_log.c.action, audit_log.c.purpose)
        .where(audit_log.c.subject_id == subject_id)
        .order_by(audit_log.c.seq)
    )
    return tuple(dict(row._mapping) for row in connection.execute(query))


def _requests(connection: Connection, subject_id: int) -> tuple[dict[str, object], ...]:
    columns = (
        requests.c.id,
        requests.c.kind,
        requests.c.status,
        requests.c.received_at,
        requests.c.closed_at,
    )
    query = select(*columns).where(requests.c.subject_id == subject_id).order_by(requests.c.id)
    return tuple(dict(row._mapping) for row in connection.execute(query))


def _restrictions(connection: Connection, subject_id: int) -> tuple[dict[str, object], ...]:
    columns = (
        restrictions.c.kind,
        restrictions.c.purpose,
        restrictions.c.since,
        restrictions.c.lifted_at,
    )
    query = (
        select(*columns).where(restrictions.c.subject_id == subject_id).order_by(restrictions.c.id)
    )
    return tuple(dict(row._mapping) for row in connection.execute(query))
