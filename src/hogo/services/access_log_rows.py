"""Access-log rows to and from the database: members resolved, rows loaded in bulk.

Rows go in through the driver on the caller's connection (one ``executemany`` on SQLite,
``COPY`` on PostgreSQL), with times written by Polars in the form each driver takes, so no
Python ``datetime`` is made per row.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, func, select

from hogo.store.tables import access_log_lines, subjects
from hogo.vault import pg_copy
from hogo.vault.writes import insert_sql

COLUMNS = (
    "at",
    "ip",
    "method",
    "path",
    "status",
    "bytes",
    "referrer",
    "agent_class",
    "member_subject_id",
    "source",
    "retain_until",
)
LOOKUP_CHUNK = 2000
TIME_FORMATS = {"sqlite": "%Y-%m-%d %H:%M:%S%.6f", "postgresql": "%Y-%m-%d %H:%M:%S%.6f+00"}
MAX_SOURCE = 200


def member_ids(connection: Connection, refs: Sequence[str], groups: Sequence[str]) -> pl.DataFrame:
    """``member`` → ``member_subject_id`` for refs of exactly one active subject of ``groups``.

    A ref held in two groups is ambiguous and links nothing; erased and suspended subjects are
    never linked (R-61).
    """
    found: list[tuple[str, int]] = []
    for start in range(0, len(refs), LOOKUP_CHUNK):
        chunk = refs[start : start + LOOKUP_CHUNK]
        query = (
            select(subjects.c.ref, func.min(subjects.c.id))
            .where(subjects.c.subject_group.in_(groups), subjects.c.ref.in_(chunk))
            .where(subjects.c.status == "active")
            .group_by(subjects.c.ref)
            .having(func.count() == 1)
        )
        found.extend((str(ref), int(id_)) for ref, id_ in connection.execute(query))
    return pl.DataFrame(
        found, schema={"member": pl.String, "member_subject_id": pl.Int64}, orient="row"
    )


def link_members(connection: Connection, rows: pl.DataFrame, groups: Sequence[str]) -> pl.DataFrame:
    """``rows`` with ``member`` replaced by ``member_subject_id`` (null where not a member)."""
    refs = rows["member"].drop_nulls().unique().to_list() if groups else []
    mapping = member_ids(connection, refs, groups)
    return rows.join(mapping, on="member", how="left").drop("member")


def insert_lines(connection: Connection, rows: pl.DataFrame, source: str) -> int:
    """Store ``rows`` (parsed and linked) from file ``source``; the number stored."""
    if rows.height == 0:
        return 0
    dialect = connection.dialect.name
    when = TIME_FORMATS.get(dialect, TIME_FORMATS["sqlite"])
    table = rows.with_columns(
        pl.col("at").dt.strftime(when),
        pl.col("retain_until").dt.strftime(when),
        pl.lit(source[-MAX_SOURCE:]).alias("source"),
    ).select(COLUMNS)
    values = table.rows()
    if dialect == "postgresql":
        pg_copy.copy_rows(connection, access_log_lines, COLUMNS, values)
    else:
        connection.exec_driver_sql(
            insert_sql(connection.dialect, access_log_lines, COLUMNS), values
        )
    return table.height
