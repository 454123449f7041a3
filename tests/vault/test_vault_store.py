"""The vault on SQLite and PostgreSQL: what it stores, what it refuses, what it gives back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text

from hogo.errors import Conflict, KeyMismatch, NotFound, StorageRefused, ValidationFailed
from hogo.policy.model import Policy
from hogo.store.tables import consent_events, items
from hogo.vault.items import NewItem, PlainItem
from hogo.vault.keys import KeyRing
from hogo.vault.vault import Vault

Counts = Callable[[Engine], tuple[int, int]]
PAN = "4111 1111 1111 1111"
SECRETS = ["山田 花子", "hanako.yamada@example.jp", "03-1234-5678", "配送は午後に"]


def _subject(vault: Vault, engine: Engine, now: dt.datetime, ref: str = "c-1") -> int:
    with engine.begin() as connection:
        return vault.create_subject(connection, group="customers", ref=ref, now=now)


def _contact(name: str, email: str, phone: str) -> list[NewItem]:
    return [
        NewItem("name", name, ["orders"]),
        NewItem("email", email, ["orders", "newsletter"]),
        NewItem("phone", phone, ["orders"]),
    ]


def _read(vault: Vault, engine: Engine, subject_id: int) -> list[PlainItem]:
    with engine.connect() as connection:
        row = vault.subject_row(connection, subject_id)
        stored = vault.load_items(connection, subject_id)
    return vault.decrypt(row.wrapped_key, row.group, row.ref, stored)


def _raw_dump(engine: Engine) -> bytes:
    """Every cell of ``subjects`` and ``items`` as the database returns it, as bytes."""
    parts: list[bytes] = []
    with engine.connect() as connection:
        for table in ("subjects", "items"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                for cell in row:
                    value = bytes(cell) if isinstance(cell, bytes | memoryview) else str(cell)
                    parts.append(value if isinstance(value, bytes) else value.encode())
    return b"\x1f".join(parts)


def _sqlite_files(engine: Engine) -> bytes:
    """The SQLite database file and its write-ahead log, as they lie on disk."""
    path = Path(str(engine.url.database))
    engine.dispose()
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_round_trip(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    """R-18: what goes in encrypted comes back out, with its purposes and collection time."""
    subject_id = _subject(vault, engine, now)
    with engine.begin() as connection:
        ids = vault.add_items(connection, subject_id, _contact(*SECRETS[:3]), now=now)
    plain = _read(vault, engine, subject_id)
    assert [item.id for item in plain] == ids
    assert [(item.category, item.value) for item in plain] == [
        ("name", SECRETS[0]),
        ("email", SECRETS[1]),
        ("phone", SECRETS[2]),
    ]
    assert plain[1].purposes == ("orders", "newsletter")
    assert {item.collected_at for item in plain} == {now}
    assert {item.retain_until for item in plain} == {None}


def test_subject_row(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    with engine.begin() as connection:
        subject_id = vault.create_subject(
            connection, group="customers", ref="c-9", birth_date=dt.date(2010, 5, 5), now=now
        )
        row = vault.subject_row(connection, subject_id)
    assert (row.group, row.ref, row.birth_date) == ("customers", "c-9", dt.date(2010, 5, 5))
    assert (row.jurisdiction, row.status, row.created_at) == ("JP", "active", now)


def test_source_and_retention_are_recorded(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    """R-07: every item records how it was acquired."""
    subject_id = _subject(vault, engine, now)
    until = now + dt.timedelta(days=365)
    new = [
        NewItem("name", "佐藤", ["orders"], source="third_party", retain_until=until),
        NewItem("note", "memo", ["orders"]),
    ]
    with engine.begin() as connection:
        vault.add_items(connection, subject_id, new, now=now)
    assert [(i.source, i.retain_until) for i in _read(vault, engine, subject_id)] == [
        ("third_party", until),
        ("direct", None),
    ]


def test_unknown_source_is_refused(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    subject_id = _subject(vault, engine, now)
    with engine.begin() as connection, pytest.raises(ValidationFailed, match="source"):
        vault.add_items(
            connection, subject_id, [NewItem("name", "x", ["orders"], "rumour")], now=now
        )


def test_values_are_not_in_the_database_in_plain_text(
    vault: Vault, engine: Engine, now: dt.datetime
) -> None:
    """R-18: no value, in UTF-8, in any cell of the vault's tables (nor in the SQLite files)."""
    subject_id = _subject(vault, engine, now)
    new = [*_contact(*SECRETS[:3]), NewItem("note", SECRETS[3], ["orders"])]
    with engine.begin() as connection:
        vault.add_items(connection, subject_id, new, now=now)
    dump = _raw_dump(engine)
    if engine.dialect.name == "sqlite":
        dump += _sqlite_files(engine)
    for secret in [*SECRETS, "yamada", "12345678", "+81312345678"]:
        assert secret.encode() not in dump, secret


def test_find_by_email_and_phone(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    """The blind index finds a subject by any spelling of its e-mail or phone, and no other."""
    first, second = _subject(vault, engine, now, "c-1"), _subject(vault, engine, now, "c-2")
    with engine.begin() as connection:
        vault.add_items(connection, first, _contact("A", "a@example.jp", "03-1234-5678"), now=now)
        vault.add_items(connection, second, _contact("B", "b@example.jp", "090-1111-2222"), now=now)
    with engine.connect() as connection:
        assert vault.find_subjects(connection, "email", "A@Example.JP ") == [first]
        assert vault.find_subjects(connection, "email", "ｂ@ｅｘａｍｐｌｅ.ｊｐ") == [second]
        assert vault.find_subjects(connection, "phone", "+81 3 1234 5678") == [first]
        assert vault.find_subjects(connection, "phone", "０９０－１１１１－２２２２") == [second]
        assert vault.find_subjects(connection, "email", "c@example.jp") == []
        assert vault.find_subjects(connection, "phone", "03-1234-5679") == []


def test_lookup_kind_must_be_known(vault: Vault, engine: Engine) -> None:
    with engine.connect() as connection, pytest.raises(ValidationFailed, match="look-up kind"):
        vault.find_subjects(connection, "address", "x")


def test_card_number_is_kept_as_token_and_last_four(
    vault: Vault, engine: Engine, now: dt.datetime
) -> None:
    """PCI DSS 3.5.1 (keyed hash) and 3.4.1 (last 4): the PAN's digits appear nowhere."""
    subject_id = _subject(vault, engine, now)
    with engine.begin() as connection:
        vault.add_items(connection, subject_id, [NewItem("card_number", PAN, ["orders"])], now=now)
        row = connection.execute(select(items)).one()
    assert row.display == "************1111"
    assert len(bytes(row.ciphertext)) == 32
    assert row.blind_index is None
    dump = _raw_dump(engine) + (_sqlite_files(engine) if engine.dialect.name == "sqlite" else b"")
    for fragment in ("4111111111111111", PAN, "41111111", "111111111111"):
        assert fragment.encode() not in dump
    [plain] = _read(vault, engine, subject_id)
    assert plain.value == "************1111"


def test_invalid_card_number_is_refused(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    subject_id = _subject(vault, engine, now)
    new = [NewItem("card_number", "4111 1111 1111 1112", ["orders"])]
    with engine.begin() as connection, pytest.raises(ValidationFailed, match="Luhn"):
        vault.add_items(connection, subject_id, new, now=now)


def test_card_security_code_is_never_stored(
    vault: Vault, engine: Engine, now: dt.datetime, counts: Counts
) -> None:
    """PCI DSS 3.3.1: a card verification code is refused, even with valid items beside it."""
    subject_id = _subject(vault, engine, now)
    new = [
        NewItem("card_number", PAN, ["orders"]),
        NewItem("card_security_code", "123", ["orders"]),
    ]
    with engine.begin() as connection, pytest.raises(StorageRefused) as raised:
        vault.add_items(connection, subject_id, new, now=now)
    assert "card_security_code" in str(raised.value)
    assert "never" in str(raised.value)
    assert counts(engine) == (1, 0)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (NewItem("passport", "x", ["orders"]), "category 'passport' is not declared"),
        (NewItem("school", "x", ["hiring"]), "does not collect category 'school'"),
        (NewItem("name", "x", ["lottery"]), "purpose 'lottery' is not declared"),
        (NewItem("name", "x", ["hiring"]), "purpose 'hiring' does not cover subject group"),
        (NewItem("phone", "x", ["newsletter"]), "'newsletter' does not list category 'phone'"),
        (NewItem("name", "x", []), "names no purpose"),
    ],
    ids=[
        "undeclared-category",
        "not-collected",
        "undeclared-purpose",
        "purpose-of-other-group",
        "category-not-in-purpose",
        "no-purpose",
    ],
)
def test_items_the_policy_does_not_allow_store_nothing(
    vault: Vault,
    engine: Engine,
    now: dt.datetime,
    counts: Counts,
    item: NewItem,
    message: str,
) -> None:
    """APPI A17(1), A18(1): an item is stored only for declared purposes that cover it."""
    subject_id = _subject(vault, engine, now)
    valid = NewItem("name", "valid first", ["orders"])
    with engine.begin() as connection, pytest.raises(ValidationFailed, match=message):
        vault.add_items(connection, subject_id, [valid, item], now=now)
    assert counts(engine) == (1, 0)


def test_special_care_needs_prior_consent(
    vault: Vault, engine: Engine, now: dt.datetime, counts: Counts
) -> None:
    """R-08: special-care data only with the subject's consent to the current text."""
    subject_id = _subject(vault, engine, now)
    health = [NewItem("health", "喘息", ["care"])]
    with engine.begin() as connection, pytest.raises(StorageRefused, match="special-care"):
        vault.add_items(connection, subject_id, health, now=now)
    _consent(engine, subject_id, "v1", now)  # an older consent text does not count
    with engine.begin() as connection, pytest.raises(StorageRefused, match="'care'"):
        vault.add_items(connection, subject_id, health, now=now)
    _consent(engine, subject_id, "v2", now + dt.timedelta(seconds=1))
    with engine.begin() as connection:
        vault.add_items(connection, subject_id, health, now=now)
    assert counts(engine) == (1, 1)
    assert [item.value for item in _read(vault, engine, subject_id)] == ["喘息"]


def _consent(engine: Engine, subject_id: int, version: str, at: dt.datetime) -> None:
    row = {"subject_id": subject_id, "purpose": "care", "action": "grant", "version": version}
    row |= {"by_guardian": False, "method": "web", "recorded_at": at}
    with engine.begin() as connection:
        connection.execute(insert(consent_events).values(row))


def test_group_must_be_declared(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    with engine.begin() as connection, pytest.raises(ValidationFailed, match="'visitors'"):
        vault.create_subject(connection, group="visitors", ref="v-1", now=now)


def test_duplicate_subject_is_a_conflict(
    vault: Vault, engine: Engine, now: dt.datetime, counts: Counts
) -> None:
    _subject(vault, engine, now, "c-1")
    with engine.begin() as connection, pytest.raises(Conflict, match="already exists"):
        vault.create_subject(connection, group="customers", ref="c-1", now=now)
    with engine.begin() as connection:
        vault.create_subject(connection, group="applicants", ref="c-1", now=now)
    assert counts(engine) == (2, 0)


def test_unknown_subject_is_not_found(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    with engine.begin() as connection, pytest.raises(NotFound):
        vault.add_items(connection, 404, [NewItem("name", "x", ["orders"])], now=now)


def test_load_items_by_category(vault: Vault, engine: Engine, now: dt.datetime) -> None:
    subject_id = _subject(vault, engine, now)
    with engine.begin() as connection:
        vault.add_items(
            connection, subject_id, _contact("A", "a@example.jp", "0312345678"), now=now
        )
        stored = vault.load_items(connection, subject_id, ["email", "phone"])
        assert (
            vault.wrapped_key(connection, subject_id)
            == vault.subject_row(connection, subject_id).wrapped_key
        )
    assert [item.category for item in stored] == ["email", "phone"]
    assert "a@example.jp" not in repr(stored)


def test_a_different_master_key_cannot_write_or_read(
    vault: Vault, policy: Policy, engine: Engine, now: dt.datetime, counts: Counts
) -> None:
    """R-18: data written under one master key stays closed to another, in one line."""
    subject_id = _subject(vault, engine, now)
    with engine.begin() as connection:
        vault.add_items(
            connection, subject_id, _contact("A", "a@example.jp", "0312345678"), now=now
        )
    intruder = Vault(policy, KeyRing(b"\x00" * 32))
    with engine.begin() as connection, pytest.raises(KeyMismatch) as raised:
        intruder.add_items(connection, subject_id, [NewItem("name", "B", ["orders"])], now=now)
    assert "\n" not in str(raised.value)
    with engine.connect() as connection:
        row = intruder.subject_row(connection, subject_id)
        stored = intruder.load_items(connection, subject_id)
    with pytest.raises(KeyMismatch):
        intruder.decrypt(row.wrapped_key, row.group, row.ref, stored)
    assert counts(engine) == (1, 3)
