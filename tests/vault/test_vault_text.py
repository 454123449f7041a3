"""Any text survives the vault unchanged: Japanese names, emoji, long strings (R-18)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from hogo.store.tables import subjects
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.vault import Vault

NAMES = [
    "山田 太郎",
    "やまだ はなこ",
    "ヤマダ ハナコ",
    "ﾔﾏﾀﾞ ﾊﾅｺ",
    "髙橋 﨑",  # characters outside JIS X 0208
    "𠮷野 家",  # outside the BMP
    "渡邉 ＡＢＣ １２３",
    "Zoë O'Brien-Łukasiewicz",
    "👩‍👩‍👧 family",
    "",
    " leading and trailing ",
    "line\nbreak\ttab\x00nul",
    "長" * 10_000,
]
_refs = itertools.count()


def _round_trip(vault: Vault, engine: Engine, now: dt.datetime, values: list[str]) -> list[str]:
    ref = f"t-{next(_refs)}"
    new = [NewItem("note", value, ["orders"]) for value in values]
    with engine.begin() as connection:
        vault.ingest(connection, [NewSubject("customers", ref, items=new)], now=now)
    with engine.connect() as connection:
        subject_id = connection.execute(
            select(subjects.c.id).where(subjects.c.ref == ref)
        ).scalar_one()
        row = vault.subject_row(connection, subject_id)
        stored = vault.load_items(connection, subject_id)
    return [item.value for item in vault.decrypt(row.wrapped_key, row.group, row.ref, stored)]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_japanese_and_other_names_round_trip(
    vault: Vault, engine: Engine, now: dt.datetime, name: str
) -> None:
    assert _round_trip(vault, engine, now, [name]) == [name]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=st.lists(st.text(max_size=300), min_size=1, max_size=5))
def test_arbitrary_text_round_trips(
    vault: Vault, engine: Engine, now: dt.datetime, values: list[str]
) -> None:
    assert _round_trip(vault, engine, now, values) == values
