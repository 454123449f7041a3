"""Counts of access-log lines grouped in SQL; only the grouping key and a count come back.

The key is a day (UTC, ``YYYY-MM-DD``), a page (path without query), a referrer, a status or
an agent class. Addresses and members are never selected, so statistics cannot identify a
visitor (§13 (i); R-62).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import Connection, String, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from hogo.errors import ValidationFailed
from hogo.store.tables import access_log_lines

StatsBy = Literal["day", "page", "referrer", "status", "agent"]
STATS_BY: tuple[str, ...] = get_args(StatsBy)


@dataclass(frozen=True, slots=True)
class StatRow:
    key: str | None  # None: lines without that field (no referrer, no request)
    count: int


def _key(by: str, dialect: str) -> ColumnElement[Any]:
    table = access_log_lines.c
    if by == "day":
        if dialect == "postgresql":
            return func.to_char(func.timezone("UTC", table.at), "YYYY-MM-DD")
        return func.substr(table.at, 1, 10)
    columns: dict[str, ColumnElement[Any]] = {
        "page": table.path,
        "referrer": table.referrer,
        "status": cast(table.status, String),
        "agent": table.agent_class,
    }
    return columns[by]


def count_lines(
    connection: Connection,
    by: str,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
) -> list[StatRow]:
    """Counts per key: by day in date order, otherwise the largest first."""
    if by not in STATS_BY:
        raise ValidationFailed(f"unknown grouping {by!r}; one of: {', '.join(STATS_BY)}")
    key = _key(by, connection.dialect.name).label("key")
    count = func.count().label("count")
    query = select(key, count).group_by(key)
    if since is not None:
        query = query.where(access_log_lines.c.at >= since)
    if until is not None:
        query = query.where(access_log_lines.c.at < until)
    query = query.order_by(key) if by == "day" else query.order_by(count.desc(), key)
    if limit is not None:
        query = query.limit(limit)
    return [
        StatRow(key=None if k is None else str(k), count=int(n))
        for k, n in connection.execute(query)
    ]
