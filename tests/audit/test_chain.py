"""The audit log is append-only and hash-chained; tampering is named (R-15, R-17)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Sequence

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError, InvalidRequestError

from hogo.audit.chain import append, head, verify
from hogo.audit.entry import GENESIS_HASH, AuditEntry, canonical_body, chain_hash
from hogo.errors import AuditBroken, AuditFailure
from hogo.store.tables import api_keys, audit_log

T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)


def entry(i: int, *, action: str = "read") -> AuditEntry:
    return AuditEntry(
        actor=f"staff-{i % 7}",
        action=action,
        subject_id=1000 + i,
        purpose="order_fulfilment",
        detail={"categories": {"name": "allowed", "address": "denied:role_scope"}, "n": i},
        at=T0 + dt.timedelta(seconds=i, microseconds=i),
    )


def entries(start: int, count: int) -> list[AuditEntry]:
    return [entry(i) for i in range(start, start + count)]


def fill(engine: Engine, count: int) -> None:
    with engine.begin() as connection:
        append(connection, entries(1, count))


def drop_append_only_triggers(connection: Connection) -> None:
    """What a privileged hand on the database could do first; the chain still tells."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
    else:
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))


def tamper(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as connection:
        drop_append_only_triggers(connection)
        connection.execute(text(statement), params)


def check(engine: Engine, *, batch: int = 10_000) -> tuple[int, int | None, str | None]:
    with engine.connect() as connection:
        result = verify(connection, batch=batch)
    return result.count, result.first_broken_seq, result.problem


def test_an_empty_log_is_intact(engine: Engine) -> None:
    assert check(engine) == (0, None, None)


def test_a_long_chain_verifies_page_by_page(engine: Engine) -> None:
    with engine.begin() as connection:
        assert append(connection, entries(1, 1500)) == list(range(1, 1501))
    with engine.begin() as connection:
        assert append(connection, entries(1501, 2)) == [1501, 1502]
        assert append(connection, []) == []
    assert check(engine, batch=100) == (1502, None, None)
    assert check(engine, batch=1502) == (1502, None, None)
    assert check(engine) == (1502, None, None)


def test_entries_link_to_the_one_before(engine: Engine) -> None:
    fill(engine, 3)
    with engine.connect() as connection:
        rows = connection.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        last = head(connection)
    assert rows[0].prev_hash == GENESIS_HASH
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    assert all(row.hash == chain_hash(row.prev_hash, row.body) for row in rows)
    assert last is not None
    assert (last.seq, last.hash) == (3, rows[-1].hash)


def test_an_edited_body_is_named(engine: Engine) -> None:
    fill(engine, 10)
    tamper(engine, "UPDATE audit_log SET body = replace(body, 'denied', 'allowed') WHERE seq = 5")
    count, seq, problem = check(engine, batch=3)
    assert (count, seq) == (5, 5)
    assert problem == "hash does not match the entry's body"


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(engine: Engine) -> None:
    fill(engine, 10)
    with engine.connect() as connection:
        prev = connection.execute(select(audit_log.c.hash).where(audit_log.c.seq == 4)).scalar()
    assert prev is not None
    forged = canonical_body(entry(5, action="decide"))
    tamper(
        engine,
        "UPDATE audit_log SET action = 'decide', body = :body, hash = :hash WHERE seq = 5",
        body=forged,
        hash=chain_hash(prev, forged),
    )
    assert check(engine)[1:] == (6, "prev_hash does not match the hash of entry 5")


def test_an_edited_column_is_caught(engine: Engine) -> None:
    """The queryable columns must agree with the hashed body."""
    fill(engine, 10)
    tamper(engine, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 7")
    assert check(engine)[1:] == (7, "column actor differs from the entry's body")


def test_a_deleted_entry_is_caught(engine: Engine) -> None:
    fill(engine, 10)
    tamper(engine, "DELETE FROM audit_log WHERE seq = 4")
    assert check(engine, batch=2) == (4, 5, "entries 4 to 4 are missing")


def test_a_deleted_first_entry_is_caught(engine: Engine) -> None:
    fill(engine, 3)
    tamper(engine, "DELETE FROM audit_log WHERE seq = 1")
    assert check(engine)[1:] == (2, "entries 1 to 1 are missing")


def test_a_wrong_prev_hash_is_caught(engine: Engine) -> None:
    fill(engine, 3)
    body = canonical_body(entry(4))
    wrong = "f" * 64
    with engine.begin() as connection:
        connection.execute(
            insert(audit_log).values(
                seq=4,
                at=entry(4).at,
                actor=entry(4).actor,
                action="read",
                subject_id=1004,
                purpose="order_fulfilment",
                body=body,
                prev_hash=wrong,
                hash=chain_hash(wrong, body),
            )
        )
    assert check(engine)[1:] == (4, "prev_hash does not match the hash of entry 3")


def test_raise_if_broken_names_the_entry(engine: Engine) -> None:
    fill(engine, 6)
    tamper(engine, "UPDATE audit_log SET body = body || ' ' WHERE seq = 2")
    with engine.connect() as connection:
        result = verify(connection)
    with pytest.raises(AuditBroken, match="broken at entry 2") as caught:
        result.raise_if_broken()
    assert caught.value.seq == 2


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"],
)
def test_the_database_refuses_update_and_delete(engine: Engine, statement: str) -> None:
    """R-17: the logs are tamper-evident, and the database itself keeps them append-only."""
    fill(engine, 2)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert check(engine) == (2, None, None)


def test_the_database_refuses_truncate_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    fill(engine, 2)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_log"))


def count_keys(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(api_keys)).scalar_one()


def callers_work(connection: Connection) -> None:
    connection.execute(
        insert(api_keys).values(id="k1", secret_hash="h", role="r", label=None, created_at=T0)
    )


def audited_operation(engine: Engine, audit: Sequence[AuditEntry]) -> None:
    with engine.begin() as connection:
        callers_work(connection)
        append(connection, audit)


def test_a_failed_append_undoes_the_callers_work(engine: Engine) -> None:
    """Fail closed: no audit entry, no operation."""
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE audit_log"))
    with pytest.raises(AuditFailure, match="not written"):
        audited_operation(engine, [entry(1)])
    assert count_keys(engine) == 0


def ignore_the_failure_and_carry_on(engine: Engine, audit: Sequence[AuditEntry]) -> None:
    with engine.begin() as connection:
        callers_work(connection)
        with contextlib.suppress(AuditFailure):
            append(connection, audit)
        callers_work(connection)  # refused: the transaction is already rolled back


def test_catching_the_failure_does_not_save_the_callers_work(engine: Engine) -> None:
    fill(engine, 1)
    unwritable = AuditEntry("staff-1", "read", None, None, {"x": object()}, T0)
    with pytest.raises(InvalidRequestError, match="closed transaction"):
        ignore_the_failure_and_carry_on(engine, [unwritable])
    assert count_keys(engine) == 0
    assert check(engine) == (1, None, None)


def test_a_batch_append_is_fast(engine: Engine) -> None:
    batch = entries(1, 5000)
    started = time.perf_counter()
    with engine.begin() as connection:
        append(connection, batch)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0, f"appending 5000 entries took {elapsed:.2f}s"
    assert check(engine)[:2] == (5000, None)


def append_many(engine: Engine, worker: int, rounds: int, failures: list[BaseException]) -> None:
    for i in range(rounds):
        try:
            with engine.begin() as connection:
                append(connection, [entry(worker * 1000 + i), entry(worker * 1000 + i + 500)])
        except AuditFailure as error:
            failures.append(error)


def run_workers(engine: Engine, workers: int, rounds: int) -> Sequence[BaseException]:
    failures: list[BaseException] = []
    threads = [
        threading.Thread(target=append_many, args=(engine, w, rounds, failures))
        for w in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_concurrent_appenders_never_fork_the_chain(engine: Engine) -> None:
    """Appenders are serialised (advisory lock / SQLite write lock): none fails, none forks."""
    assert run_workers(engine, workers=6, rounds=15) == []
    assert check(engine) == (6 * 15 * 2, None, None)


def test_appends_in_one_transaction_chain_on_from_the_last(engine: Engine) -> None:
    """A second append in a transaction reuses the tail it wrote; the chain stays whole."""
    with engine.begin() as connection:
        append(connection, [entry(1)])
        append(connection, [entry(2)])
        append(connection, entries(3, 2))
    with engine.begin() as connection:
        append(connection, [entry(5)])
    assert check(engine) == (5, None, None)


def test_a_rolled_back_append_leaves_no_stale_tail(engine: Engine) -> None:
    with engine.begin() as connection:
        append(connection, [entry(1)])
    with engine.connect() as connection:
        with connection.begin() as transaction:
            append(connection, [entry(2)])
            transaction.rollback()
        with connection.begin():
            append(connection, [entry(3)])
            with connection.begin_nested() as savepoint:
                append(connection, [entry(4)])
                savepoint.rollback()
            append(connection, [entry(5)])
    assert check(engine) == (3, None, None)


def test_an_append_in_a_kept_savepoint_moves_the_tail(engine: Engine) -> None:
    with engine.begin() as connection:
        append(connection, [entry(1)])
        with connection.begin_nested():
            append(connection, [entry(2)])
        append(connection, [entry(3)])
    assert check(engine) == (3, None, None)
