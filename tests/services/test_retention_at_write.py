"""Each item gets its end from the policy's retention rules when it is stored (R-12, R-13)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.store.tables import items
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def hogo(database_url: str, tmp_path: Path) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: T0
    )
    yield opened
    opened.close()


def ends(hogo: Hogo, item_ids: list[int]) -> list[tuple[str | None, dt.datetime | None]]:
    query = (
        select(items.c.retention_rule, items.c.retain_until)
        .where(items.c.id.in_(item_ids))
        .order_by(items.c.id)
    )
    with hogo.engine.connect() as connection:
        return [(row.retention_rule, row.retain_until) for row in connection.execute(query)]


def test_R12_stored_items_carry_their_rule_and_end(hogo: Hogo) -> None:
    """R-12: the end is computed at write time; an event clock leaves it open; a card token
    carries its rule too (D31)."""
    customer = hogo.subjects.create(OFFICE, group="customers", ref="c-1")
    stored = hogo.subjects.store(
        OFFICE,
        customer,
        [
            NewItem("inquiry_details", "返品について", ["inquiry_handling"]),
            NewItem("email", "a@example.com", ["inquiry_handling", "order_confirmation"]),
            NewItem("card_number", "4111111111111111", ["invoicing_payment"]),
        ],
    )
    assert ends(hogo, stored) == [
        ("inquiries", T0.replace(year=2029)),
        ("customer_orders", T0.replace(year=2033)),
        ("card_data", None),
    ]


def test_R12_R13_an_application_may_end_an_item_earlier_never_below_a_floor(hogo: Hogo) -> None:
    """R-12: an earlier retain_until than the rule's is kept, a later one is cut to the rule's;
    R-13: a retain_until before the legal floor is raised to it."""
    customer = hogo.subjects.create(OFFICE, group="customers", ref="c-1")
    soon, late = T0 + dt.timedelta(days=10), T0.replace(year=2040)
    stored = hogo.subjects.store(
        OFFICE,
        customer,
        [
            NewItem("inquiry_details", "a", ["inquiry_handling"], retain_until=soon),
            NewItem("inquiry_details", "b", ["inquiry_handling"], retain_until=late),
            NewItem("purchase_date", "2026-11-01", ["sale_provision"], retain_until=soon),
        ],
    )
    assert ends(hogo, stored) == [
        ("inquiries", soon),
        ("inquiries", T0.replace(year=2029)),
        ("customer_orders", T0.replace(year=2033)),
    ]
