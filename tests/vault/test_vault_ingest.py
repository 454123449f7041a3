"""Bulk ingest: a whole batch in the caller's transaction, all of it or none of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from hogo.errors import Conflict, StorageRefused, ValidationFailed
from hogo.vault import writes
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.vault import Vault

Counts = Callable[[Engine], tuple[int, int]]


def _customer(n: int, *extra: NewItem) -> NewSubject:
    return NewSubject(
        group="customers",
        ref=f"c-{n}",
        birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=n),
        items=[
            NewItem("name", f"顧客 {n}", ["orders"]),
            NewItem("email", f"user{n}@example.jp", ["orders", "newsletter"]),
            NewItem("phone", f"090-{n:04d}-0000", ["orders"]),
            NewItem("card_number", "4111111111111111", ["orders"]),
            *extra,
        ],
    )


def test_ingest_stores_everything_and_reads_back(
    vault: Vault, engine: Engine, now: dt.datetime, counts: Counts
) -> None:
    """R-18: a batch is encrypted, indexed and tokenised like single additions."""
    batch = [_customer(n) for n in range(50)]
    batch.append(NewSubject("applicants", "a-1", jurisdiction="EU"))
    with engine.begin() as connection:
        stats = vault.ingest(connection, batch, now=now)
    assert (stats.subjects, stats.items) == (51, 200)
    assert counts(engine) == (51, 200)
    with engine.connect() as connection:
        [found] = vault.find_subjects(connection, "email", "USER7@example.jp")
        [by_phone] = vault.find_subjects(connection, "phone", "+81 90 0007 0000")
        row = vault.subject_row(connection, found)
        plain = vault.decrypt(
            row.wrapped_key, row.group, row.ref, vault.load_items(connection, found)
        )
    assert by_phone == found
    assert (row.ref, row.jurisdiction, row.birth_date) == ("c-7", "JP", dt.date(1990, 1, 8))
    assert {item.category: item.value for item in plain} == {
        "name": "顧客 7",
        "email": "user7@example.jp",
        "phone": "090-0007-0000",
        "card_number": "************1111",
    }


def test_ingest_without_now_uses_the_current_time(vault: Vault, engine: Engine) -> None:
    before = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        vault.ingest(connection, [_customer(1)])
        row = vault.subject_row(
            connection, vault.find_subjects(connection, "email", "user1@example.jp")[0]
        )
    assert row.created_at >= before.replace(microsecond=0)


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (NewItem("card_security_code", "123", ["orders"]), StorageRefused),
        (NewItem("card_number", "4111111111111112", ["orders"]), ValidationFailed),
        (NewItem("phone", "なし", ["orders"]), ValidationFailed),
        (NewItem("school", "東京大学", ["orders"]), ValidationFailed),
        (NewItem("health", "喘息", ["care"]), StorageRefused),
    ],
    ids=["security-code", "bad-card", "phone-without-digits", "not-collected", "special-care"],
)
def test_one_bad_item_stores_no_subject(
    vault: Vault,
    engine: Engine,
    now: dt.datetime,
    counts: Counts,
    bad: NewItem,
    error: type[Exception],
) -> None:
    """All-or-nothing: the last item of the last subject fails, nothing at all is written.

    PCI DSS 3.3.1 for the security code; R-08 for special-care data without recorded consent.
    """
    batch = [_customer(n) for n in range(20)] + [_customer(20, bad)]
    with engine.begin() as connection, pytest.raises(error):
        vault.ingest(connection, batch, now=now)
    assert counts(engine) == (0, 0)


def test_duplicate_in_batch_or_database_stores_nothing(
    vault: Vault, engine: Engine, now: dt.datetime, counts: Counts
) -> None:
    with engine.begin() as connection, pytest.raises(Conflict, match="twice"):
        vault.ingest(connection, [_customer(1), _customer(2), _customer(1)], now=now)
    assert counts(engine) == (0, 0)
    with engine.begin() as connection:
        vault.ingest(connection, [_customer(1)], now=now)
    with engine.begin() as connection, pytest.raises(Conflict, match="already exists"):
        vault.ingest(connection, [_customer(2), _customer(1)], now=now)
    assert counts(engine) == (1, 4)


def test_subject_stored_meanwhile_is_a_conflict(
    vault: Vault, engine: Engine, now: dt.datetime, counts: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subject stored by another transaction after the check fails on the unique key."""
    with engine.begin() as connection:
        vault.ingest(connection, [_customer(1)], now=now)
    monkeypatch.setattr(writes, "existing_subjects", lambda _connection, _keys: [])
    with engine.begin() as connection, pytest.raises(Conflict, match="meanwhile"):
        vault.ingest(connection, [_customer(2), _customer(1)], now=now)
    assert counts(engine) == (1, 4)


@pytest.mark.parametrize(
    "subject",
    [
        NewSubject("visitors", "v-1"),
        NewSubject("customers", ""),
        NewSubject("customers", "x" * 201),
        NewSubject("customers", "c-1", jurisdiction="japan"),
        NewSubject("customers", "c-1", birth_date=dt.date(2030, 1, 1)),
    ],
    ids=["undeclared-group", "empty-ref", "long-ref", "bad-jurisdiction", "unborn"],
)
def test_invalid_subjects_are_refused(
    vault: Vault, engine: Engine, now: dt.datetime, counts: Counts, subject: NewSubject
) -> None:
    with engine.begin() as connection, pytest.raises(ValidationFailed):
        vault.ingest(connection, [_customer(0), subject], now=now)
    assert counts(engine) == (0, 0)


def test_empty_batch(vault: Vault, engine: Engine, now: dt.datetime, counts: Counts) -> None:
    with engine.begin() as connection:
        stats = vault.ingest(connection, [], now=now)
    assert (stats.subjects, stats.items) == (0, 0)
    assert counts(engine) == (0, 0)


def test_naive_now_is_refused(vault: Vault, engine: Engine) -> None:
    with engine.begin() as connection, pytest.raises(ValidationFailed, match="aware"):
        vault.ingest(connection, [_customer(1)], now=dt.datetime(2025, 1, 1))
