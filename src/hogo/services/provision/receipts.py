"""Records of personal data received from third parties (APPI A30; PPC Rules Arts 22–25; R-35).

Before receiving personal data from a third party the company confirms who the provider is
(name, address, representative: by the provider's declaration) and how the provider
acquired the data (by contract or other document) (Rules Art. 22), and records per person
what Rules Art. 24 asks for the case:

- ``opt_out``: provided under the opt-out procedure of APPI A27(2): the date received, the
  provider, the acquisition, the person, the items, and that the PPC published the
  provider's filing (``ppc_published``);
- ``consent``: provided with the person's consent (A27(1), A28(1)): that consent, the
  provider, the acquisition, the person, the items;
- ``referable``: personally referable information that becomes personal data here (A31):
  that the person's consent was obtained, the provider, the person, the items;
- ``individual``: from a provider who is not a business (a private individual): the
  provider, the acquisition, the person, the items.

Data the company receives as a processor, by succession or in joint use (A27(5)), or under
an A27(1) exception, needs no record. Each record is kept one year (made in place of a
contract's own documents), or three years (in bulk, or otherwise) (Rules Art. 25; D13), and
the database refuses to delete it sooner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import Connection, Engine, delete, func, insert, select

from hogo.errors import ValidationFailed
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.services.provision.periods import RecordMethod, check_method, record_retain_until
from hogo.services.provision.recipients import require_register_role
from hogo.services.scope import require_scope
from hogo.store.lists import among, chunks
from hogo.store.tables import receipts, subjects
from hogo.vault.vault import Vault

ReceiptBasis = Literal["consent", "opt_out", "referable", "individual"]
RECEIPT_BASES: tuple[str, ...] = ("consent", "opt_out", "referable", "individual")
NEEDS_CONSENT = ("consent", "referable")  # Rules Art. 24(1)(i) and (iii): the fact of consent
MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Provider:
    """Who provided the data and how they acquired it (Rules Art. 22(1))."""

    name: str
    address: str
    representative: str
    acquisition: str


@dataclass(frozen=True, slots=True)
class Receipt:
    """One person's record of one receipt: the items of Rules Art. 24 and when it may go."""

    id: int
    subject_id: int
    provider: Provider
    basis: ReceiptBasis
    consent_confirmed: bool
    ppc_published: bool | None
    categories: tuple[str, ...]
    method: RecordMethod
    received_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    retain_until: dt.datetime

    def to_json(self) -> dict[str, Any]:
        """The record as JSON values, the shape of ``hogo receipts list --json``."""
        return {
            "id": self.id,
            "subject_id": self.subject_id,
            "provider_name": self.provider.name,
            "provider_address": self.provider.address,
            "provider_representative": self.provider.representative,
            "provider_acquisition": self.provider.acquisition,
            "basis": self.basis,
            "consent_confirmed": self.consent_confirmed,
            "ppc_published": self.ppc_published,
            "categories": list(self.categories),
            "method": self.method,
            "received_at": self.received_at.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
            "retain_until": self.retain_until.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Recorded:
    """What :meth:`ReceiptService.record` wrote."""

    ids: tuple[int, ...]
    subject_ids: tuple[int, ...]
    retain_until: dt.datetime


class ReceiptService:
    """Records receipts, all or nothing; lists a person's; purges those past their date."""

    def __init__(
        self, engine: Engine, policy: Policy, vault: Vault, clock: Clock = utc_now
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._vault = vault
        self._clock = clock

    def record(
        self,
        actor: Actor,
        subject_ids: Sequence[int],
        provider_name: str,
        provider_address: str,
        provider_representative: str,
        provider_acquisition: str,
        basis: str,
        categories: Sequence[str],
        method: str,
        received_at: dt.datetime | None,
        consent_confirmed: bool,
        ppc_published: bool | None = None,
    ) -> Recorded:
        """One ``receipts`` row per person, in one transaction, with one audit entry.

        ``received_at`` ``None`` means now. The record is kept until
        :func:`~hogo.services.provision.periods.record_retain_until` of ``method`` and now.

        Refused, with nothing written: a blank provider field or acquisition, an unknown
        basis or method, a consent or referable receipt without the consent confirmed, an
        opt-out receipt without the PPC's publication, a category the policy does not
        declare, a person unknown or erased, or one whose group or the categories the
        actor's role does not cover.
        """
        provider = _provider(
            provider_name, provider_address, provider_representative, provider_acquisition
        )
        checked_basis = _basis(basis, consent_confirmed, ppc_published)
        checked_method = check_method(method)
        wanted = self._categories(categories)
        people = _people(subject_ids)
        now = self._clock()
        retain_until = record_retain_until(checked_method, now)
        shared = {
            "provider_name": provider.name,
            "provider_address": provider.address,
            "provider_representative": provider.representative,
            "provider_acquisition": provider.acquisition,
            "basis": checked_basis,
            "consent_confirmed": consent_confirmed,
            "ppc_published": ppc_published,
            "categories": list(wanted),
            "method": checked_method,
            "received_at": _check_received(received_at, now),
            "recorded_at": now,
            "recorded_by": actor.id,
            "retain_until": retain_until,
        }
        with self._engine.begin() as connection:
            self._check_subjects(connection, actor, people, wanted)
            inserted = connection.execute(
                insert(receipts).returning(receipts.c.id, sort_by_parameter_order=True),
                [{"subject_id": subject_id, **shared} for subject_id in people],
            )
            ids = tuple(int(row_id) for row_id in inserted.scalars())
            detail = {
                "receipts": len(ids),
                "basis": checked_basis,
                "method": checked_method,
                "categories": list(wanted),
                "retain_until": retain_until.isoformat(),
            }
            record(connection, actor, "receipt_record", subject_id=None, at=now, detail=detail)
        return Recorded(ids, people, retain_until)

    def for_subject(self, subject_id: int) -> list[Receipt]:
        """The person's receipts, the earliest received first (disclosure, R-40; A33(5))."""
        with self._engine.connect() as connection:
            self._vault.subject_row(connection, subject_id)  # unknown: NotFound
            return receipts_of(connection, subject_id)

    def purge_expired(self, actor: Actor, now: dt.datetime | None = None) -> int:
        """Delete the receipts whose ``retain_until`` has come; returns how many.

        Privacy office only. A record still in its period is never touched (and the database
        would refuse it: migration 0006). Audited when anything was deleted.
        """
        require_register_role(actor)
        now = now or self._clock()
        due = receipts.c.retain_until <= now
        with self._engine.begin() as connection:
            count = int(connection.execute(select(func.count()).where(due)).scalar_one())
            if count:
                connection.execute(delete(receipts).where(due))
                detail = {"receipts": count, "until": now.isoformat()}
                record(connection, actor, "receipt_purge", subject_id=None, at=now, detail=detail)
        return count

    def _categories(self, categories: Iterable[str]) -> tuple[str, ...]:
        wanted = tuple(dict.fromkeys(c.strip() for c in categories))
        if not wanted:
            raise ValidationFailed("name the items received: at least one category (R24)")
        unknown = [c for c in wanted if c not in self._policy.categories]
        if unknown:
            raise ValidationFailed(f"categories not declared in the policy: {', '.join(unknown)}")
        return wanted

    def _check_subjects(
        self, connection: Connection, actor: Actor, people: Sequence[int], wanted: Sequence[str]
    ) -> None:
        found: dict[int, tuple[str, str]] = {}
        for chunk in chunks(people):
            found.update(_existing(connection, chunk))
        unknown = [str(s) for s in people if s not in found]
        if unknown:
            raise ValidationFailed(f"no such subject: {_listed(unknown)}; nothing was recorded")
        erased = [str(s) for s in people if found[s][1] == "erased"]
        if erased:
            raise ValidationFailed(f"subject erased: {_listed(erased)}; nothing was recorded")
        for group in sorted({group for group, _status in found.values()}):
            require_scope(self._policy, actor.role, group=group, categories=wanted)


def receipts_of(connection: Connection, subject_id: int) -> list[Receipt]:
    """The person's receipts, the earliest received first, in the caller's transaction."""
    query = (
        select(receipts)
        .where(receipts.c.subject_id == subject_id)
        .order_by(receipts.c.received_at, receipts.c.id)
    )
    return [_receipt(row) for row in connection.execute(query).mappings()]


def _existing(connection: Connection, chunk: Sequence[int]) -> dict[int, tuple[str, str]]:
    """``(group, status)`` of the subjects of ``chunk`` that exist."""
    query = select(subjects.c.id, subjects.c.subject_group, subjects.c.status).where(
        among(connection, subjects.c.id, chunk)
    )
    return {row.id: (row.subject_group, row.status) for row in connection.execute(query)}


def _provider(name: str, address: str, representative: str, acquisition: str) -> Provider:
    """The provider's details: each required, none blank (Rules Art. 22(1)(i), (ii))."""
    given = {
        "provider name": name,
        "provider address": address,
        "provider representative": representative,
        "provider acquisition": acquisition,
    }
    blank = [label for label, value in given.items() if not (value or "").strip()]
    if blank:
        raise ValidationFailed(
            f"{', '.join(blank)} required: confirmed from the provider before receiving "
            "(PPC Rules Art. 22; R-35)"
        )
    long = [label for label, value in given.items() if len(value.strip()) > MAX_TEXT]
    if long:
        raise ValidationFailed(f"{', '.join(long)}: at most {MAX_TEXT} characters")
    return Provider(name.strip(), address.strip(), representative.strip(), acquisition.strip())


def _basis(basis: str, consent_confirmed: bool, ppc_published: bool | None) -> ReceiptBasis:
    """The case of Rules Art. 24, with the fact it requires."""
    if basis not in RECEIPT_BASES:
        raise ValidationFailed(
            f"unknown receipt basis {basis!r}; expected {', '.join(RECEIPT_BASES)}"
        )
    if basis in NEEDS_CONSENT and consent_confirmed is not True:
        raise ValidationFailed(
            f"a {basis} receipt needs the person's consent confirmed (PPC Rules Art. 24(1); "
            "R-35); nothing was recorded"
        )
    if basis == "opt_out" and ppc_published is not True:
        raise ValidationFailed(
            "an opt-out receipt needs the PPC's publication of the provider's filing "
            "confirmed (APPI A27(4); PPC Rules Art. 24(1)(i)); nothing was recorded"
        )
    return cast(ReceiptBasis, basis)


def _people(subject_ids: Sequence[int]) -> tuple[int, ...]:
    people = tuple(dict.fromkeys(subject_ids))  # one record per person, in the given order
    if not people:
        raise ValidationFailed("name at least one subject whose data was received")
    return people


def _check_received(received_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When the data was received: ``None`` is now; never in the future."""
    if received_at is None:
        return now
    if received_at.tzinfo is None:
        raise ValidationFailed("received_at needs a time zone")
    if received_at > now:
        raise ValidationFailed(f"received_at {received_at.isoformat()} is in the future")
    return received_at


def _listed(ids: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


def _receipt(row: Any) -> Receipt:
    return Receipt(
        id=row["id"],
        subject_id=row["subject_id"],
        provider=Provider(
            row["provider_name"],
            row["provider_address"],
            row["provider_representative"],
            row["provider_acquisition"],
        ),
        basis=row["basis"],
        consent_confirmed=row["consent_confirmed"],
        ppc_published=row["ppc_published"],
        categories=tuple(row["categories"]),
        method=row["method"],
        received_at=row["received_at"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
        retain_until=row["retain_until"],
    )
