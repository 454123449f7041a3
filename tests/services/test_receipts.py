"""Records of personal data received from third parties (R-35, D13; APPI A30, Rules Arts 22–25).

One record per person, all or nothing; refused input writes nothing; each record is kept one
or three years, and the database itself refuses to delete it sooner. SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from hogo.errors import Forbidden, NotFound, ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.provision.receipts import Recorded
from hogo.settings import Settings
from hogo.store.tables import audit_log, receipts

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def hogo(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(database_url, POLICY, settings=settings, mailer=MemorySender(), clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def customers(hogo: Hogo) -> list[int]:
    return [hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}") for n in range(3)]


def receive(hogo: Hogo, subject_ids: list[int], **changes: Any) -> Recorded:
    """A consent-based bulk receipt of names and e-mail addresses; ``changes`` vary it."""
    given: dict[str, Any] = {
        "actor": OFFICE,
        "subject_ids": subject_ids,
        "provider_name": "株式会社リスト提供",
        "provider_address": "大阪府大阪市北区梅田1-1",
        "provider_representative": "代表取締役 佐藤 花子",
        "provider_acquisition": "自社の会員登録フォームで本人から取得(契約書第3条で確認)",
        "basis": "consent",
        "categories": ["name", "email"],
        "method": "bulk",
        "received_at": NOW - dt.timedelta(days=1),
        "consent_confirmed": True,
        **changes,
    }
    return hogo.receipts.record(**given)


def stored_receipts(hogo: Hogo) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(receipts)).scalar_one())


def audit_actions(hogo: Hogo) -> list[tuple[str, str]]:
    with hogo.engine.connect() as connection:
        rows = connection.execute(select(audit_log.c.action, audit_log.c.body)).all()
    return [(row.action, row.body) for row in rows]


def test_R35_one_record_per_person_with_the_items_of_Rules_Art_24(
    hogo: Hogo, customers: list[int]
) -> None:
    recorded = receive(hogo, [*customers, customers[0]])  # a person named twice: one record
    assert recorded.subject_ids == tuple(customers)
    assert len(recorded.ids) == 3
    assert stored_receipts(hogo) == 3
    (receipt,) = hogo.receipts.for_subject(customers[1])
    assert receipt.subject_id == customers[1]
    assert receipt.provider.name == "株式会社リスト提供"
    assert receipt.provider.address == "大阪府大阪市北区梅田1-1"
    assert receipt.provider.representative == "代表取締役 佐藤 花子"
    assert receipt.provider.acquisition.startswith("自社の会員登録フォーム")
    assert (receipt.basis, receipt.consent_confirmed, receipt.ppc_published) == (
        "consent",
        True,
        None,
    )
    assert receipt.categories == ("name", "email")
    assert receipt.received_at == NOW - dt.timedelta(days=1)
    assert (receipt.recorded_at, receipt.recorded_by) == (NOW, OFFICE.id)


@pytest.mark.parametrize(
    ("method", "kept_until"),
    [
        ("contract_substitute", dt.datetime(2027, 6, 1, 3, 0, tzinfo=dt.UTC)),
        ("bulk", dt.datetime(2029, 6, 1, 3, 0, tzinfo=dt.UTC)),
        ("individual", dt.datetime(2029, 6, 1, 3, 0, tzinfo=dt.UTC)),
    ],
)
def test_R35_D13_records_are_kept_one_or_three_years(
    hogo: Hogo, customers: list[int], method: str, kept_until: dt.datetime
) -> None:
    recorded = receive(hogo, customers[:1], method=method)
    assert recorded.retain_until == kept_until
    assert hogo.receipts.for_subject(customers[0])[0].retain_until == kept_until


@pytest.mark.parametrize(
    "changes",
    [
        {"basis": "opt_out", "consent_confirmed": False, "ppc_published": True},
        {"basis": "referable", "consent_confirmed": True},
        {"basis": "individual", "consent_confirmed": False},
    ],
)
def test_R35_each_case_of_Rules_Art_24_with_its_fact_is_recorded(
    hogo: Hogo, customers: list[int], changes: dict[str, Any]
) -> None:
    receive(hogo, customers[:1], **changes)
    (receipt,) = hogo.receipts.for_subject(customers[0])
    assert receipt.basis == changes["basis"]
    assert receipt.ppc_published is changes.get("ppc_published")


def test_R35_an_unknown_person_records_nothing_for_anyone(hogo: Hogo, customers: list[int]) -> None:
    with pytest.raises(ValidationFailed, match="no such subject: 987654; nothing was recorded"):
        receive(hogo, [*customers, 987654])
    assert stored_receipts(hogo) == 0
    assert not [action for action, _body in audit_actions(hogo) if action == "receipt_record"]


def test_R35_an_erased_person_records_nothing_for_anyone(hogo: Hogo, customers: list[int]) -> None:
    hogo.subjects.set_status(OFFICE, customers[2], "erased")
    with pytest.raises(ValidationFailed, match=f"subject erased: {customers[2]}"):
        receive(hogo, customers)
    assert stored_receipts(hogo) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"provider_name": " "}, "provider name required"),
        ({"provider_address": ""}, "provider address required"),
        ({"provider_representative": "\u3000"}, "provider representative required"),
        ({"provider_acquisition": ""}, "provider acquisition required"),
        ({"provider_name": "", "provider_acquisition": " "}, "provider name, provider acq"),
        ({"provider_name": "x" * 2001}, "at most 2000 characters"),
        ({"basis": "purchase"}, "unknown receipt basis 'purchase'"),
        ({"consent_confirmed": False}, "a consent receipt needs the person's consent"),
        ({"basis": "referable", "consent_confirmed": False}, "a referable receipt needs"),
        ({"basis": "opt_out"}, "needs the PPC's publication"),
        ({"basis": "opt_out", "ppc_published": False}, "needs the PPC's publication"),
        ({"categories": ["name", "shoe_size"]}, "not declared in the policy: shoe_size"),
        ({"categories": []}, "at least one category"),
        ({"method": "monthly"}, "unknown record method 'monthly'"),
        ({"received_at": NOW + dt.timedelta(minutes=1)}, "is in the future"),
        ({"received_at": dt.datetime(2026, 5, 1)}, "needs a time zone"),
        ({"subject_ids": []}, "at least one subject"),
    ],
)
def test_R35_refused_input_writes_nothing(
    hogo: Hogo, customers: list[int], changes: dict[str, Any], message: str
) -> None:
    given = {"subject_ids": customers, **changes}
    with pytest.raises(ValidationFailed, match=message):
        receive(hogo, **given)
    assert stored_receipts(hogo) == 0


def test_R35_R16_the_role_must_cover_the_group_and_the_items(
    hogo: Hogo, customers: list[int]
) -> None:
    with pytest.raises(Forbidden, match="subject group 'customers'"):
        receive(hogo, customers, actor=Actor("hr-1", "hr"))
    with pytest.raises(Forbidden, match="category 'card_number'"):
        receive(hogo, customers, actor=Actor("mk-1", "marketing"), categories=["card_number"])
    assert stored_receipts(hogo) == 0
    receive(hogo, customers, actor=Actor("mk-1", "marketing"))
    assert stored_receipts(hogo) == 3


def test_R35_each_call_is_audited_once_with_counts(hogo: Hogo, customers: list[int]) -> None:
    receive(hogo, customers)
    entries = [body for action, body in audit_actions(hogo) if action == "receipt_record"]
    assert len(entries) == 1
    assert '"receipts":3' in entries[0].replace(" ", "")
    assert "株式会社リスト提供" not in entries[0]


def test_R40_a_persons_receipts_are_theirs_alone(hogo: Hogo, customers: list[int]) -> None:
    receive(hogo, customers[:2])
    receive(hogo, customers[1:2], basis="individual", categories=["phone"])
    assert len(hogo.receipts.for_subject(customers[0])) == 1
    assert [r.categories for r in hogo.receipts.for_subject(customers[1])] == [
        ("name", "email"),
        ("phone",),
    ]
    assert hogo.receipts.for_subject(customers[2]) == []
    with pytest.raises(NotFound):
        hogo.receipts.for_subject(987654)


def test_R35_D13_purge_deletes_only_records_past_their_date(
    hogo: Hogo, customers: list[int], clock: Clock
) -> None:
    """Records made in 2020 are due in 2021 (1 year) and 2023 (3 years): both in the past
    for the database too. A purge in 2022 deletes only the first, and the service never
    even tries the others (the database would refuse: the purge would fail)."""
    clock.now = dt.datetime(2020, 1, 10, tzinfo=dt.UTC)
    receive(hogo, customers[:1], method="contract_substitute", received_at=None)
    receive(hogo, customers[1:2], method="bulk", received_at=None)
    clock.now = NOW
    receive(hogo, customers[2:], method="contract_substitute")  # due 2027
    assert hogo.receipts.purge_expired(OFFICE, dt.datetime(2022, 6, 1, tzinfo=dt.UTC)) == 1
    assert hogo.receipts.for_subject(customers[0]) == []
    assert len(hogo.receipts.for_subject(customers[1])) == 1
    real_now = dt.datetime.now(dt.UTC)
    assert hogo.receipts.purge_expired(OFFICE, real_now) == 1
    assert hogo.receipts.purge_expired(OFFICE, real_now) == 0
    assert stored_receipts(hogo) == 1
    purges = [body for action, body in audit_actions(hogo) if action == "receipt_purge"]
    assert len(purges) == 2  # a purge that deletes nothing writes no entry


def test_R35_only_the_privacy_office_purges(hogo: Hogo) -> None:
    with pytest.raises(Forbidden):
        hogo.receipts.purge_expired(Actor("mk-1", "marketing"))


def test_R35_D13_the_database_refuses_an_early_delete_and_any_change(
    hogo: Hogo, customers: list[int]
) -> None:
    (kept,) = receive(hogo, customers[:1]).ids
    statements = [
        f"DELETE FROM receipts WHERE id = {kept}",
        "DELETE FROM receipts",
        f"UPDATE receipts SET basis = 'opt_out' WHERE id = {kept}",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError), hogo.engine.begin() as connection:
            connection.execute(text(statement))
    assert stored_receipts(hogo) == 1


def test_R35_D13_the_database_allows_deleting_a_record_past_its_date(
    hogo: Hogo, customers: list[int], clock: Clock
) -> None:
    clock.now = dt.datetime(2020, 1, 10, tzinfo=dt.UTC)
    (old,) = receive(hogo, customers[:1], method="contract_substitute", received_at=None).ids
    with hogo.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM receipts WHERE id = {old}"))
    assert stored_receipts(hogo) == 0
