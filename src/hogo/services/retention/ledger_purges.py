"""Two purges of :mod:`.ledgers` with nothing of their own elsewhere: access-log lines past
their retention (R-62, R-12) and the requester's own words and files of requests closed long
ago (``rights.request_retention``).

Each runs in the caller's transaction and returns how many rows it changed; the caller writes
the audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Connection, delete, exists, func, or_, select, update

from hogo.services.rights.erasure import scrub_details
from hogo.store.tables import access_log_lines, legal_holds, request_attachments, requests


def expired_lines(as_of: dt.datetime, categories: Sequence[str]) -> list[ColumnElement[bool]]:
    """Access-log lines past ``retain_until`` at ``as_of`` that no legal hold keeps: a hold on
    everyone, or on the line's member, for every category or an access-log category (R-13)."""
    hold = select(legal_holds.c.id).where(
        legal_holds.c.lifted_at.is_(None),
        or_(
            legal_holds.c.subject_id.is_(None),
            legal_holds.c.subject_id == access_log_lines.c.member_subject_id,
        ),
        or_(legal_holds.c.category.is_(None), legal_holds.c.category.in_(list(categories))),
    )
    return [
        access_log_lines.c.retain_until.is_not(None),
        access_log_lines.c.retain_until <= as_of,
        ~exists(hold.correlate(access_log_lines)),
    ]


def count_lines(connection: Connection, as_of: dt.datetime, categories: Sequence[str]) -> int:
    query = select(func.count()).select_from(access_log_lines)
    return int(connection.execute(query.where(*expired_lines(as_of, categories))).scalar_one())


def purge_lines(connection: Connection, as_of: dt.datetime, categories: Sequence[str]) -> int:
    """Delete the expired lines; how many went."""
    statement = delete(access_log_lines).where(*expired_lines(as_of, categories))
    return int(connection.execute(statement).rowcount)


def _closed_before(cutoff: dt.datetime) -> list[ColumnElement[bool]]:
    return [requests.c.closed_at.is_not(None), requests.c.closed_at <= cutoff]


def count_request_words(connection: Connection, cutoff: dt.datetime) -> int:
    """Requests closed by ``cutoff`` that still hold the requester's words or files."""
    return len(_to_scrub(connection, cutoff)) + len(_attachments(connection, cutoff))


def purge_request_words(connection: Connection, cutoff: dt.datetime) -> int:
    """Remove the requester's own words from the requests closed by ``cutoff`` and delete their
    files; how many requests and files changed. The record of each request stays."""
    scrubbed = _to_scrub(connection, cutoff)
    for request_id, details in scrubbed:
        connection.execute(
            update(requests).where(requests.c.id == request_id).values(details=details)
        )
    files = _attachments(connection, cutoff)
    if files:
        connection.execute(delete(request_attachments).where(request_attachments.c.id.in_(files)))
    return len(scrubbed) + len(files)


def _to_scrub(connection: Connection, cutoff: dt.datetime) -> list[tuple[int, dict[str, object]]]:
    query = select(requests.c.id, requests.c.details).where(*_closed_before(cutoff))
    found = []
    for request_id, details in connection.execute(query):
        scrubbed = scrub_details(details)
        if scrubbed != details:
            found.append((request_id, scrubbed))
    return found


def _attachments(connection: Connection, cutoff: dt.datetime) -> list[int]:
    closed = select(requests.c.id).where(*_closed_before(cutoff))
    query = select(request_attachments.c.id).where(request_attachments.c.request_id.in_(closed))
    return list(connection.execute(query).scalars())
