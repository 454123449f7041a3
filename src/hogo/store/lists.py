"""Matching a column against a long list of ids, the way each database does it fastest.

``column IN (…)`` with thousands of placeholders costs psycopg more to parse than
PostgreSQL takes to run the query, so on PostgreSQL the ids travel as one array parameter
(``column = ANY(%s)``); SQLite keeps the plain ``IN`` list.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, ColumnElement, Connection, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

CHUNK = 5_000  # ids per list: well under SQLite's limit of bound parameters


def chunks(values: Sequence[int], size: int = CHUNK) -> list[Sequence[int]]:
    """``values`` in slices of at most ``size``, for one query each."""
    return [values[start : start + size] for start in range(0, len(values), size)]


def among(
    connection: Connection, column: ColumnElement[int], ids: Sequence[int]
) -> ColumnElement[bool]:
    """``column`` is one of ``ids``."""
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(BigInteger())))
    return column.in_(list(ids))


def among_sql(connection: Connection, column: str, count: int, mark: str) -> str:
    """The same as driver SQL: ``column = ANY(mark)`` or ``column IN (mark, …)``; the values
    are :func:`among_values`."""
    if connection.dialect.name == "postgresql":
        return f"{column} = ANY({mark})"
    return f"{column} IN ({', '.join([mark] * count)})"


def among_values(connection: Connection, ids: Sequence[int]) -> list[object]:
    """The bound values for :func:`among_sql`."""
    if connection.dialect.name == "postgresql":
        return [list(ids)]
    return list(ids)
