"""PostgreSQL bulk loading: ``COPY … FROM STDIN`` on the caller's connection and transaction.

``COPY`` loads rows many times faster than ``INSERT`` statements, but returns no ids; the ids
of a table with a serial key are drawn from its sequence first, which never hands the same
value out twice, even to transactions running at the same time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import IntegrityError


def next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` fresh values of the sequence behind ``table.id``."""
    sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
    name = connection.dialect.identifier_preparer.format_table(table)
    return [int(value) for value in connection.exec_driver_sql(sql, (name, count)).scalars()]


def copy_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Load ``rows`` (values in ``columns`` order) into ``table``.

    A unique or foreign key violation surfaces as SQLAlchemy's :class:`IntegrityError`, as it
    would from an ``INSERT``.
    """
    quote = connection.dialect.identifier_preparer
    names = ", ".join(quote.quote(name) for name in columns)
    statement = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except connection.dialect.loaded_dbapi.IntegrityError as error:
        raise IntegrityError(statement, None, error) from error
