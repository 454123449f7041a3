"""``provide``: personal data out to a recipient, with a record for every person (R-29–R-34).

One call, all or nothing:

1. the order is checked against the policy and the recipients register
   (:func:`~hogo.services.provision.basis.check_order`); a basis that does not hold refuses the
   whole call with its reason, before anyone's data is read;
2. the people are read with their items and checked one by one by the guard
   (:mod:`~hogo.services.provision.people`); if any is left out, the call is refused naming
   them, unless the caller allows a partial provision;
3. the file (CSV, JSON lines or Parquet, sealed to the recipient's age key if asked) is
   written beside its destination under a hidden name and flushed to disk;
4. in one transaction the provision, one record per person and an audit entry are written and
   the file is linked to its destination; if the transaction fails, the file is unlinked, and
   if the link fails (something appeared there), nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, delete, insert, select

from hogo.errors import Conflict, Forbidden, NotFound, ProvisionRefused, ValidationFailed
from hogo.guard.compile import CompiledPolicy
from hogo.policy.model import Policy
from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.services.provision import export
from hogo.services.provision.basis import Order, Terms, check_order
from hogo.services.provision.people import (
    SHOWN_EXCLUDED,
    Excluded,
    Selection,
    counts,
    expired_categories,
    group_members,
    refuse_exclusions,
    select_people,
)
from hogo.services.provision.periods import check_method, record_retain_until
from hogo.services.provision.recipients import (
    REGISTER_ROLES,
    RecipientRegister,
    RecipientStatus,
)
from hogo.services.provision.records import (
    LogFilter,
    ProvisionRecord,
    ProvisionSummary,
    insert_records,
    provision_log,
    records_of,
)
from hogo.services.rights.deadlines import arrival_date
from hogo.services.scope import require_scope
from hogo.services.snapshot import subject_states
from hogo.store.lists import chunks
from hogo.store.tables import provision_records, provisions
from hogo.vault.items import SealedValue, SubjectRow
from hogo.vault.vault import Vault


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where the file goes and how it is made."""

    destination: Path
    format: str = "parquet"
    encrypt: bool = False  # seal it to the recipient's age public key
    method: str = "individual"  # individual | bulk | contract_substitute (PPC Rules Art. 19)


@dataclass(frozen=True, slots=True)
class People:
    """Whom to provide: ids, or every active person of a group holding one of the categories."""

    subject_ids: tuple[int, ...] = ()
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Provided:
    """A provision done: its file, its records, and who was left out."""

    id: int
    order: Order
    file: Path
    sha256: str
    format: str
    encrypted: bool
    people: int
    statutory: bool
    provided_at: dt.datetime
    retain_until: dt.datetime
    excluded: list[Excluded] = field(default_factory=list)


class ProvisionService:
    """Provides personal data to the policy's recipients and keeps the records."""

    def __init__(
        self,
        engine: Engine,
        compiled: CompiledPolicy,
        vault: Vault,
        register: RecipientRegister,
        clock: Clock = utc_now,
        *,
        export_dir: Path = Path("exports"),
    ) -> None:
        self.export_dir = export_dir  # where the API writes provisions (HOGO_EXPORT_DIR)
        self._engine = engine
        self._compiled = compiled
        self._policy: Policy = compiled.policy
        self._vault = vault
        self._register = register
        self._clock = clock

    def provide(
        self,
        actor: Actor,
        order: Order,
        people: People,
        delivery: Delivery,
        *,
        allow_partial: bool = False,
    ) -> Provided:
        """Provide, or refuse the whole call (see the module's description)."""
        now = self._clock()
        status = self._register.status(order.recipient, arrival_date(now, "appi"))
        terms = check_order(self._policy, order, status, arrival_date(now, "appi"))
        method = check_method(delivery.method)
        fmt = export.export_format(delivery.format)
        destination = export.check_destination(delivery.destination)
        key = _public_key(status) if delivery.encrypt else None
        with self._engine.connect() as connection:
            records = self._people(connection, order, people)
            stored = self._sealed(connection, list(records), order.categories, now)
            selection = self._select(connection, actor, order, terms, records, stored, now)
        refuse_exclusions(selection, allow_partial)
        data = fmt.render(self._frame(order, selection.included, stored))
        data = export.sealed(data, key) if key is not None else data
        the_file = export.FileFacts(
            placed=export.place_file(destination, data),
            sha256=hashlib.sha256(data).hexdigest(),
            format=fmt.name,
            encrypted=key is not None,
            method=method,
            facts_id=_facts_id(status),
            statutory=terms.statutory,
            retain_until=record_retain_until(method, now),
        )
        provision_id = self._commit_or_withdraw(actor, order, the_file, selection, now)
        return Provided(
            id=provision_id,
            order=order,
            file=destination,
            sha256=the_file.sha256,
            format=fmt.name,
            encrypted=the_file.encrypted,
            people=len(selection.included),
            statutory=terms.statutory,
            provided_at=now,
            retain_until=the_file.retain_until,
            excluded=selection.excluded,
        )

    def log(self, actor: Actor, wanted: LogFilter) -> list[ProvisionSummary]:
        """Provisions, the latest first, by recipient, person and date (``hogo provisions``).

        Naming a person needs a role whose scope covers the person's group (R-16).
        """
        if wanted.recipient is not None:
            self._register.declared(wanted.recipient)
        with self._engine.connect() as connection:
            if wanted.subject_id is not None:
                person = self._vault.subject_row(connection, wanted.subject_id)
                require_scope(self._policy, actor.role, group=person.group)
            return provision_log(connection, wanted)

    def exported_file(self, actor: Actor, provision_id: int) -> Path:
        """The file of a provision made into the export folder, if it is still as written;
        handing it out is audited."""
        with self._engine.connect() as connection:
            found = connection.execute(
                select(provisions.c.file_name, provisions.c.file_sha256).where(
                    provisions.c.id == provision_id
                )
            ).first()
        if found is None:
            raise NotFound(f"no provision {provision_id}")
        path = Path(found.file_name)
        if path.parent.resolve() != self.export_dir.resolve() or not path.is_file():
            raise NotFound(f"provision {provision_id} has no file in the export folder")
        if hashlib.sha256(path.read_bytes()).hexdigest() != found.file_sha256:
            raise Conflict(f"the file of provision {provision_id} changed after it was written")
        with self._engine.begin() as connection:
            detail = {"provision_id": provision_id, "file_sha256": found.file_sha256}
            at = self._clock()
            record(connection, actor, "provision_file", subject_id=None, at=at, detail=detail)
        return path

    def purge_expired(self, actor: Actor) -> int:
        """Delete the records of provision whose ``retain_until`` has come; how many.

        Privacy office only; a record still in its period is never touched (and the database
        refuses to delete one: migration 0006). The provisions themselves stay, with their
        counts and digests, so the log still shows what went where. Audited.
        """
        if actor.role not in REGISTER_ROLES:
            raise Forbidden(
                f"role {actor.role!r} may not purge records; it is for the privacy office"
            )
        now = self._clock()
        due = provision_records.c.retain_until <= now
        with self._engine.begin() as connection:
            count = connection.execute(delete(provision_records).where(due)).rowcount
            if count:
                detail = {"provision_records": count, "until": now.isoformat()}
                record(connection, actor, "provision_purge", subject_id=None, at=now, detail=detail)
        return int(count)

    def records_of(self, actor: Actor, subject_id: int) -> list[ProvisionRecord]:
        """One person's records of provision (R-40), for a role covering their group."""
        with self._engine.connect() as connection:
            person = self._vault.subject_row(connection, subject_id)
            require_scope(self._policy, actor.role, group=person.group)
            return records_of(connection, subject_id)

    # -- reading -----------------------------------------------------------------------

    def _people(
        self, connection: Connection, order: Order, people: People
    ) -> dict[int, SubjectRow]:
        if people.subject_ids and people.group is not None:
            raise ValidationFailed("name people by id or by group, not both")
        if people.group is not None:
            ids = group_members(connection, people.group, order.categories)
        else:
            ids = list(dict.fromkeys(people.subject_ids))
        if not ids:
            raise ValidationFailed("no one to provide: name subject ids or a group with data")
        found: dict[int, SubjectRow] = {}
        for chunk in chunks(ids):
            found.update(self._vault.subject_rows(connection, chunk))
        missing = [sid for sid in ids if sid not in found]
        if missing:
            raise NotFound(f"no subject {', '.join(map(str, missing[:SHOWN_EXCLUDED]))}")
        return {sid: found[sid] for sid in ids}

    def _sealed(
        self, connection: Connection, ids: list[int], categories: Sequence[str], now: dt.datetime
    ) -> dict[int, list[SealedValue]]:
        stored: dict[int, list[SealedValue]] = {}
        for chunk in chunks(ids):
            stored.update(self._vault.load_sealed_of(connection, chunk, categories, now))
        return stored

    def _select(
        self,
        connection: Connection,
        actor: Actor,
        order: Order,
        terms: Terms,
        records: dict[int, SubjectRow],
        stored: dict[int, list[SealedValue]],
        now: dt.datetime,
    ) -> Selection:
        rows = list(records.values())
        expired = {sid: expired_categories(found) for sid, found in stored.items()}
        states = subject_states(connection, self._compiled, rows, expired, now)
        return select_people(connection, self._compiled, actor.role, order, terms, rows, states)

    def _frame(
        self, order: Order, included: Sequence[SubjectRow], stored: dict[int, list[SealedValue]]
    ) -> pl.DataFrame:
        """One row per person: the reference, then each category's values as a list.

        Values are gathered flat (row, category, value) and grouped into lists by Polars, which
        is many times faster than building a list per person in Python.
        """
        rows: list[int] = []
        categories: list[str] = []
        values: list[str] = []
        for row, person in enumerate(included):
            sealed = stored[person.id]
            rows.extend([row] * len(sealed))
            categories.extend(item.category for item in sealed)
            values.extend(self._vault.open_values(person, sealed))
        flat = pl.DataFrame(
            {"row": rows, "category": categories, "value": values},
            schema={"row": pl.Int64(), "category": pl.String(), "value": pl.String()},
        )
        frame = pl.DataFrame({"row": range(len(included)), "subject": [p.ref for p in included]})
        for category in order.categories:
            lists = (
                flat.filter(pl.col("category") == category)
                .group_by("row", maintain_order=True)
                .agg(pl.col("value").alias(category))
            )
            frame = frame.join(lists, on="row", how="left").with_columns(
                pl.col(category).fill_null(pl.lit([], dtype=pl.List(pl.String())))
            )
        return frame.drop("row")

    # -- writing -----------------------------------------------------------------------

    def _commit_or_withdraw(
        self,
        actor: Actor,
        order: Order,
        the_file: export.FileFacts,
        selection: Selection,
        now: dt.datetime,
    ) -> int:
        """:meth:`_commit`; if it fails, the file goes too. The hidden copy goes either way."""
        try:
            return self._commit(actor, order, the_file, selection, now)
        except BaseException:
            the_file.placed.withdraw()
            raise
        finally:
            the_file.placed.discard_hidden()

    def _commit(
        self,
        actor: Actor,
        order: Order,
        the_file: export.FileFacts,
        selection: Selection,
        now: dt.datetime,
    ) -> int:
        """The provision, its records and its audit entry, then the file at its destination."""
        with self._engine.begin() as connection:
            inserted = connection.execute(
                insert(provisions)
                .values(
                    recipient=order.recipient,
                    purpose=order.purpose,
                    basis=order.basis,
                    exception=order.exception,
                    justification=order.justification,
                    linkage_expected=order.referable.linkage_expected if order.referable else None,
                    referable_confirmation=order.referable.confirmation
                    if order.referable
                    else None,
                    categories=list(order.categories),
                    people=len(selection.included),
                    policy_version=self._policy.version,
                    provided_at=now,
                    provided_by=actor.id,
                    **the_file.values(),
                )
                .returning(provisions.c.id)
            )
            provision_id = int(inserted.scalar_one())
            ids = [person.id for person in selection.included]
            until = the_file.retain_until
            insert_records(connection, provision_id, ids, selection.consent_ids, until)
            detail = {
                "provision_id": provision_id,
                "recipient": order.recipient,
                "purpose": order.purpose,
                "basis": order.basis,
                "people": len(ids),
                "excluded": dict(counts(selection.excluded)),
            }
            record(connection, actor, "provide", subject_id=None, at=now, detail=detail)
            the_file.placed.publish()
        return provision_id


def _facts_id(status: RecipientStatus) -> int:
    if status.facts is None:  # check_order refuses a recipient without facts first
        raise ProvisionRefused(f"recipient {status.id} has no facts on record")
    return status.facts.id


def _public_key(status: RecipientStatus) -> str:
    key = status.facts.public_key if status.facts else None
    if not key:
        raise ValidationFailed(
            f"recipient {status.id} has no public key on record: it cannot be sent sealed"
        )
    return key
