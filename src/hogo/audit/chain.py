"""The audit log: append-only, hash-chained, written in the caller's transaction (R-15, R-17).

Every entry's ``hash`` is ``sha256(prev_hash ‖ "\\n" ‖ body)`` and its ``prev_hash`` is the hash of
the entry before it (64 zeros for the first). Changing, removing or reordering any entry breaks
the chain from that point on, and :func:`verify` names the first broken entry. The database
refuses UPDATE, DELETE and TRUNCATE on ``audit_log`` as well (migration 0001), so tampering
needs both a privileged hand on the database and a way past the chain. Removing entries from
the *end* leaves a shorter chain that is still intact; keep :func:`head` somewhere else (a
report, a ticket) to catch that.

Failing closed. :func:`append` runs on the caller's connection, inside the caller's
transaction, so the operation and its audit entries commit together or not at all, at the
cost of no extra commit. If the entries cannot be written, :func:`append` rolls back the
caller's transaction and raises :class:`~hogo.errors.AuditFailure`: the operation it was to
record does not happen, even if the caller catches the error.

Serialising appenders, so the chain never forks. Each appender must read the last
``(seq, hash)`` and insert after it with no other appender in between.

* PostgreSQL: ``pg_advisory_xact_lock(ADVISORY_LOCK_KEY)`` is taken before the tail is read and
  held until the caller's transaction ends.
* SQLite: one writer at a time. Before reading the tail, :func:`append` takes the database's
  write lock with an UPDATE that matches no row (the append-only trigger fires per row, so it
  does not fire); a second appender waits for it (the engine's ``busy_timeout``). If the
  caller's transaction had already read from a snapshot that another writer has since moved
  past, SQLite refuses the write ("database is locked").
* On every database the primary key on ``seq`` is the last guard: two appenders that both read
  the same tail cannot both insert the next ``seq``; the loser's IntegrityError becomes
  :class:`~hogo.errors.AuditFailure`, and the operation can be retried.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from hogo.audit.entry import GENESIS_HASH, AuditEntry, canonical_body, chain_hash, format_time
from hogo.errors import AuditBroken, AuditFailure
from hogo.store.tables import audit_log

ADVISORY_LOCK_KEY = 0x686F_676F_6175_6474
"""The PostgreSQL advisory lock that serialises appenders (the bytes of ``"hogoaudt"``)."""

_PG_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=ADVISORY_LOCK_KEY)
_SQLITE_WRITE_LOCK = text("UPDATE audit_log SET seq = seq WHERE 0 = 1")
_TAIL = select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
_SIGNED_COLUMNS = ("actor", "action", "subject_id", "purpose")


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last entry's sequence number and hash: record it elsewhere to detect truncation."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """How many entries were checked and, if the chain is broken, where and why."""

    count: int
    first_broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None

    def raise_if_broken(self) -> None:
        """Raise :class:`~hogo.errors.AuditBroken` naming the first broken entry."""
        if self.first_broken_seq is not None:
            detail = f"audit chain broken at entry {self.first_broken_seq}: {self.problem}"
            raise AuditBroken(detail, self.first_broken_seq)


def append(connection: Connection, entries: Sequence[AuditEntry]) -> list[int]:
    """Append ``entries`` in order in the caller's transaction; return their sequence numbers.

    The caller commits. On any failure the caller's transaction is rolled back and
    :class:`~hogo.errors.AuditFailure` is raised.
    """
    if not entries:
        return []
    try:
        bodies = [canonical_body(entry) for entry in entries]
        tail = _known_tail(connection)
        if tail is _UNKNOWN:
            _serialise(connection)
            tail = head(connection)
        rows = _link(entries, bodies, tail)
        connection.execute(insert(audit_log), rows)
        _remember_tail(connection, ChainHead(rows[-1]["seq"], rows[-1]["hash"]))
    except Exception as error:  # any failure: the operation must not commit without its entry
        _roll_back(connection)
        raise AuditFailure(
            f"audit entry not written, operation undone: {_reason(error)}"
        ) from error
    return [row["seq"] for row in rows]


_TAIL_KEY = "hogo.audit.tail"
_UNKNOWN = ChainHead(-1, "")


def _known_tail(connection: Connection) -> ChainHead | None:
    """The tail this transaction wrote last, if it still holds the lock: a second append in
    one transaction needs neither the lock nor the tail again. Inside a savepoint, which
    could roll back an entry, the tail is always read afresh."""
    if connection.in_nested_transaction():
        connection.info.pop(_TAIL_KEY, None)  # what the savepoint writes may yet be undone
        return _UNKNOWN
    known = connection.info.get(_TAIL_KEY)
    if known is None:
        return _UNKNOWN
    transaction, tail = known
    return tail if transaction is connection.get_transaction() else _UNKNOWN


def _remember_tail(connection: Connection, tail: ChainHead) -> None:
    if not connection.in_nested_transaction():
        connection.info[_TAIL_KEY] = (connection.get_transaction(), tail)


def head(connection: Connection) -> ChainHead | None:
    """The last entry of the chain, or ``None`` while the log is empty."""
    row = connection.execute(_TAIL).first()
    return None if row is None else ChainHead(seq=row.seq, hash=row.hash)


def _serialise(connection: Connection) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(_PG_LOCK)
    elif dialect == "sqlite":
        connection.execute(_SQLITE_WRITE_LOCK)


def _link(
    entries: Sequence[AuditEntry], bodies: Sequence[str], tail: ChainHead | None
) -> list[dict[str, Any]]:
    seq, prev_hash = (0, GENESIS_HASH) if tail is None else (tail.seq, tail.hash)
    rows = []
    for entry, body in zip(entries, bodies, strict=True):
        seq += 1
        digest = chain_hash(prev_hash, body)
        rows.append(
            {
                "seq": seq,
                "at": entry.at,
                "actor": entry.actor,
                "action": entry.action,
                "subject_id": entry.subject_id,
                "purpose": entry.purpose,
                "body": body,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    return rows


def _roll_back(connection: Connection) -> None:
    connection.info.pop(_TAIL_KEY, None)
    transaction = connection.get_transaction()
    if transaction is None or not transaction.is_active:
        return
    try:
        transaction.rollback()
    except SQLAlchemyError:
        connection.invalidate()


def _reason(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def verify(connection: Connection, *, batch: int = 10_000) -> VerifyResult:
    """Recompute every hash and link in ``seq`` order, ``batch`` rows at a time.

    Stops at the first broken entry: a changed body or column, a wrong ``prev_hash``, or a gap
    in ``seq`` (a deleted entry shows as a gap; the entry after it is named).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    count = 0
    prev_hash = GENESIS_HASH
    for row in _stream(connection, batch):
        count += 1
        problem = _check(row, count, prev_hash)
        if problem is not None:
            return VerifyResult(count=count, first_broken_seq=row.seq, problem=problem)
        prev_hash = row.hash
    return VerifyResult(count=count)


def _stream(connection: Connection, batch: int) -> Iterator[Row[Any]]:
    """All rows in ``seq`` order, one page of ``batch`` rows in memory at a time."""
    last = None
    while True:
        query = select(audit_log).order_by(audit_log.c.seq).limit(batch)
        if last is not None:
            query = query.where(audit_log.c.seq > last)
        page = connection.execute(query).all()
        yield from page
        if len(page) < batch:
            return
        last = page[-1].seq


def _check(row: Row[Any], expected_seq: int, prev_hash: str) -> str | None:
    if row.seq != expected_seq:
        if row.seq > expected_seq:
            return f"entries {expected_seq} to {row.seq - 1} are missing"
        return f"sequence number {row.seq} where {expected_seq} was expected"
    if row.prev_hash != prev_hash:
        before = "the genesis hash" if expected_seq == 1 else f"the hash of entry {row.seq - 1}"
        return f"prev_hash does not match {before}"
    if chain_hash(row.prev_hash, row.body) != row.hash:
        return "hash does not match the entry's body"
    return _check_columns(row)


def _check_columns(row: Row[Any]) -> str | None:
    """The queryable columns must say what the hashed body says."""
    try:
        body = json.loads(row.body)
    except ValueError:
        return "body is not valid JSON"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    for column in _SIGNED_COLUMNS:
        if body.get(column) != getattr(row, column):
            return f"column {column} differs from the entry's body"
    if body.get("at") != format_time(row.at):
        return "column at differs from the entry's body"
    return None
