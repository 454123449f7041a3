"""The Alembic migrations create exactly the tables hogo declares, and go down again."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection, Engine, Table, delete, func, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError

from hogo.store import migrate
from hogo.store.tables import audit_log, consent_events, metadata, subjects


def test_migrations_match_the_tables(engine: Engine) -> None:
    """``alembic check``: no difference between the migrations and hogo.store.tables."""
    migrate.check(engine)
    assert set(inspect(engine).get_table_names()) >= set(metadata.tables)


def test_downgrade_then_upgrade_round_trip(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert not set(inspect(engine).get_table_names()) & set(metadata.tables)
    migrate.upgrade(engine)
    migrate.check(engine)


def _append_one(connection: Connection, table: Table) -> None:
    now = dt.datetime.now(dt.UTC)
    if table is audit_log:
        connection.execute(
            insert(audit_log).values(
                seq=1, at=now, actor="t", action="read", body="{}", prev_hash="0", hash="1"
            )
        )
        return
    subject_id = connection.execute(
        insert(subjects).values(
            subject_group="customers",
            ref="r-1",
            jurisdiction="JP",
            status="active",
            wrapped_key=b"k",
            created_at=now,
            updated_at=now,
        )
    ).inserted_primary_key[0]
    connection.execute(
        insert(consent_events).values(
            subject_id=subject_id,
            purpose="p",
            action="grant",
            by_guardian=False,
            method="api",
            recorded_at=now,
        )
    )


@pytest.mark.parametrize("table", [audit_log, consent_events], ids=lambda t: t.name)
def test_append_only_ledgers_refuse_update_and_delete(engine: Engine, table: Table) -> None:
    """The audit log and the consent ledger are append-only in the database itself."""
    with engine.begin() as connection:
        _append_one(connection, table)
    key = next(iter(table.primary_key.columns))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(update(table).values({key.name: key + 100}))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(delete(table))
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(table)).scalar_one() == 1


def test_aware_datetimes_round_trip_as_utc(engine: Engine) -> None:
    jst = dt.timezone(dt.timedelta(hours=9))
    at = dt.datetime(2026, 4, 1, 9, 0, tzinfo=jst)
    with engine.begin() as connection:
        connection.execute(
            insert(audit_log).values(
                seq=7, at=at, actor="t", action="read", body="{}", prev_hash="0", hash="1"
            )
        )
        stored = connection.execute(select(audit_log.c.at)).scalar_one()
    assert stored == at
    assert stored.tzinfo is not None
    assert stored.utcoffset() == dt.timedelta(0)
