"""One audit entry and its canonical form, the bytes the hash chain covers.

An audit entry records who (``actor``) did what (``action``: ``read``, ``decide``, ``store``,
``consent``, ``key_created`` …) to whose data (``subject_id``) for which ``purpose``, with the
particulars in ``detail`` (per-category decisions, allowed or denied, counts …).

The canonical body is JSON with sorted keys, no whitespace and UTF-8 text left as it is
(``ensure_ascii=False``), so Japanese stays readable in the table. Datetimes, wherever they
appear, are written in ISO 8601 in UTC with microseconds (``2025-04-01T09:30:00.000000Z``).
The same entry always gives the same body, on any machine and any database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hogo.errors import ValidationFailed

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry of a chain."""

# The widths of the audit_log columns (hogo.store.tables), checked here so that SQLite, which
# does not enforce them, refuses the same entries as PostgreSQL.
MAX_ACTOR = 200
MAX_ACTION = 32
MAX_PURPOSE = 64
BIGINT = range(-(2**63), 2**63)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What happened, to whom, for which purpose, and when (an aware datetime)."""

    actor: str
    action: str
    subject_id: int | None
    purpose: str | None
    detail: Mapping[str, Any]
    at: dt.datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValidationFailed("audit entry time must be an aware datetime")
        _check_text("actor", self.actor, MAX_ACTOR)
        _check_text("action", self.action, MAX_ACTION)
        if self.purpose is not None:
            _check_text("purpose", self.purpose, MAX_PURPOSE)
        if self.subject_id is not None and self.subject_id not in BIGINT:
            raise ValidationFailed(f"audit entry subject_id out of range: {self.subject_id}")


def _check_text(field: str, value: str, limit: int) -> None:
    if not value or len(value) > limit:
        raise ValidationFailed(f"audit entry {field} must be 1 to {limit} characters: {value!r}")


def format_time(value: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds and a ``Z``; naive datetimes are refused."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime in an audit entry: {value.isoformat()}")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_default(value: object) -> Any:
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} into an audit entry")


def canonical_body(entry: AuditEntry) -> str:
    """The entry as canonical JSON; raises ``TypeError`` or ``ValueError`` on unwritable detail."""
    document = {
        "actor": entry.actor,
        "action": entry.action,
        "subject_id": entry.subject_id,
        "purpose": entry.purpose,
        "detail": dict(entry.detail),
        "at": format_time(entry.at),
    }
    return json.dumps(
        document,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    )


def chain_hash(prev_hash: str, body: str) -> str:
    """``sha256(prev_hash ‖ "\\n" ‖ body)`` in hex: the link from one entry to the next."""
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()
