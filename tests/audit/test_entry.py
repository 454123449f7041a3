"""The canonical body of an audit entry is stable: same entry, same bytes, same hash."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest

from hogo.audit.entry import GENESIS_HASH, AuditEntry, canonical_body, chain_hash
from hogo.errors import ValidationFailed

JST = dt.timezone(dt.timedelta(hours=9))

EXPECTED_BODY = (
    '{"action":"decide","actor":"窓口担当","at":"2025-04-01T09:30:00.000000Z",'
    '"detail":{"birth":"1990-02-03","categories":{"email":"allowed","phone":"denied:no_consent"},'
    '"checked_at":"2025-04-01T09:30:00.000005Z","氏名":"山田 太郎"},'
    '"purpose":"利用目的_問い合わせ","subject_id":42}'
)
EXPECTED_HASH = "8b3b1fe748d54c861b6d2f8592a6d310cf03b2c178125d4f0f013853b66de5a4"


def japanese_entry(**changes: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "actor": "窓口担当",
        "action": "decide",
        "subject_id": 42,
        "purpose": "利用目的_問い合わせ",
        "detail": {
            "氏名": "山田 太郎",
            "categories": {"phone": "denied:no_consent", "email": "allowed"},
            "checked_at": dt.datetime(2025, 4, 1, 18, 30, 0, 5, tzinfo=JST),
            "birth": dt.date(1990, 2, 3),
        },
        "at": dt.datetime(2025, 4, 1, 18, 30, tzinfo=JST),
    }
    return AuditEntry(**(fields | changes))


def test_the_canonical_body_is_sorted_compact_utf8_and_utc() -> None:
    assert canonical_body(japanese_entry()) == EXPECTED_BODY


def test_the_hash_is_sha256_of_prev_hash_newline_body() -> None:
    expected = hashlib.sha256(f"{GENESIS_HASH}\n{EXPECTED_BODY}".encode()).hexdigest()
    assert chain_hash(GENESIS_HASH, canonical_body(japanese_entry())) == expected == EXPECTED_HASH


def test_the_body_does_not_depend_on_key_order_or_time_zone() -> None:
    reordered = japanese_entry(
        detail=dict(reversed(list(japanese_entry().detail.items()))),
        at=dt.datetime(2025, 4, 1, 9, 30, tzinfo=dt.UTC),
    )
    assert canonical_body(reordered) == EXPECTED_BODY


def test_an_entry_without_subject_or_purpose() -> None:
    entry = AuditEntry(
        "cli:root", "key_created", None, None, {}, dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    assert canonical_body(entry) == (
        '{"action":"key_created","actor":"cli:root","at":"2025-01-01T00:00:00.000000Z",'
        '"detail":{},"purpose":null,"subject_id":null}'
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"at": dt.datetime(2025, 4, 1, 9, 30)}, "aware"),
        ({"actor": ""}, "actor"),
        ({"actor": "x" * 201}, "actor"),
        ({"action": "a" * 33}, "action"),
        ({"purpose": "p" * 65}, "purpose"),
        ({"subject_id": 2**63}, "subject_id"),
    ],
)
def test_entries_the_table_cannot_hold_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        japanese_entry(**changes)


@pytest.mark.parametrize(
    ("detail", "error"),
    [
        ({"x": object()}, TypeError),
        ({"x": float("nan")}, ValueError),
        ({"x": dt.datetime(2025, 1, 1)}, ValueError),
    ],
)
def test_unwritable_detail_is_refused(detail: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        canonical_body(japanese_entry(detail=detail))
