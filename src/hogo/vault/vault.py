"""The vault: subjects and their items, stored as the policy allows and encrypted at rest.

Every method that touches the database takes the caller's
:class:`~sqlalchemy.engine.Connection`, so the caller owns the transaction: a rights request,
an ingest job or a test decides where it begins and ends. Writes check everything first
(policy, values, duplicates) and encrypt the whole input before the first row is written, so
an invalid input writes nothing. Only a race (another transaction storing the same subject
between the check and the insert) fails after a write; it raises :class:`Conflict` and the
caller's transaction, rolled back, still leaves nothing behind.

- R-07: every item records its source (direct, third party, public, succession).
- R-08: a special-care category is stored only with the subject's recorded prior consent
  for every purpose it is collected for.
- R-18: values are encrypted at rest with AES-GCM under per-subject data keys
  (:mod:`hogo.vault.envelope`); e-mail and phone are found through a keyed blind index.
- PCI DSS 3.3.1, 3.4.1, 3.5.1: a card security code is refused (``storage: never``); a card
  number is kept only as a keyed token and its last four digits (:mod:`hogo.vault.cards`).
- R-12: an item whose retention clock starts at an event already recorded for its subject
  gets its end when it is stored (:mod:`hogo.vault.clocks`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Dialect, update
from sqlalchemy.exc import IntegrityError

from hogo.errors import Conflict, KeyMismatch, NotFound, StorageRefused, ValidationFailed
from hogo.policy.model import Policy
from hogo.policy.retention import RetentionTerms
from hogo.store.tables import items, subjects
from hogo.vault import clocks, reads, writes
from hogo.vault.blind_index import blind_index
from hogo.vault.envelope import (
    ValueCipher,
    new_data_keys,
    nonces,
    subject_aad,
    unwrap_data_key,
    wrap_data_key,
)
from hogo.vault.items import (
    ACTIVE,
    IngestStats,
    LookupKind,
    NewItem,
    NewSubject,
    PlainItem,
    SealedValue,
    StoredItem,
    SubjectRow,
)
from hogo.vault.keys import NONCE_BYTES, KeyRing, ensure_keyring
from hogo.vault.rules import ItemRule, Rules, check_now
from hogo.vault.seal import Sealer
from hogo.vault.writes import Binder, ItemRow, Row, SubjectKey

JURISDICTION = re.compile(r"^[A-Z]{2,3}$")
MAX_REF = 200
LOOKUP_KINDS = ("email", "phone")


class Vault:
    """Stores and reads subjects and items under one policy and one master key."""

    def __init__(self, policy: Policy, keyring: KeyRing) -> None:
        self._policy = policy
        self._keyring = keyring
        self._terms = RetentionTerms(policy)

    # -- writes -------------------------------------------------------------------------

    def create_subject(
        self,
        connection: Connection,
        *,
        group: str,
        ref: str,
        birth_date: dt.date | None = None,
        jurisdiction: str | None = None,
        now: dt.datetime,
    ) -> int:
        """Create an active subject with a fresh data key; its id."""
        subject = NewSubject(group, ref, birth_date, jurisdiction)
        ids = self._write(connection, [subject], now)
        return ids[(group, ref)]

    def ingest(
        self,
        connection: Connection,
        batch: Sequence[NewSubject],
        *,
        now: dt.datetime | None = None,
    ) -> IngestStats:
        """Create the subjects of ``batch`` with their items: all of them, or none.

        ``now`` (default: the current time) is the subjects' creation and items' collection time.
        """
        self._write(connection, batch, now or dt.datetime.now(dt.UTC))
        return IngestStats(subjects=len(batch), items=sum(len(s.items) for s in batch))

    def add_items(
        self,
        connection: Connection,
        subject_id: int,
        new_items: Sequence[NewItem],
        *,
        now: dt.datetime,
    ) -> list[int]:
        """Store items of an existing active subject; their ids, in the order given."""
        check_now(now)
        subject = reads.subject_row(connection, subject_id)
        if subject.status != ACTIVE:
            raise Conflict(f"subject {subject_id} is {subject.status}; it takes no new items")
        ensure_keyring(connection, self._keyring)
        data_key = unwrap_data_key(self._keyring, subject.wrapped_key, subject.group, subject.ref)
        rules = Rules(self._policy)
        sealer = Sealer(self._keyring, rules, Binder(connection.dialect), now, len(new_items))
        rows = sealer.seal(data_key, subject.group, new_items)
        self._check_special_care(connection, subject_id, rules.used())
        ids = writes.insert_items_returning(connection, [(subject_id, *row) for row in rows])
        self._start_clocks(connection, subject_id, rules.used())
        connection.execute(
            update(subjects).where(subjects.c.id == subject_id).values(updated_at=now)
        )
        return ids

    def revise_item(
        self, connection: Connection, subject_id: int, item_id: int, value: str, *, now: dt.datetime
    ) -> StoredItem:
        """Give an active item a new value, checked and sealed as a new one; the old item."""
        check_now(now)
        subject = reads.subject_row(connection, subject_id)
        if subject.status != ACTIVE:
            raise Conflict(f"subject {subject_id} is {subject.status}; its items cannot change")
        old = next(iter(reads.load_items(connection, subject_id, None, item_ids=[item_id])), None)
        if old is None:
            raise NotFound(f"subject {subject_id} has no active item {item_id}")
        data_key = unwrap_data_key(self._keyring, subject.wrapped_key, subject.group, subject.ref)
        sealer = Sealer(self._keyring, Rules(self._policy), Binder(connection.dialect), now, 1)
        revised = NewItem(old.category, value, old.purposes, old.source)
        (row,) = sealer.seal(data_key, subject.group, [revised])
        connection.execute(
            update(items)
            .where(items.c.id == item_id)
            .values(ciphertext=row[1], display=row[2], blind_index=row[3])
        )
        return old

    def seal_file(self, subject: SubjectRow, data: bytes, label: str) -> bytes:
        """Encrypt a file about the subject (a proof, an answer) under its data key.

        Erasing the subject destroys the key, and with it every file sealed this way.
        """
        data_key = unwrap_data_key(self._keyring, subject.wrapped_key, subject.group, subject.ref)
        nonce = nonces(1)[0]
        return nonce + AESGCM(data_key).encrypt(nonce, data, b"file\x00" + label.encode())

    def open_file(self, subject: SubjectRow, sealed: bytes, label: str) -> bytes:
        data_key = unwrap_data_key(self._keyring, subject.wrapped_key, subject.group, subject.ref)
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        try:
            return AESGCM(data_key).decrypt(nonce, body, b"file\x00" + label.encode())
        except InvalidTag:
            raise KeyMismatch(f"a {label} file of subject {subject.id} does not decrypt") from None

    # -- reads --------------------------------------------------------------------------

    def find_subjects(self, connection: Connection, kind: str, value: str) -> list[int]:
        """Subjects with an ``email`` or ``phone`` item matching ``value``, without decrypting."""
        lookup = _lookup_kind(kind)
        categories = [name for name, c in self._policy.categories.items() if c.lookup == lookup]
        if not categories:
            return []
        index = blind_index(self._keyring.index_key, lookup, value)
        return reads.find_by_index(connection, index, categories)

    def subject_row(self, connection: Connection, subject_id: int) -> SubjectRow:
        return reads.subject_row(connection, subject_id)

    def subject_rows(
        self, connection: Connection, subject_ids: Collection[int]
    ) -> dict[int, SubjectRow]:
        return reads.subject_rows(connection, subject_ids)

    def wrapped_key(self, connection: Connection, subject_id: int) -> bytes:
        """The subject's wrapped data key, for :meth:`decrypt`."""
        return reads.subject_row(connection, subject_id).wrapped_key

    def load_items(
        self, connection: Connection, subject_id: int, categories: Collection[str] | None = None
    ) -> list[StoredItem]:
        """The subject's active items of ``categories`` (all when None), still encrypted."""
        return reads.load_items(connection, subject_id, categories)

    def load_items_of(
        self, connection: Connection, subject_ids: Collection[int], categories: Collection[str]
    ) -> dict[int, list[StoredItem]]:
        """The active items of ``categories`` of many subjects, still encrypted, by subject."""
        return reads.load_items_of(connection, subject_ids, categories)

    def load_sealed_of(
        self,
        connection: Connection,
        subject_ids: Sequence[int],
        categories: Sequence[str],
        now: dt.datetime,
    ) -> dict[int, list[SealedValue]]:
        """Many subjects' active items of ``categories``, lean, for :meth:`open_values`."""
        return reads.load_sealed_of(connection, subject_ids, categories, now)

    def open_values(self, subject: SubjectRow, sealed: Iterable[SealedValue]) -> list[str]:
        """The values of ``sealed`` in order; a card number comes back masked, never in full."""
        cipher = ValueCipher(
            unwrap_data_key(self._keyring, subject.wrapped_key, subject.group, subject.ref)
        )
        values = []
        for item in sealed:
            if self._is_token(item.category, item.display):
                values.append(item.display or "")
            else:
                values.append(cipher.open(item.ciphertext, item.category, item.id))
        return values

    def decrypt(
        self, wrapped_key: bytes, group: str, ref: str, stored: Iterable[StoredItem]
    ) -> list[PlainItem]:
        """The values of ``stored``; a card number comes back masked, never in full."""
        data_key = unwrap_data_key(self._keyring, wrapped_key, group, ref)
        cipher = ValueCipher(data_key)
        return [self._plain(cipher, item) for item in stored]

    # -- internals ----------------------------------------------------------------------

    def _write(
        self, connection: Connection, batch: Sequence[NewSubject], now: dt.datetime
    ) -> dict[SubjectKey, int]:
        check_now(now)
        keys = _unique_keys(batch)
        rules = Rules(self._policy)
        subject_rows, item_rows = self._seal(connection.dialect, rules, batch, now)
        for rule in rules.used():
            if rule.special_care:
                raise StorageRefused(
                    f"{_special_care(rule)}: add it with add_items once the consent is recorded"
                )
        taken = writes.existing_subjects(connection, keys)
        if taken:
            raise Conflict(f"subject {taken[0][0]}/{taken[0][1]} already exists")
        ensure_keyring(connection, self._keyring)
        try:
            ids = writes.insert_subjects(connection, subject_rows)
        except IntegrityError:
            # Another transaction stored one of these subjects after the check above.
            raise Conflict("a subject of the batch was stored meanwhile; nothing stored") from None
        writes.insert_items(connection, _with_subject_ids(ids, item_rows))
        return ids

    def _seal(
        self, dialect: Dialect, rules: Rules, batch: Sequence[NewSubject], now: dt.datetime
    ) -> tuple[list[Row], list[tuple[SubjectKey, list[ItemRow]]]]:
        """Subject rows with wrapped data keys, and each subject's encrypted item rows."""
        binder = Binder(dialect)
        sealer = Sealer(self._keyring, rules, binder, now, sum(len(s.items) for s in batch))
        created = binder.time(now)
        subject_rows: list[Row] = []
        item_rows: list[tuple[SubjectKey, list[ItemRow]]] = []
        for subject, data_key, nonce in zip(
            batch, new_data_keys(len(batch)), nonces(len(batch)), strict=True
        ):
            jurisdiction = self._check_subject(rules, subject, now)
            wrapped = wrap_data_key(
                self._keyring, data_key, subject_aad(subject.group, subject.ref), nonce
            )
            birth_date = binder.date(subject.birth_date)
            row = (subject.group, subject.ref, birth_date, jurisdiction, ACTIVE, wrapped, created)
            subject_rows.append((*row, created))
            rows = sealer.seal(data_key, subject.group, subject.items)
            item_rows.append(((subject.group, subject.ref), rows))
        return subject_rows, item_rows

    def _check_subject(self, rules: Rules, subject: NewSubject, now: dt.datetime) -> str:
        """The subject's jurisdiction, or why the subject cannot be stored."""
        rules.check_group(subject.group)
        if not subject.ref or len(subject.ref) > MAX_REF:
            raise ValidationFailed(f"a subject ref has 1 to {MAX_REF} characters")
        if subject.birth_date is not None and subject.birth_date > now.date():
            raise ValidationFailed(f"subject {subject.ref}: birth date is in the future")
        jurisdiction = subject.jurisdiction or self._policy.minors.default_jurisdiction
        if not JURISDICTION.match(jurisdiction):
            raise ValidationFailed(f"jurisdiction {jurisdiction!r} is not a 2-3 letter code")
        return jurisdiction

    def _start_clocks(
        self, connection: Connection, subject_id: int, item_rules: Iterable[ItemRule]
    ) -> None:
        """Items stored after the event their clock waits for was recorded get their end now.

        No query when no rule of the batch waits for an event; one when the subject has none
        of them recorded. A batch of :meth:`ingest` needs none: its subjects are new, with no
        events yet.
        """
        waiting = {term.event for rule in item_rules for term in rule.retention if term.event}
        if waiting:
            clocks.recompute(connection, self._terms, [subject_id], waiting)

    def _check_special_care(
        self, connection: Connection, subject_id: int, item_rules: Iterable[ItemRule]
    ) -> None:
        """R-08: prior consent recorded for every purpose of a special-care item."""
        for rule in {rule.category: rule for rule in item_rules if rule.special_care}.values():
            for purpose in rule.purposes:
                version = self._policy.purposes[purpose].consent_version
                if not reads.consent_granted(connection, subject_id, purpose, version):
                    raise StorageRefused(
                        f"{_special_care(rule)}: no consent to purpose {purpose!r} is recorded"
                    )

    def _is_token(self, category: str, display: str | None) -> bool:
        """A card kept as a token: its masked form is all there is to show."""
        declared = self._policy.categories.get(category)
        return declared.storage == "token" if declared else display is not None

    def _plain(self, cipher: ValueCipher, item: StoredItem) -> PlainItem:
        value = (
            (item.display or "")
            if self._is_token(item.category, item.display)
            else cipher.open(item.ciphertext, item.category, item.id)
        )
        return PlainItem(
            id=item.id,
            category=item.category,
            value=value,
            display=item.display,
            purposes=item.purposes,
            source=item.source,
            collected_at=item.collected_at,
            retain_until=item.retain_until,
        )


def _lookup_kind(kind: str) -> LookupKind:
    if kind == "email":
        return "email"
    if kind == "phone":
        return "phone"
    raise ValidationFailed(f"look-up kind {kind!r} is not one of {', '.join(LOOKUP_KINDS)}")


def _unique_keys(batch: Sequence[NewSubject]) -> list[SubjectKey]:
    keys = [(subject.group, subject.ref) for subject in batch]
    if len(set(keys)) != len(keys):
        seen: set[SubjectKey] = set()
        for key in keys:
            if key in seen:
                raise Conflict(f"subject {key[0]}/{key[1]} appears twice in the batch")
            seen.add(key)
    return keys


def _with_subject_ids(
    ids: dict[SubjectKey, int], item_rows: Sequence[tuple[SubjectKey, list[ItemRow]]]
) -> list[ItemRow]:
    rows: list[ItemRow] = []
    for key, sealed in item_rows:
        subject_id = (ids[key],)
        rows.extend([subject_id + row for row in sealed])
    return rows


def _special_care(rule: ItemRule) -> str:
    return (
        f"category {rule.category!r} is special-care information, stored only with the "
        "subject's prior consent (APPI A20(2))"
    )
