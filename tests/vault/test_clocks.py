"""Retention clocks that start at events, on SQLite and PostgreSQL (R-12, R-13, D18, D23).

The example policy's rules: ``applicants_not_hired`` waits for the event
``applicant_not_hired`` (+P1Y), ``after_sales`` counts from the last activity (+P5Y),
``customer_orders`` keeps seven years with a floor of seven, ``resignee_records`` counts from
the end of the relationship (+P5Y) with a floor of five years from collection.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.exc import DBAPIError

from hogo.policy.load import load_policy
from hogo.policy.model import Policy
from hogo.policy.retention import RetentionTerms
from hogo.store.tables import items, subject_events
from hogo.vault import clocks
from hogo.vault.items import NewItem
from hogo.vault.keys import KeyRing
from hogo.vault.vault import Vault

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
JST = dt.timezone(dt.timedelta(hours=9))
T0 = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
NOT_HIRED = dt.datetime(2026, 11, 25, tzinfo=JST)
APPLICATION = [
    NewItem("name", "山田 花子", ["recruitment"]),
    NewItem("email", "hanako@example.jp", ["recruitment", "recruitment_information"]),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture
def vault(policy: Policy) -> Vault:
    return Vault(policy, KeyRing(os.urandom(32)))


@pytest.fixture
def terms(policy: Policy) -> RetentionTerms:
    return RetentionTerms(policy)


def person(
    vault: Vault, engine: Engine, group: str, new_items: Sequence[NewItem], now: dt.datetime = T0
) -> tuple[int, list[int]]:
    with engine.begin() as connection:
        subject_id = vault.create_subject(connection, group=group, ref=f"{group}-1", now=now)
        return subject_id, vault.add_items(connection, subject_id, new_items, now=now)


def happened(engine: Engine, subject_id: int, name: str, at: dt.datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(subject_events).values(
                subject_id=subject_id, event=name, at=at, recorded_at=T0, recorded_by="test"
            )
        )


def ends(engine: Engine, subject_id: int) -> list[tuple[dt.datetime | None, str | None]]:
    query = (
        select(items.c.retain_until, items.c.retention_rule)
        .where(items.c.subject_id == subject_id)
        .order_by(items.c.id)
    )
    with engine.connect() as connection:
        return [(row.retain_until, row.retention_rule) for row in connection.execute(query)]


def recompute(engine: Engine, terms: RetentionTerms, subject_id: int, *names: str) -> int:
    with engine.begin() as connection:
        return clocks.recompute(connection, terms, [subject_id], set(names) or None)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL the engine runs inside the block."""
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_R12_an_applicant_waits_for_the_decision_then_is_kept_one_year(
    vault: Vault, engine: Engine, terms: RetentionTerms
) -> None:
    """R-12: no end until applicant_not_hired; then 2026-11-25 + P1Y, by applicants_not_hired."""
    subject_id, _ = person(vault, engine, "applicants", APPLICATION)
    assert ends(engine, subject_id) == [(None, "applicants_not_hired")] * 2

    happened(engine, subject_id, "applicant_not_hired", NOT_HIRED)
    assert recompute(engine, terms, subject_id, "applicant_not_hired") == 2

    until = dt.datetime(2027, 11, 25, tzinfo=JST)
    assert ends(engine, subject_id) == [(until, "applicants_not_hired")] * 2
    assert recompute(engine, terms, subject_id, "applicant_not_hired") == 0  # nothing left


def test_R12_an_item_stored_after_the_event_gets_its_end_at_once(
    vault: Vault, engine: Engine
) -> None:
    """R-12: the vault applies an event already recorded when it stores a later item."""
    subject_id, _ = person(vault, engine, "applicants", APPLICATION[:1])
    happened(engine, subject_id, "applicant_not_hired", NOT_HIRED)
    with engine.begin() as connection:
        vault.add_items(connection, subject_id, APPLICATION[1:], now=T0 + dt.timedelta(days=200))
    until = dt.datetime(2027, 11, 25, tzinfo=JST)
    assert ends(engine, subject_id) == [(until, "applicants_not_hired")] * 2


def test_R12_storing_costs_no_event_query_unless_a_rule_waits_for_one(
    vault: Vault, engine: Engine
) -> None:
    """R-12: no query of events for collection clocks; one, and no update, when none happened."""
    inquiry = NewItem("inquiry_details", "返品について", ["inquiry_handling"])
    customer, _ = person(vault, engine, "customers", [inquiry])
    with statements(engine) as seen, engine.begin() as connection:
        vault.add_items(connection, customer, [inquiry], now=T0)
    assert not [sql for sql in seen if "subject_events" in sql]

    applicant, _ = person(vault, engine, "applicants", APPLICATION[:1])
    with statements(engine) as seen, engine.begin() as connection:
        vault.add_items(connection, applicant, APPLICATION[1:], now=T0)
    assert len([sql for sql in seen if "subject_events" in sql]) == 1
    assert not [sql for sql in seen if sql.lstrip().upper().startswith("UPDATE ITEMS")]


def test_R12_only_the_items_waiting_for_the_event_are_touched(
    vault: Vault, engine: Engine, terms: RetentionTerms
) -> None:
    """R-12: an event other than the one an item waits for changes nothing."""
    subject_id, _ = person(vault, engine, "applicants", APPLICATION)
    happened(engine, subject_id, "campaign_closed", NOT_HIRED)
    assert recompute(engine, terms, subject_id, "campaign_closed") == 0
    assert ends(engine, subject_id) == [(None, "applicants_not_hired")] * 2


def test_D18_an_activity_event_moves_the_end_of_last_activity_items(
    vault: Vault, engine: Engine, terms: RetentionTerms
) -> None:
    """D18: after_sales keeps five years from the later of collection and the last activity."""
    repair = NewItem("repair_records", "基板交換", ["after_sales_service"])
    subject_id, _ = person(vault, engine, "customers", [repair])
    assert ends(engine, subject_id) == [(dt.datetime(2031, 6, 1, 3, tzinfo=dt.UTC), "after_sales")]

    happened(engine, subject_id, "activity", dt.datetime(2028, 2, 10, tzinfo=dt.UTC))
    happened(engine, subject_id, "activity", dt.datetime(2027, 1, 5, tzinfo=dt.UTC))  # older
    assert recompute(engine, terms, subject_id, "activity") == 1
    assert ends(engine, subject_id) == [(dt.datetime(2033, 2, 10, tzinfo=dt.UTC), "after_sales")]


def test_R12_several_purposes_keep_the_item_until_the_last_ends(
    vault: Vault, engine: Engine, terms: RetentionTerms
) -> None:
    """R-12: an order record is kept seven years, longer if after-sales still needs it."""
    name = NewItem("name", "山田 太郎", ["order_confirmation", "after_sales_service"])
    subject_id, _ = person(vault, engine, "customers", [name])
    assert ends(engine, subject_id) == [
        (dt.datetime(2033, 6, 1, 3, tzinfo=dt.UTC), "customer_orders")
    ]
    happened(engine, subject_id, "activity", dt.datetime(2029, 4, 1, tzinfo=dt.UTC))
    assert recompute(engine, terms, subject_id, "activity") == 1
    assert ends(engine, subject_id) == [(dt.datetime(2034, 4, 1, tzinfo=dt.UTC), "after_sales")]


def test_R13_D23_a_resignee_keeps_the_legal_floor_from_collection(
    vault: Vault, engine: Engine, terms: RetentionTerms
) -> None:
    """R-13, D23: left 2026-03-31, records collected 2026-06-01: kept five years from collection."""
    records = [NewItem("remuneration", "月額 50万円", ["resignee_payments"])]
    subject_id, _ = person(vault, engine, "resignees", records)
    assert ends(engine, subject_id) == [(None, "resignee_records")]

    happened(engine, subject_id, "relationship_ended", dt.datetime(2026, 3, 31, tzinfo=JST))
    assert recompute(engine, terms, subject_id, "relationship_ended") == 1
    assert ends(engine, subject_id) == [
        (dt.datetime(2031, 6, 1, 3, tzinfo=dt.UTC), "resignee_records")
    ]


def test_R12_an_earlier_end_the_application_gave_stays_a_later_one_is_cut(
    vault: Vault, engine: Engine, terms: RetentionTerms
) -> None:
    """R-12: the application's own end stays while it is earlier than the policy's."""
    early, late = dt.datetime(2027, 3, 1, tzinfo=dt.UTC), dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    given = [
        NewItem("name", "山田 花子", ["recruitment"], retain_until=early),
        NewItem("cv", "職務経歴", ["recruitment"], retain_until=late),
    ]
    subject_id, _ = person(vault, engine, "applicants", given)
    happened(engine, subject_id, "applicant_not_hired", NOT_HIRED)
    assert recompute(engine, terms, subject_id, "applicant_not_hired") == 1
    policy_end = dt.datetime(2027, 11, 25, tzinfo=JST)
    assert ends(engine, subject_id) == [
        (early, "applicants_not_hired"),
        (policy_end, "applicants_not_hired"),
    ]


def test_latest_events_takes_the_latest_of_each_event_of_each_subject(
    vault: Vault, engine: Engine
) -> None:
    subject_id, _ = person(vault, engine, "applicants", APPLICATION[:1])
    first, second = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    happened(engine, subject_id, "activity", second)
    happened(engine, subject_id, "activity", first)
    happened(engine, subject_id, "applicant_not_hired", first)
    with engine.connect() as connection:
        everything = clocks.latest_events(connection, [subject_id, subject_id + 1])
        named = clocks.latest_events(connection, [subject_id], {"activity"})
        assert clocks.latest_events(connection, [subject_id], set()) == {}
    assert everything == {subject_id: {"activity": second, "applicant_not_hired": first}}
    assert named == {subject_id: {"activity": second}}


@pytest.mark.parametrize(
    "change", ["UPDATE subject_events SET event = 'x'", "DELETE FROM subject_events"]
)
def test_R12_events_are_append_only(vault: Vault, engine: Engine, change: str) -> None:
    """R-12: the database refuses to change or delete a recorded event."""
    subject_id, _ = person(vault, engine, "applicants", APPLICATION[:1])
    happened(engine, subject_id, "applicant_not_hired", NOT_HIRED)
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text(change))
    with engine.connect() as connection:
        kept = connection.execute(select(subject_events.c.event)).scalars().all()
    assert kept == ["applicant_not_hired"]
