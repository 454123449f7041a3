"""Provision to recipients with its records, all or nothing (R-21, R-29–R-34, R-42, D13)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyrage
import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from hogo.errors import Conflict, Forbidden, ProvisionRefused, ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.provision import provide as provide_module
from hogo.services.provision.basis import Order, Referable
from hogo.services.provision.provide import Delivery, People
from hogo.services.provision.recipients import FactsInput
from hogo.settings import Settings
from hogo.store.tables import audit_log, provision_records, provisions, restrictions
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
NOW = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.UTC)
DELIVERY = Order(
    "product_delivery", "sale_provision", ("name", "address", "delivery_info"), "entrustment"
)


def contract(**changes: Any) -> FactsInput:
    facts = FactsInput(
        legal_name="ヤマト配送株式会社",
        address="東京都中央区銀座1-1-1",
        representative="代表取締役 山田太郎",
        contract_ref="C-2029-017",
        contract_from=dt.date(2029, 4, 1),
        security_terms="Annex 3: access control, encryption in transit, deletion on end",
        contract_items=("a", "b", "c", "d", "e", "f", "g", "h"),
        supervised_on=dt.date(2029, 10, 1),
    )
    return dataclasses.replace(facts, **changes)


@pytest.fixture
def hogo(database_url: str, tmp_path: Path) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: NOW
    )
    yield opened
    opened.close()


def customers(hogo: Hogo, count: int) -> list[int]:
    ids = []
    for n in range(count):
        subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
        hogo.subjects.store(
            OFFICE,
            subject_id,
            [
                NewItem("name", f"山田 花子{n}", ["sale_provision"]),
                NewItem("address", f"大阪府大阪市北区{n}-1", ["sale_provision"]),
                NewItem("delivery_info", f"置き配 {n}", ["sale_provision"]),
            ],
        )
        ids.append(subject_id)
    return ids


def contacts(hogo: Hogo, count: int) -> list[int]:
    ids = []
    for n in range(count):
        subject_id = hogo.subjects.create(OFFICE, group="client_contacts", ref=f"k-{n}")
        hogo.subjects.store(
            OFFICE,
            subject_id,
            [
                NewItem("name", f"佐藤 一郎{n}", ["business_communication"]),
                NewItem("company_name", "取引先株式会社", ["business_communication"]),
            ],
        )
        ids.append(subject_id)
    return ids


def rows(hogo: Hogo) -> tuple[int, int]:
    with hogo.engine.connect() as connection:
        made = connection.execute(select(func.count()).select_from(provisions)).scalar_one()
        kept = connection.execute(select(func.count()).select_from(provision_records)).scalar_one()
    return int(made), int(kept)


def test_R30_R34_a_processor_receives_within_its_contract_and_each_person_has_a_record(
    hogo: Hogo, tmp_path: Path
) -> None:
    ids = customers(hogo, 3)
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    target = tmp_path / "delivery.parquet"

    done = hogo.provision.provide(
        OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(target)
    )

    frame = pl.read_parquet(target)
    assert frame.columns == ["subject", "name", "address", "delivery_info"]
    assert frame["subject"].to_list() == ["c-0", "c-1", "c-2"]
    assert frame["name"].to_list()[1] == ["山田 花子1"]
    assert done.people == 3
    assert not done.statutory
    assert done.retain_until == NOW.replace(year=2033)  # D13: 3 years
    assert rows(hogo) == (1, 3)
    assert not list(tmp_path.glob(".*.partial"))  # the hidden file is gone
    with hogo.engine.connect() as connection:
        audited = connection.execute(
            select(audit_log.c.body).where(audit_log.c.action == "provide")
        ).scalar_one()
    assert '"people":3' in audited.replace(" ", "")


def test_R34_a_destination_that_exists_is_never_overwritten(hogo: Hogo, tmp_path: Path) -> None:
    ids = customers(hogo, 1)
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    target = tmp_path / "taken.csv"
    target.write_text("someone else's file")
    with pytest.raises(Conflict, match="never overwrites"):
        hogo.provision.provide(
            OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(target, format="csv")
        )
    assert target.read_text() == "someone else's file"
    assert rows(hogo) == (0, 0)


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (contract(supervised_on=dt.date(2028, 12, 1)), "supervision check was due"),
        (contract(contract_until=dt.date(2029, 12, 31)), "contract ended"),
        (contract(security_terms=None), "no entrustment contract"),
        (contract(country="US"), "no basis for foreign provision"),
    ],
)
def test_R21_R33_a_recipient_that_cannot_receive_is_refused_with_nothing_written(
    hogo: Hogo, tmp_path: Path, facts: FactsInput, reason: str
) -> None:
    ids = customers(hogo, 2)
    hogo.recipients.record(OFFICE, "product_delivery", facts)
    target = tmp_path / "out.parquet"
    with pytest.raises(ProvisionRefused, match=reason):
        hogo.provision.provide(OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(target))
    assert not target.exists()
    assert rows(hogo) == (0, 0)


def test_R21_categories_outside_the_recipients_scope_are_refused(
    hogo: Hogo, tmp_path: Path
) -> None:
    ids = customers(hogo, 1)
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    order = Order("product_delivery", "sale_provision", ("name", "email"), "entrustment")
    with pytest.raises(ProvisionRefused, match="email is outside what recipient"):
        hogo.provision.provide(
            OFFICE, order, People(subject_ids=tuple(ids)), Delivery(tmp_path / "x")
        )
    wrong_basis = Order("product_delivery", "sale_provision", ("name",), "consent")
    with pytest.raises(ProvisionRefused, match="receives on entrustment"):
        hogo.provision.provide(
            OFFICE, wrong_basis, People(subject_ids=tuple(ids)), Delivery(tmp_path / "x")
        )
    assert rows(hogo) == (0, 0)


def test_R29_R34_consent_based_provision_names_who_has_not_consented(
    hogo: Hogo, tmp_path: Path
) -> None:
    ids = contacts(hogo, 3)
    hogo.recipients.record(OFFICE, "group_companies", contract(contract_ref=None))
    hogo.subjects.record_consent(OFFICE, ids[1], purpose="business_communication", action="grant")
    order = Order("group_companies", "business_communication", ("name", "company_name"), "consent")
    target = tmp_path / "group.jsonl"
    with pytest.raises(ProvisionRefused, match="2 of 3 people") as refused:
        hogo.provision.provide(
            OFFICE, order, People(subject_ids=tuple(ids)), Delivery(target, format="jsonl")
        )
    assert refused.value.extensions["excluded"] == [
        {"subject_id": ids[0], "reason": "no_consent"},
        {"subject_id": ids[2], "reason": "no_consent"},
    ]
    assert not target.exists()
    assert rows(hogo) == (0, 0)

    done = hogo.provision.provide(
        OFFICE,
        order,
        People(subject_ids=tuple(ids)),
        Delivery(target, format="jsonl"),
        allow_partial=True,
    )
    assert done.people == 1
    assert done.statutory
    assert [e.subject_id for e in done.excluded] == [ids[0], ids[2]]
    assert pl.read_ndjson(target)["subject"].to_list() == ["k-1"]
    with hogo.engine.connect() as connection:
        consent_id = connection.execute(select(provision_records.c.consent_event_id)).scalar_one()
    assert consent_id is not None


def test_R42_a_stop_of_provision_excludes_the_person(hogo: Hogo, tmp_path: Path) -> None:
    """A35(3): a stop of provision to third parties in force excludes the person."""
    ids = contacts(hogo, 2)
    hogo.recipients.record(OFFICE, "group_companies", contract(contract_ref=None))
    for subject_id in ids:
        hogo.subjects.record_consent(
            OFFICE, subject_id, purpose="business_communication", action="grant"
        )
    with hogo.engine.begin() as connection:
        connection.execute(
            insert(restrictions).values(subject_id=ids[0], kind="provision_stop", since=NOW)
        )
    order = Order("group_companies", "business_communication", ("name",), "consent")
    done = hogo.provision.provide(
        OFFICE,
        order,
        People(subject_ids=tuple(ids)),
        Delivery(tmp_path / "g.csv", format="csv"),
        allow_partial=True,
    )
    assert [(e.subject_id, e.reason) for e in done.excluded] == [(ids[0], "provision_stopped")]


def test_R29_an_exception_needs_its_justification(hogo: Hogo, tmp_path: Path) -> None:
    ids = contacts(hogo, 1)
    hogo.recipients.record(OFFICE, "group_companies", contract(contract_ref=None))
    order = Order(
        "group_companies", "business_communication", ("name",), "exception", "state_organs"
    )
    with pytest.raises(ProvisionRefused, match="needs its justification"):
        hogo.provision.provide(
            OFFICE, order, People(subject_ids=tuple(ids)), Delivery(tmp_path / "e")
        )
    unknown = Order("group_companies", "business_communication", ("name",), "exception", "whim")
    with pytest.raises(ValidationFailed, match="provision exceptions"):
        hogo.provision.provide(
            OFFICE, unknown, People(subject_ids=tuple(ids)), Delivery(tmp_path / "e")
        )
    justified = Order(
        "group_companies",
        "business_communication",
        ("name",),
        "exception",
        "state_organs",
        "Request of the Osaka tax office, letter 2030-01-05 No. 12 (A27(1)(iv))",
    )
    done = hogo.provision.provide(
        OFFICE, justified, People(subject_ids=tuple(ids)), Delivery(tmp_path / "e")
    )
    assert done.people == 1
    assert not done.statutory


@pytest.fixture
def hogo_abroad(database_url: str, tmp_path: Path) -> Iterator[Hogo]:
    """A hogo whose policy declares the delivery processor in the United States."""
    text = POLICY.read_text(encoding="utf-8")
    start = text.index("  product_delivery:\n")
    at = text.index("    kind: processor\n", start) + len("    kind: processor\n")
    policy = tmp_path / "policy-us.yaml"
    policy.write_text(text[:at] + "    country: US\n" + text[at:], encoding="utf-8")
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(
        database_url, policy, settings=settings, mailer=MemorySender(), clock=lambda: NOW
    )
    yield opened
    opened.close()


def test_R33_a_foreign_recipient_on_consent_needs_each_persons_consent(
    hogo_abroad: Hogo, tmp_path: Path
) -> None:
    """R-33: a processor abroad is a third party (A28); on consent, each person's counts."""
    hogo = hogo_abroad
    ids = customers(hogo, 2)
    facts = contract(country="US", foreign_basis="consent", measures="ISO/IEC 27001, SOC 2")
    hogo.recipients.record(OFFICE, "product_delivery", facts)
    with pytest.raises(ProvisionRefused, match="no one can be provided") as refused:
        hogo.provision.provide(
            OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(tmp_path / "f")
        )
    assert {e["reason"] for e in refused.value.extensions["excluded"]} == {"no_consent"}
    assert rows(hogo) == (0, 0)


def test_R34_records_cannot_be_deleted_before_their_date(hogo: Hogo, tmp_path: Path) -> None:
    ids = customers(hogo, 1)
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    hogo.provision.provide(
        OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(tmp_path / "d")
    )
    with pytest.raises(DBAPIError), hogo.engine.begin() as connection:
        connection.execute(delete(provision_records))
    with pytest.raises(DBAPIError), hogo.engine.begin() as connection:
        connection.execute(delete(provisions))
    assert rows(hogo) == (1, 1)


def test_R34_an_export_can_be_sealed_to_the_recipients_age_key(hogo: Hogo, tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    ids = customers(hogo, 2)
    hogo.recipients.record(
        OFFICE, "product_delivery", contract(public_key=str(identity.to_public()))
    )
    target = tmp_path / "sealed.csv.age"
    hogo.provision.provide(
        OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(target, "csv", encrypt=True)
    )
    sealed = target.read_bytes()
    assert b"age-encryption.org" in sealed
    assert "山田".encode() not in sealed
    assert "山田 花子0".encode() in pyrage.decrypt(sealed, [identity])


def test_R34_a_failure_while_recording_leaves_no_file_and_no_record(
    hogo: Hogo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = customers(hogo, 2)
    hogo.recipients.record(OFFICE, "product_delivery", contract())

    def broken(*_args: object) -> None:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(provide_module, "insert_records", broken)
    with pytest.raises(RuntimeError, match="disk filled"):
        hogo.provision.provide(
            OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(tmp_path / "x.parquet")
        )
    assert not list(tmp_path.glob("*x.parquet*"))
    assert rows(hogo) == (0, 0)


def test_R29_people_by_group_take_those_holding_the_categories(hogo: Hogo, tmp_path: Path) -> None:
    ids = customers(hogo, 2)
    hogo.subjects.create(OFFICE, group="customers", ref="no-data")
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    done = hogo.provision.provide(
        OFFICE, DELIVERY, People(group="customers"), Delivery(tmp_path / "all.parquet")
    )
    assert done.people == len(ids)


def test_R40_the_records_show_in_the_persons_disclosure(hogo: Hogo, tmp_path: Path) -> None:
    """R-40: a disclosure names each provision: date, recipient with address and
    representative, the items and the basis."""
    ids = customers(hogo, 2)
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    hogo.provision.provide(
        OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(tmp_path / "p")
    )
    request_id = hogo.requests.submit(OFFICE, ids[0], "provision_records", "appi")
    hogo.requests.verify(OFFICE, request_id)
    hogo.fulfilment.fulfil(OFFICE, request_id)
    answer = hogo.fulfilment.answer(OFFICE, request_id)
    package = zipfile.ZipFile(io.BytesIO(answer.data))
    records = json.loads(package.read("data.json"))["provision_records"]
    assert len(records) == 1
    assert records[0]["recipient_name"] == "ヤマト配送株式会社"
    assert records[0]["recipient_address"] == "東京都中央区銀座1-1-1"
    assert records[0]["recipient_representative"] == "代表取締役 山田太郎"
    assert records[0]["categories"] == ["name", "address", "delivery_info"]
    assert records[0]["basis"] == "entrustment"
    assert "ヤマト配送株式会社" in package.read("index.html").decode()
    assert "ヤマト配送株式会社" in package.read("provision_records.csv").decode("utf-8-sig")


AD_PLATFORM = """\
  ad_platform:
    title: {ja: 広告配信事業者, en: Advertising platform}
    kind: third_party
    basis: consent
    groups: [customers]
    purposes: [retargeting_advertising]
    categories: [cookie_activity]
"""


@pytest.fixture
def hogo_ads(database_url: str, tmp_path: Path) -> Iterator[Hogo]:
    """A hogo whose policy adds a third party that receives cookie activity on consent."""
    text = POLICY.read_text(encoding="utf-8").replace(
        "\nrecipients:\n", "\nrecipients:\n" + AD_PLATFORM, 1
    )
    policy = tmp_path / "policy-ads.yaml"
    policy.write_text(text, encoding="utf-8")
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(
        database_url, policy, settings=settings, mailer=MemorySender(), clock=lambda: NOW
    )
    yield opened
    opened.close()


def test_R36_personally_referable_information_needs_its_confirmation(
    hogo_ads: Hogo, tmp_path: Path
) -> None:
    """R-36: cookie activity to a third party expected to link it needs the recorded
    confirmation of consent, and leaves a record (A31(3))."""
    hogo = hogo_ads
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref="v-1")
    hogo.subjects.record_consent(
        OFFICE, subject_id, purpose="retargeting_advertising", action="grant"
    )
    hogo.subjects.store(
        OFFICE,
        subject_id,
        [NewItem("cookie_activity", "/products/42 viewed", ["retargeting_advertising"])],
    )
    hogo.recipients.record(OFFICE, "ad_platform", contract(contract_ref=None))
    bare = Order("ad_platform", "retargeting_advertising", ("cookie_activity",), "consent")
    people = People(subject_ids=(subject_id,))
    with pytest.raises(ProvisionRefused, match="personally referable information"):
        hogo.provision.provide(OFFICE, bare, people, Delivery(tmp_path / "ads.jsonl", "jsonl"))
    assert rows(hogo) == (0, 0)
    confirmed = Referable(True, "The platform's written declaration of 2029-12-01 (R26(1))")
    order = dataclasses.replace(bare, referable=confirmed)
    done = hogo.provision.provide(OFFICE, order, people, Delivery(tmp_path / "ads.jsonl", "jsonl"))
    assert done.statutory
    with hogo.engine.connect() as connection:
        stored = connection.execute(
            select(provisions.c.linkage_expected, provisions.c.referable_confirmation)
        ).one()
    assert stored == (True, confirmed.confirmation)


def test_R34_D13_the_purge_takes_only_records_past_their_date(hogo: Hogo, tmp_path: Path) -> None:
    """R-34, D13: records still in their period stay; the database refuses an early delete."""
    ids = customers(hogo, 2)
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    hogo.provision.provide(
        OFFICE, DELIVERY, People(subject_ids=tuple(ids)), Delivery(tmp_path / "p")
    )
    assert hogo.provision.purge_expired(OFFICE) == 0
    with pytest.raises(Forbidden):
        hogo.provision.purge_expired(Actor("clerk", "customer_service"))
    assert rows(hogo) == (1, 2)


def test_R40_receipts_show_in_the_persons_disclosure(hogo: Hogo) -> None:
    """R-40 (A33(5)): the records of receipt are disclosed with the records of provision."""
    ids = customers(hogo, 1)
    hogo.receipts.record(
        OFFICE,
        ids,
        "株式会社リスト提供",
        "大阪府大阪市北区梅田1-1",
        "代表取締役 佐藤 花子",
        "会員登録フォームで本人から取得",
        "consent",
        ["name"],
        "individual",
        None,
        True,
    )
    request_id = hogo.requests.submit(OFFICE, ids[0], "provision_records", "appi")
    hogo.requests.verify(OFFICE, request_id)
    hogo.fulfilment.fulfil(OFFICE, request_id)
    package = zipfile.ZipFile(io.BytesIO(hogo.fulfilment.answer(OFFICE, request_id).data))
    received = json.loads(package.read("data.json"))["receipt_records"]
    assert [r["provider_name"] for r in received] == ["株式会社リスト提供"]
    assert "会員登録フォームで本人から取得" in package.read("index.html").decode()
