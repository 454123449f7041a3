"""Fulfilling rights requests from the vault and ledgers (R-38–R-43, R-14, G-06–G-10)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from hogo.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.rights.correction import Change
from hogo.services.rights.deadlines import Regime
from hogo.services.rights.kinds import RequestKind
from hogo.settings import Settings
from hogo.store.tables import (
    access_log_lines,
    audit_log,
    consent_events,
    item_revisions,
    items,
    subjects,
)
from hogo.vault.items import NewItem
from hogo.vault.suppression import SuppressionList, SuppressionUnavailable

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICER = Actor("officer-1", "privacy_office")
HR = Actor("hr-1", "hr")
EMAIL = "yamada.taro@example.jp"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    master = base64.b64encode(os.urandom(32)).decode()
    return Settings(master_key=master, key_file=tmp_path / "hogo.key")


@pytest.fixture
def hogo(database_url: str, settings: Settings) -> Iterator[Hogo]:
    opened = open_hogo(database_url, POLICY, settings=settings)
    yield opened
    opened.close()


def _customer(hogo: Hogo, *, with_orders: bool = False) -> int:
    subject_id = hogo.subjects.create(OFFICER, group="customers", ref="c-1")
    membership = ("membership_service",)
    stored = [
        NewItem("name", "山田 太郎", membership),
        NewItem("email", EMAIL, membership),
        NewItem("address", "東京都千代田区1-1", membership),
        NewItem("member_id", "M-0001", membership, source="third_party"),
    ]
    if with_orders:
        stored.append(NewItem("product_number", "CT-S310", ("order_confirmation",)))
    hogo.subjects.store(OFFICER, subject_id, stored)
    return subject_id


def _applicant(hogo: Hogo) -> int:
    subject_id = hogo.subjects.create(OFFICER, group="applicants", ref="a-1")
    hogo.subjects.store(
        OFFICER,
        subject_id,
        [NewItem("name", "佐藤 花子", ("recruitment",)), NewItem("email", EMAIL, ("recruitment",))],
    )
    return subject_id


def _request(
    hogo: Hogo,
    subject_id: int,
    kind: RequestKind,
    regime: Regime = "appi",
    *,
    ground: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    request_id = hogo.requests.submit(
        OFFICER, subject_id, kind, regime, ground=ground, details=details
    )
    hogo.requests.verify(OFFICER, request_id)
    return request_id


def _package(hogo: Hogo, request_id: int) -> zipfile.ZipFile:
    answer = hogo.fulfilment.answer(OFFICER, request_id)
    assert answer.media_type == "application/zip"
    return zipfile.ZipFile(io.BytesIO(answer.data))


def test_R39_G06_disclosure_package_holds_every_item_consent_purpose_and_read(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    hogo.subjects.record_consent(
        OFFICER, subject_id, purpose="preference_advertising", action="grant"
    )
    hogo.access.read(OFFICER, subject_id, ["name"], "membership_service")
    request_id = _request(hogo, subject_id, "disclosure", details={"lang": "ja"})

    outcome = hogo.fulfilment.fulfil(OFFICER, request_id)

    assert outcome.status == "fulfilled"
    package = _package(hogo, request_id)
    assert {"data.json", "index.html", "items.csv", "consents.csv", "purposes.csv"} <= set(
        package.namelist()
    )
    data = json.loads(package.read("data.json"))
    values = {item["category"]: item["value"] for item in data["items"]}
    assert values == {
        "name": "山田 太郎",
        "email": EMAIL,
        "address": "東京都千代田区1-1",
        "member_id": "M-0001",
    }
    assert data["consents"][0]["purpose"] == "preference_advertising"
    assert (
        data["consents"][0]["version"]
        == hogo.policy.purposes["preference_advertising"].consent_version
    )
    group_purposes = {n for n, p in hogo.policy.purposes.items() if "customers" in p.groups}
    assert {p["purpose"] for p in data["purposes"]} == group_purposes
    assert any(
        r["action"] == "read" and r["purpose"] == "membership_service" for r in data["reads"]
    )
    assert data["recipients"]
    assert data["retention"]
    page = package.read("index.html").decode()
    assert "山田 太郎" in page
    assert "保有個人データの開示" in page
    assert "山田 太郎" in package.read("items.csv").decode("utf-8-sig")


def test_R39_paper_method_gives_a_printable_page(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    request_id = _request(hogo, subject_id, "disclosure", details={"method": "paper", "lang": "en"})
    hogo.fulfilment.fulfil(OFFICER, request_id)
    answer = hogo.fulfilment.answer(OFFICER, request_id)
    assert answer.media_type.startswith("text/html")
    page = answer.data.decode()
    assert "@media print" in page
    assert "Disclosure of your personal data" in page
    assert EMAIL in page


def test_G09_portability_exports_only_what_the_person_provided(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    request_id = _request(hogo, subject_id, "portability", regime="gdpr")
    hogo.fulfilment.fulfil(OFFICER, request_id)
    data = json.loads(_package(hogo, request_id).read("data.json"))
    assert {item["category"] for item in data["items"]} == {"name", "email", "address"}
    assert all(item["source"] == "direct" for item in data["items"])


def test_R38_purpose_notice_lists_purposes_and_no_data(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    request_id = _request(hogo, subject_id, "purpose_notice")
    hogo.fulfilment.fulfil(OFFICER, request_id)
    data = json.loads(_package(hogo, request_id).read("data.json"))
    assert data["items"] == []
    assert data["purposes"]


def test_R41_G07_correction_keeps_the_old_value_and_lists_recipients(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    with hogo.engine.connect() as connection:
        email_id = connection.execute(
            select(items.c.id).where(items.c.subject_id == subject_id, items.c.category == "email")
        ).scalar_one()
    request_id = _request(hogo, subject_id, "correction")
    change = Change("correct", item_id=email_id, value="taro.yamada@example.jp")

    outcome = hogo.fulfilment.fulfil(OFFICER, request_id, changes=[change])

    assert outcome.status == "fulfilled"
    assert outcome.detail["changed"] == [email_id]
    declared = {
        name
        for name, r in hogo.policy.recipients.items()
        if "customers" in r.groups and (not r.categories or "email" in r.categories)
    }
    assert declared
    assert set(outcome.detail["notify_recipients"]) == declared
    read = hogo.access.read(OFFICER, subject_id, ["email"], "membership_service")
    assert [item.value for item in read.items] == ["taro.yamada@example.jp"]
    assert hogo.subjects.find(OFFICER, "email", "taro.yamada@example.jp") == [subject_id]
    assert hogo.subjects.find(OFFICER, "email", EMAIL) == []
    with hogo.engine.connect() as connection:
        revision = connection.execute(select(item_revisions)).one()
    assert revision.item_id == email_id
    assert revision.change == "correct"
    assert revision.old_ciphertext
    assert EMAIL.encode() not in revision.old_ciphertext


def test_R42_erasure_leaves_nothing_readable_and_destroys_the_key(hogo: Hogo) -> None:
    subject_id = _applicant(hogo)
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")

    outcome = hogo.fulfilment.fulfil(OFFICER, request_id)

    assert outcome.status == "fulfilled"
    assert outcome.detail["erased_items"] == 2
    with hogo.engine.connect() as connection:
        row = connection.execute(select(subjects).where(subjects.c.id == subject_id)).one()
        left = connection.execute(
            select(func.count()).select_from(items).where(items.c.subject_id == subject_id)
        ).scalar_one()
    assert (row.status, row.ref, bytes(row.wrapped_key), left) == (
        "erased",
        f"erased:{subject_id}",
        b"",
        0,
    )
    assert hogo.subjects.find(OFFICER, "email", EMAIL) == []
    decision = hogo.access.decide(OFFICER, subject_id, ["name"], "recruitment")
    assert not decision.all_allowed
    with pytest.raises(Conflict):
        hogo.fulfilment.fulfil(
            OFFICER, _request(hogo, subject_id, "erasure", ground="no_longer_needed")
        )


def test_R42_R43_erasure_names_every_item_the_law_keeps_and_is_not_fulfilled(hogo: Hogo) -> None:
    """Order records fall under the seven-year tax floor (R-13): kept, named, suspended."""
    subject_id = _customer(hogo, with_orders=True)
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")

    outcome = hogo.fulfilment.fulfil(OFFICER, request_id)

    assert outcome.status == "partially_fulfilled"
    assert outcome.reason is not None
    assert "customer_orders" in outcome.reason
    kept = outcome.detail["kept_items"]
    assert len(kept) == 1
    assert f"item {kept[0]}" in outcome.reason
    assert hogo.requests.get(request_id).decision_ground == "alternative_measure"
    with hogo.engine.connect() as connection:
        left = connection.execute(
            select(items.c.id).where(items.c.subject_id == subject_id)
        ).scalars()
        assert list(left) == kept
    decision = hogo.access.decide(OFFICER, subject_id, ["product_number"], "order_confirmation")
    assert [o.reason.code for o in decision.outcomes] == ["suspended"]


def test_R14_a_restored_backup_does_not_bring_the_person_back(
    tmp_path: Path, settings: Settings
) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    with open_hogo(url, POLICY, settings=settings) as hogo:
        subject_id = _applicant(hogo)
        request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")
    shutil.copy(tmp_path / "live.db", tmp_path / "backup.db")
    with open_hogo(url, POLICY, settings=settings) as hogo:
        hogo.fulfilment.fulfil(OFFICER, request_id)
    shutil.copy(tmp_path / "backup.db", tmp_path / "live.db")  # the restore

    with open_hogo(url, POLICY, settings=settings) as hogo:
        assert hogo.subjects.get(subject_id).status == "erased"
        assert hogo.subjects.find(OFFICER, "email", EMAIL) == []
        with hogo.engine.connect() as connection:
            actions = connection.execute(select(audit_log.c.action)).scalars().all()
        assert "erasure_reapplied" in actions


def test_R14_a_failing_suppression_list_stops_the_erasure_whole(
    hogo: Hogo, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject_id = _applicant(hogo)
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")

    def broken(_self: SuppressionList, _entries: object) -> None:
        raise SuppressionUnavailable("disk full")

    monkeypatch.setattr(SuppressionList, "append", broken)
    with pytest.raises(SuppressionUnavailable):
        hogo.fulfilment.fulfil(OFFICER, request_id)
    assert hogo.subjects.get(subject_id).status == "active"
    assert hogo.requests.get(request_id).status == "verified"
    assert len(hogo.subjects.find(OFFICER, "email", EMAIL)) == 1

    monkeypatch.undo()
    assert hogo.fulfilment.fulfil(OFFICER, request_id).status == "fulfilled"


def test_R42_G08_restriction_makes_the_guard_deny_from_that_moment(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    assert hogo.access.decide(OFFICER, subject_id, ["name"], "membership_service").all_allowed
    request_id = _request(hogo, subject_id, "suspension", ground="no_longer_needed")

    hogo.fulfilment.fulfil(OFFICER, request_id, purposes=["membership_service"])

    denied = hogo.access.decide(OFFICER, subject_id, ["name"], "membership_service")
    assert [o.reason.code for o in denied.outcomes] == ["suspended"]
    assert hogo.access.decide(OFFICER, subject_id, ["name"], "order_confirmation").all_allowed


def test_G10_objection_stops_direct_marketing_at_once(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    request_id = _request(hogo, subject_id, "objection", regime="gdpr")
    hogo.fulfilment.fulfil(OFFICER, request_id)
    for purpose in ("product_information_ads", "support_information_ads", "inquiry_handling"):
        decision = hogo.access.decide(OFFICER, subject_id, ["name"], purpose)
        assert not decision.all_allowed, purpose
    assert hogo.access.decide(OFFICER, subject_id, ["name"], "membership_service").all_allowed


def test_G02_consent_withdrawal_appends_to_the_ledger(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    hogo.subjects.record_consent(
        OFFICER, subject_id, purpose="preference_advertising", action="grant"
    )
    request_id = _request(hogo, subject_id, "consent_withdrawal")
    outcome = hogo.fulfilment.fulfil(OFFICER, request_id, purposes=["preference_advertising"])
    assert outcome.detail["withdrawn"] == ["preference_advertising"]
    with hogo.engine.connect() as connection:
        actions = connection.execute(select(consent_events.c.action)).scalars().all()
    assert actions == ["grant", "withdraw"]
    decision = hogo.access.decide(OFFICER, subject_id, ["member_id"], "preference_advertising")
    assert [o.reason.code for o in decision.outcomes] == ["no_consent"]


def test_R16_fulfilment_needs_a_role_that_covers_the_subject(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")
    with pytest.raises(Forbidden):
        hogo.fulfilment.fulfil(HR, request_id)
    assert hogo.requests.get(request_id).status == "verified"
    assert hogo.subjects.get(subject_id).status == "active"


def test_R44_an_unverified_request_is_not_fulfilled(hogo: Hogo) -> None:
    subject_id = _customer(hogo)
    request_id = hogo.requests.submit(OFFICER, subject_id, "disclosure", "appi")
    with pytest.raises(Conflict):
        hogo.fulfilment.fulfil(OFFICER, request_id)
    with pytest.raises(NotFound, match="no answer"):
        hogo.fulfilment.answer(OFFICER, request_id)


def test_R42_no_longer_needed_past_retention_is_approved_at_once(hogo: Hogo) -> None:
    subject_id = hogo.subjects.create(OFFICER, group="applicants", ref="a-old")
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    hogo.subjects.store(
        OFFICER, subject_id, [NewItem("name", "古い 応募者", ("recruitment",), retain_until=past)]
    )
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")

    outcome = hogo.fulfilment.fulfil_if_ground_established(OFFICER, request_id)

    assert outcome is not None
    assert outcome.status == "fulfilled"
    assert hogo.subjects.get(subject_id).status == "erased"


def test_R42_no_longer_needed_within_retention_waits_for_the_office(hogo: Hogo) -> None:
    subject_id = _applicant(hogo)
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")
    assert hogo.fulfilment.fulfil_if_ground_established(OFFICER, request_id) is None
    assert hogo.requests.get(request_id).status == "verified"


def test_R42_erasure_destroys_the_persons_inquiry_tickets_too(hogo: Hogo) -> None:
    subject_id = _applicant(hogo)
    ticket_id = hogo.inquiries.open("question", "応募書類について質問です", email=EMAIL)
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")

    outcome = hogo.fulfilment.fulfil(OFFICER, request_id)

    assert outcome.detail["tickets_shredded"] == [ticket_id]
    assert hogo.inquiries.get(ticket_id).messages == ()


def test_G05_R42_the_person_is_told_of_each_decision_even_after_erasure(
    database_url: str, settings: Settings
) -> None:
    sent = MemorySender()
    with open_hogo(database_url, POLICY, settings=settings, mailer=sent) as hogo:
        subject_id = _applicant(hogo)
        request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed")
        hogo.fulfilment.fulfil(OFFICER, request_id)
    assert [mail.to for mail in sent.sent] == [EMAIL, EMAIL]  # verified, then fulfilled
    assert str(request_id) in sent.sent[-1].subject + sent.sent[-1].text


def test_R42_erasure_removes_what_the_person_wrote_in_their_requests(hogo: Hogo) -> None:
    subject_id = _applicant(hogo)
    details = {
        "description": "私の応募書類を消してください",
        "agent": {"type": "attorney", "name": "弁護士 甲"},
    }
    request_id = _request(hogo, subject_id, "erasure", ground="no_longer_needed", details=details)
    hogo.fulfilment.fulfil(OFFICER, request_id)
    kept = hogo.requests.get(request_id).details
    assert "description" not in kept
    assert kept["agent"] == {"type": "attorney"}


def _applicants(hogo: Hogo, count: int) -> list[int]:
    ids = []
    for n in range(count):
        subject_id = hogo.subjects.create(OFFICER, group="applicants", ref=f"batch-{n}")
        email = f"applicant{n}@example.jp"
        stored = [
            NewItem("name", f"応募者 {n}", ("recruitment",)),
            NewItem("email", email, ("recruitment",)),
        ]
        hogo.subjects.store(OFFICER, subject_id, stored)
        ids.append(subject_id)
    return ids


def test_R42_R14_a_batch_of_erasures_erases_each_person_and_tells_each(
    database_url: str, settings: Settings
) -> None:
    sent = MemorySender()
    with open_hogo(database_url, POLICY, settings=settings, mailer=sent) as hogo:
        people = _applicants(hogo, 5)
        customer = _customer(hogo, with_orders=True)
        request_ids = [
            _request(hogo, subject_id, "erasure", ground="no_longer_needed")
            for subject_id in [*people, customer]
        ]
        hogo.requests.start(OFFICER, request_ids[0])  # started ones are taken as well
        sent.sent.clear()

        outcomes = hogo.fulfilment.fulfil_erasures(OFFICER, request_ids)

        assert [o.status for o in outcomes] == ["fulfilled"] * 5 + ["partially_fulfilled"]
        assert "customer_orders" in (outcomes[-1].reason or "")
        for subject_id in people:
            assert hogo.subjects.get(subject_id).status == "erased"
        assert hogo.subjects.find(OFFICER, "email", "applicant3@example.jp") == []
        history = hogo.requests.history(request_ids[1])
        assert [e.to_status for e in history] == [
            "received",
            "verified",
            "in_progress",
            "fulfilled",
        ]
        assert len(sent.sent) == 6
        assert sorted(
            entry.subject_id for entry in SuppressionList(settings.suppression_path)
        ) == sorted([*people, customer])


def test_R43_a_batch_with_one_request_that_may_not_be_fulfilled_changes_nothing(
    hogo: Hogo,
) -> None:
    people = _applicants(hogo, 3)
    request_ids = [_request(hogo, s, "erasure", ground="no_longer_needed") for s in people]
    unverified = hogo.requests.submit(OFFICER, people[0], "disclosure", "appi")
    with pytest.raises(ValidationFailed, match="not an erasure"):
        hogo.fulfilment.fulfil_erasures(OFFICER, [*request_ids, unverified])
    assert all(hogo.subjects.get(s).status == "active" for s in people)
    with pytest.raises(Forbidden):
        hogo.fulfilment.fulfil_erasures(Actor("cs-1", "customer_service"), request_ids)
    assert [hogo.requests.get(r).status for r in request_ids] == ["verified"] * 3


def test_R40_provision_records_are_answered_from_the_ledger_that_holds_them(hogo: Hogo) -> None:
    """No provision is recorded for this person, and the answer says so in both languages."""
    subject_id = _customer(hogo)
    request_id = _request(hogo, subject_id, "provision_records")
    assert hogo.fulfilment.fulfil(OFFICER, request_id).status == "fulfilled"
    package = _package(hogo, request_id)
    assert json.loads(package.read("data.json"))["provision_records"] == []
    assert "第三者提供の記録はありません" in package.read("index.html").decode()


def test_R61_R42_erasure_unlinks_the_persons_access_log_lines(hogo: Hogo) -> None:
    subject_id = _applicant(hogo)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    line = {
        "at": now,
        "ip": "203.0.113.0/24",
        "agent_class": "browser",
        "member_subject_id": subject_id,
        "source": "test.log",
    }
    with hogo.engine.begin() as connection:
        connection.execute(insert(access_log_lines).values(line))
    hogo.fulfilment.fulfil(
        OFFICER, _request(hogo, subject_id, "erasure", ground="no_longer_needed")
    )
    with hogo.engine.connect() as connection:
        linked = connection.execute(select(access_log_lines.c.member_subject_id)).scalar_one()
    assert linked is None
