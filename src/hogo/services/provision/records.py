"""Records of provision: written in bulk with their provision, read per person (R-34, R-40).

A record holds what PPC Rules Art. 20 asks: the date, the recipient's name, address and
representative (from the register row the provision relied on), the person, the items, and
the consent relied on or the basis. One row per person points to its provision, which holds
the rest once. The database refuses to change a record, or to delete it before its
``retain_until`` (migration 0006).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from hogo.store.tables import provision_records, provisions, recipient_facts
from hogo.vault import pg_copy
from hogo.vault.writes import Binder, insert_sql

RECORD_COLUMNS = ("provision_id", "subject_id", "consent_event_id", "retain_until")


def insert_records(
    connection: Connection,
    provision_id: int,
    subject_ids: Sequence[int],
    consent_ids: Mapping[int, int],
    retain_until: dt.datetime,
) -> None:
    """One record per person, in the caller's transaction (COPY on PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        rows = [(provision_id, sid, consent_ids.get(sid), retain_until) for sid in subject_ids]
        pg_copy.copy_rows(connection, provision_records, RECORD_COLUMNS, rows)
        return
    until = Binder(connection.dialect).time(retain_until)
    rows = [(provision_id, sid, consent_ids.get(sid), until) for sid in subject_ids]
    connection.exec_driver_sql(
        insert_sql(connection.dialect, provision_records, RECORD_COLUMNS), rows
    )


@dataclass(frozen=True, slots=True)
class ProvisionRecord:
    """One person's record of one provision, as the person is told of it (R-40)."""

    provision_id: int
    provided_at: dt.datetime
    recipient: str
    recipient_name: str
    recipient_address: str
    recipient_representative: str
    country: str
    purpose: str
    categories: tuple[str, ...]
    basis: str
    exception: str | None
    consent_event_id: int | None
    method: str
    statutory: bool
    retain_until: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "provision_id": self.provision_id,
            "provided_at": self.provided_at.isoformat(),
            "recipient": self.recipient,
            "recipient_name": self.recipient_name,
            "recipient_address": self.recipient_address,
            "recipient_representative": self.recipient_representative,
            "country": self.country,
            "purpose": self.purpose,
            "categories": list(self.categories),
            "basis": self.basis,
            "exception": self.exception,
            "consent_event_id": self.consent_event_id,
            "method": self.method,
            "statutory": self.statutory,
            "retain_until": self.retain_until.isoformat(),
        }


def records_of(connection: Connection, subject_id: int) -> list[ProvisionRecord]:
    """The person's records of provision, the earliest first (an index lookup per person)."""
    query = (
        select(
            provisions.c.id,
            provisions.c.provided_at,
            provisions.c.recipient,
            recipient_facts.c.legal_name,
            recipient_facts.c.address,
            recipient_facts.c.representative,
            recipient_facts.c.country,
            provisions.c.purpose,
            provisions.c.categories,
            provisions.c.basis,
            provisions.c.exception,
            provision_records.c.consent_event_id,
            provisions.c.method,
            provisions.c.statutory,
            provision_records.c.retain_until,
        )
        .select_from(
            provision_records.join(
                provisions, provision_records.c.provision_id == provisions.c.id
            ).join(recipient_facts, provisions.c.facts_id == recipient_facts.c.id)
        )
        .where(provision_records.c.subject_id == subject_id)
        .order_by(provision_records.c.id)
    )
    return [_record(row) for row in connection.execute(query)]


def _record(row: Sequence[Any]) -> ProvisionRecord:
    return ProvisionRecord(
        provision_id=row[0],
        provided_at=row[1],
        recipient=row[2],
        recipient_name=row[3],
        recipient_address=row[4],
        recipient_representative=row[5],
        country=row[6],
        purpose=row[7],
        categories=tuple(row[8]),
        basis=row[9],
        exception=row[10],
        consent_event_id=row[11],
        method=row[12],
        statutory=row[13],
        retain_until=row[14],
    )


@dataclass(frozen=True, slots=True)
class ProvisionSummary:
    """One provision in the log: what went where, when, for how many people."""

    id: int
    provided_at: dt.datetime
    provided_by: str
    recipient: str
    purpose: str
    basis: str
    categories: tuple[str, ...]
    people: int
    method: str
    format: str
    encrypted: bool
    file_name: str
    file_sha256: str
    statutory: bool
    retain_until: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provided_at": self.provided_at.isoformat(),
            "provided_by": self.provided_by,
            "recipient": self.recipient,
            "purpose": self.purpose,
            "basis": self.basis,
            "categories": list(self.categories),
            "people": self.people,
            "method": self.method,
            "format": self.format,
            "encrypted": self.encrypted,
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "statutory": self.statutory,
            "retain_until": self.retain_until.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Which provisions to list; every field narrows, none lists all (the latest first)."""

    recipient: str | None = None
    subject_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 100


def provision_log(connection: Connection, wanted: LogFilter) -> list[ProvisionSummary]:
    query = select(provisions).order_by(provisions.c.provided_at.desc(), provisions.c.id.desc())
    if wanted.recipient is not None:
        query = query.where(provisions.c.recipient == wanted.recipient)
    if wanted.since is not None:
        query = query.where(provisions.c.provided_at >= wanted.since)
    if wanted.until is not None:
        query = query.where(provisions.c.provided_at < wanted.until)
    if wanted.subject_id is not None:
        theirs = select(provision_records.c.provision_id).where(
            provision_records.c.subject_id == wanted.subject_id
        )
        query = query.where(provisions.c.id.in_(theirs))
    found = connection.execute(query.limit(wanted.limit)).mappings()
    return [
        ProvisionSummary(
            id=row["id"],
            provided_at=row["provided_at"],
            provided_by=row["provided_by"],
            recipient=row["recipient"],
            purpose=row["purpose"],
            basis=row["basis"],
            categories=tuple(row["categories"]),
            people=row["people"],
            method=row["method"],
            format=row["format"],
            encrypted=row["encrypted"],
            file_name=row["file_name"],
            file_sha256=row["file_sha256"],
            statutory=row["statutory"],
            retain_until=row["retain_until"],
        )
        for row in found
    ]
