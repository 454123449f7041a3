"""Ledgers kept by their own periods are purged when those end, never sooner (R-47, D13, D18).

Inquiry tickets, records of provision and records of receipt, on SQLite and PostgreSQL. The
clock is moved by hand; every moment is in the real past, so the database's own guard against
an early delete (migration 0006) agrees with the service.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select

from hogo.audit.chain import verify
from hogo.errors import Forbidden
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.provision.basis import Order
from hogo.services.provision.provide import Delivery, People
from hogo.services.provision.recipients import FactsInput
from hogo.services.retention.ledgers import LedgerCount
from hogo.settings import Settings
from hogo.store.tables import access_log_lines, audit_log, provision_records, receipts, requests
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
START = dt.datetime(2020, 3, 2, 3, 0, tzinfo=dt.UTC)
DELIVERY = Order(
    "product_delivery", "sale_provision", ("name", "address", "delivery_info"), "entrustment"
)
CONTRACT = FactsInput(
    legal_name="ヤマト配送株式会社",
    address="東京都中央区銀座1-1-1",
    representative="代表取締役 山田太郎",
    contract_ref="C-2019-017",
    contract_from=dt.date(2019, 4, 1),
    security_terms="Annex 3: access control, encryption in transit, deletion on end",
    contract_items=("a", "b", "c", "d", "e", "f", "g", "h"),
    supervised_on=dt.date(2019, 10, 1),
)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def hogo(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(database_url, POLICY, settings=settings, mailer=MemorySender(), clock=clock)
    yield opened
    opened.close()


def customer(hogo: Hogo, ref: str) -> int:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    hogo.subjects.store(
        OFFICE,
        subject_id,
        [
            NewItem("name", "山田 花子", ["sale_provision"]),
            NewItem("address", "大阪府大阪市北区1-1", ["sale_provision"]),
            NewItem("delivery_info", "置き配", ["sale_provision"]),
        ],
    )
    return subject_id


def closed_ticket(hogo: Hogo, clock: Clock, at: dt.datetime) -> int:
    clock.now = at
    ticket_id = hogo.inquiries.open("complaint", "個人情報の扱いについて", email="t@example.jp")
    hogo.inquiries.close(OFFICE, ticket_id, "説明して了承を得た")
    return ticket_id


def removed(counts: list[LedgerCount]) -> dict[str, int]:
    return {count.ledger: count.removed for count in counts}


def count(hogo: Hogo, table: Table) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def audit_actions(hogo: Hogo) -> list[tuple[str, str]]:
    with hogo.engine.connect() as connection:
        verify(connection).raise_if_broken()
        rows = connection.execute(select(audit_log.c.action, audit_log.c.body)).all()
    return [(row.action, json.loads(row.body)["actor"]) for row in rows]


def test_R47_a_closed_ticket_past_its_retention_is_shredded_and_one_inside_is_not(
    hogo: Hogo, clock: Clock
) -> None:
    """R-47: inquiry_desk.retention (P3Y) after closing, the messages go; the row stays."""
    old = closed_ticket(hogo, clock, dt.datetime(2021, 1, 10, tzinfo=dt.UTC))  # kept to 2024-01
    recent = closed_ticket(hogo, clock, dt.datetime(2022, 6, 1, tzinfo=dt.UTC))  # to 2025-06
    clock.now = dt.datetime(2022, 7, 1, tzinfo=dt.UTC)
    still_open = hogo.inquiries.open("question", "開示の手続きは?", email="q@example.jp")
    as_of = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    plan = hogo.ledgers.plan(as_of)
    assert removed(plan)["inquiry_tickets"] == 1
    assert hogo.inquiries.get(old).messages  # the plan changed nothing
    counts = hogo.ledgers.run(OFFICE, as_of)
    assert removed(counts)["inquiry_tickets"] == 1
    tickets_count = next(c for c in counts if c.ledger == "inquiry_tickets")
    assert tickets_count.judged_at == as_of
    assert "inquiry_desk.retention P3Y" in tickets_count.basis
    assert hogo.inquiries.summary(old).shredded
    assert hogo.inquiries.get(old).messages == ()
    assert not hogo.inquiries.summary(recent).shredded
    assert not hogo.inquiries.summary(still_open).shredded
    assert removed(hogo.ledgers.run(OFFICE, as_of))["inquiry_tickets"] == 0  # again: nothing
    assert ("ticket_purge", OFFICE.id) in audit_actions(hogo)


def test_D13_a_record_of_provision_past_its_period_goes_and_one_inside_stays(
    hogo: Hogo, clock: Clock, tmp_path: Path
) -> None:
    """D13 (R-34): a record made in place of a contract is kept 1 year, one made in bulk 3."""
    hogo.recipients.record(OFFICE, "product_delivery", CONTRACT)
    short, long = customer(hogo, "c-1"), customer(hogo, "c-2")
    hogo.provision.provide(
        OFFICE,
        DELIVERY,
        People((short,)),
        Delivery(tmp_path / "a.parquet", method="contract_substitute"),
    )  # kept to 2021-03-02
    hogo.provision.provide(
        OFFICE, DELIVERY, People((long,)), Delivery(tmp_path / "b.parquet", method="bulk")
    )  # kept to 2023-03-02
    clock.now = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)
    assert removed(hogo.ledgers.plan(clock.now))["provision_records"] == 1
    counts = hogo.ledgers.run(OFFICE, clock.now)
    assert removed(counts)["provision_records"] == 1
    with hogo.engine.connect() as connection:
        left = connection.execute(select(provision_records.c.subject_id)).scalars().all()
    assert left == [long]
    assert ("provision_purge", OFFICE.id) in audit_actions(hogo)


def test_D13_records_of_receipt_are_judged_no_later_than_now(hogo: Hogo, clock: Clock) -> None:
    """D13 (R-35): a receipt in place of a contract goes after 1 year, another after 3; a
    moment later than now is not believed for them (the database would refuse it)."""
    received = [customer(hogo, "c-1"), customer(hogo, "c-2")]
    for subject_id, method in zip(received, ("contract_substitute", "individual"), strict=True):
        hogo.receipts.record(
            OFFICE,
            [subject_id],
            "株式会社リスト提供",
            "大阪府大阪市北区梅田1-1",
            "代表取締役 佐藤 花子",
            "会員登録フォームで本人から取得",
            "consent",
            ["name"],
            method,
            None,
            True,
        )
    clock.now = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)
    far = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)
    counts = hogo.ledgers.run(OFFICE, far)
    receipt = next(c for c in counts if c.ledger == "receipt_records")
    assert (receipt.removed, receipt.judged_at) == (1, clock.now)
    assert "APPI A30(4)" in receipt.basis
    assert count(hogo, receipts) == 1
    assert hogo.receipts.for_subject(received[1])


def test_R12_D18_only_the_privacy_office_purges_ledgers(hogo: Hogo, clock: Clock) -> None:
    """R-12, D18: the purge is the privacy office's, like the sweep; others change nothing."""
    ticket = closed_ticket(hogo, clock, dt.datetime(2021, 1, 10, tzinfo=dt.UTC))
    with pytest.raises(Forbidden, match="may not purge ledgers"):
        hogo.ledgers.run(Actor("clerk", "customer_support"), dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert not hogo.inquiries.summary(ticket).shredded


def test_R12_a_ledger_purge_keeps_every_audit_entry(hogo: Hogo, clock: Clock) -> None:
    """R-12: the audit chain is kept whole; the purge adds its own entry and still verifies."""
    closed_ticket(hogo, clock, dt.datetime(2021, 1, 10, tzinfo=dt.UTC))
    entries = count(hogo, audit_log)
    hogo.ledgers.run(OFFICE, dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert count(hogo, audit_log) == entries + 1  # the purge's own entry, nothing less
    audit_actions(hogo)  # verifies the chain


def log_line(hogo: Hogo, until: dt.datetime, member: int | None = None) -> None:
    with hogo.engine.begin() as connection:
        connection.execute(
            access_log_lines.insert().values(
                at=START,
                ip="192.0.2.0",
                agent_class="browser",
                member_subject_id=member,
                source="access.log",
                retain_until=until,
            )
        )


def test_R62_R12_access_log_lines_past_their_retention_go_unless_held(
    hogo: Hogo, clock: Clock
) -> None:
    """R-62, R-12: a line past its retain_until goes; one inside stays; R-13: a hold on the
    line's member keeps it."""
    member = customer(hogo, "c-1")
    log_line(hogo, dt.datetime(2021, 4, 2, tzinfo=dt.UTC))
    log_line(hogo, dt.datetime(2021, 4, 2, tzinfo=dt.UTC), member)
    log_line(hogo, dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    hogo.holds.place(OFFICE, "調査 2021-04", "security", subject_id=member)
    as_of = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)

    assert by_ledger(hogo.ledgers.plan(as_of))["access_log_lines"] == 1
    assert by_ledger(hogo.ledgers.run(OFFICE, as_of))["access_log_lines"] == 1
    with hogo.engine.connect() as connection:
        left = connection.execute(select(access_log_lines.c.member_subject_id)).scalars().all()
    assert sorted(left, key=str) == sorted([member, None], key=str)
    assert ("ledger_purge", "officer-1") in audit_actions(hogo)


def test_R12_a_request_closed_past_request_retention_loses_the_requesters_words(
    hogo: Hogo, clock: Clock
) -> None:
    """R-12: rights.request_retention (P3Y) after a request closed, the requester's own words
    go and the record of the request stays; a request closed more recently keeps them."""
    subject_id = customer(hogo, "c-1")
    details = {"description": "購入履歴をすべて開示してください", "agent": {"name": "代理 太郎"}}
    old = hogo.requests.submit(OFFICE, subject_id, "disclosure", "appi", details=details)
    hogo.requests.refuse(OFFICE, old, "本人確認ができませんでした", "identity_not_verified")
    clock.now = START + dt.timedelta(days=400)
    recent = hogo.requests.submit(OFFICE, subject_id, "disclosure", "appi", details=details)
    hogo.requests.refuse(OFFICE, recent, "本人確認ができませんでした", "identity_not_verified")
    as_of = START + dt.timedelta(days=3 * 365 + 30)

    assert by_ledger(hogo.ledgers.plan(as_of))["request_words"] == 1
    assert by_ledger(hogo.ledgers.run(OFFICE, as_of))["request_words"] == 1
    with hogo.engine.connect() as connection:
        kept = dict(connection.execute(select(requests.c.id, requests.c.details)).all())
    assert "description" not in kept[old]
    assert kept[old]["agent"] == {}
    assert kept[recent] == details
    assert hogo.requests.get(old).status == "refused"
    assert by_ledger(hogo.ledgers.run(OFFICE, as_of))["request_words"] == 0


def by_ledger(counts: list[LedgerCount]) -> dict[str, int]:
    return {count.ledger: count.removed for count in counts}
