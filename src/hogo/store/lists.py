"""Matching a column against a long list of ids, the way each database does it fastest.

``column IN (…)`` with thousands of placeholders costs psycopg more to parse than
PostgreSQL takes to run the query, so on PostgreSQL the ids travel as one array parameter
(``column = ANY(%s)``). Through SQLAlchemy, SQLite gets them as one JSON array
(``column IN (SELECT value FROM json_each(?))``): an ``IN`` list of thousands of expanding
parameters is rendered anew on every execution. Statements sent to the driver directly keep
the plain ``IN`` list, which SQLite runs as fast.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import BigInteger, ColumnElement, Connection, any_, bindparam, func, select
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
    listed = func.json_each(bindparam(None, json.dumps(list(ids)))).table_valued("value")
    return column.in_(select(listed.c.value))


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
