"""Notices to the person about their request, on SQLite and PostgreSQL (R-43, G-05).

A refusal or a partial answer carries its reason (APPI A36, R-43); under the GDPR also the
right to complain to a supervisory authority and to a court, and an extension its reason and
new due date (G-05). Mail goes to the address on file; none on file, no mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hogo.errors import MailFailed, ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.mail.message import Mail
from hogo.runtime import Hogo
from hogo.services.rights.deadlines import Regime
from hogo.services.rights.notify import Notice, RequestNotifier
from hogo.store.tables import audit_log

from .intake_support import JST, OFFICE, FixedClock, customer, open_test_hogo

TARO = "taro@example.jp"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=JST))


@pytest.fixture
def outbox() -> MemorySender:
    return MemorySender()


@pytest.fixture
def hogo(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Hogo]:
    # The notices hogo sends by itself go elsewhere: ``outbox`` holds the tested notifier's.
    opened, _keyring = open_test_hogo(database_url, tmp_path, clock, MemorySender())
    yield opened
    opened.close()


@pytest.fixture
def notifier(hogo: Hogo, outbox: MemorySender, clock: FixedClock) -> RequestNotifier:
    return RequestNotifier(hogo.engine, hogo.policy, hogo.vault, outbox, clock)


def request_of(hogo: Hogo, regime: Regime = "appi", lang: str = "ja") -> int:
    subject_id = customer(hogo, "c-1", "old@example.jp", TARO)
    details = {"lang": lang, "channel": "privacy_center"}
    return hogo.requests.submit(OFFICE, subject_id, "disclosure", regime, details=details)


def last_audit(hogo: Hogo) -> str:
    with hogo.engine.connect() as connection:
        query = select(audit_log.c.action, audit_log.c.body).order_by(audit_log.c.seq.desc())
        action, body = connection.execute(query.limit(1)).one()
    return f"{action} {body}"


def test_verified_notice_in_japanese_with_the_due_date(
    hogo: Hogo, notifier: RequestNotifier, outbox: MemorySender
) -> None:
    request_id = request_of(hogo)
    hogo.requests.verify(OFFICE, request_id)
    notice = notifier.notify(hogo.requests.get(request_id), "verified")
    assert notice == Notice(request_id, "verified", sent=True)
    (mail,) = outbox.sent
    assert mail.to == TARO  # the newest address on file
    assert "開示のご請求について" in mail.subject
    assert "ご本人確認が完了しました" in mail.text
    assert "2026-04-15" in mail.text  # D16: 14 days from arrival
    assert '"event":"verified"' in last_audit(hogo)
    assert TARO not in last_audit(hogo)


def test_R43_G05_gdpr_refusal_names_the_reason_and_the_right_to_complain(
    hogo: Hogo, notifier: RequestNotifier, outbox: MemorySender
) -> None:
    request_id = request_of(hogo, regime="gdpr", lang="en")
    hogo.requests.refuse(
        OFFICE, request_id, "The request repeats one answered last week.", "excessive"
    )
    notifier.notify(hogo.requests.get(request_id), "refused")
    (mail,) = outbox.sent
    assert mail.subject.endswith("your request for disclosure")
    assert "Reason: The request repeats one answered last week." in mail.text
    assert "supervisory authority" in mail.text
    assert "court" in mail.text


def test_R43_appi_refusal_in_japanese_names_the_reason(
    hogo: Hogo, notifier: RequestNotifier, outbox: MemorySender
) -> None:
    request_id = request_of(hogo)
    hogo.requests.refuse(
        OFFICE, request_id, "業務に著しい支障を及ぼすおそれがあるため", "serious_business_hindrance"
    )
    notifier.notify(hogo.requests.get(request_id), "refused")
    text = outbox.sent[0].text
    assert "理由: 業務に著しい支障を及ぼすおそれがあるため" in text
    assert "監督機関" not in text  # the GDPR's complaint right is not an APPI notice


def test_R43_G05_partial_answer_with_its_reason(
    hogo: Hogo, notifier: RequestNotifier, outbox: MemorySender
) -> None:
    request_id = request_of(hogo, regime="gdpr", lang="en")
    hogo.requests.verify(OFFICE, request_id)
    hogo.requests.start(OFFICE, request_id)
    hogo.requests.fulfil(
        OFFICE,
        request_id,
        partial_reason="Tax records are kept by law.",
        ground="violation_of_other_laws",
    )
    notifier.notify(hogo.requests.get(request_id), "partially_fulfilled")
    text = outbox.sent[0].text
    assert "Reason: Tax records are kept by law." in text
    assert "supervisory authority" in text


def test_fulfilled_notice(hogo: Hogo, notifier: RequestNotifier, outbox: MemorySender) -> None:
    request_id = request_of(hogo)
    hogo.requests.verify(OFFICE, request_id)
    hogo.requests.start(OFFICE, request_id)
    hogo.requests.fulfil(OFFICE, request_id)
    assert notifier.notify(hogo.requests.get(request_id), "fulfilled").sent
    assert "対応が完了しました" in outbox.sent[0].text


def test_G05_extension_notice_with_new_due_date_and_reason(
    hogo: Hogo, notifier: RequestNotifier, outbox: MemorySender, clock: FixedClock
) -> None:
    request_id = request_of(hogo, regime="gdpr", lang="en")
    clock.advance(days=10)
    hogo.requests.extend(OFFICE, request_id, "The request covers twelve years of records.")
    request = hogo.requests.get(request_id)
    notifier.notify(request, "extended")
    text = outbox.sent[0].text
    assert request.extended_due_at is not None
    assert f"we will answer by {request.extended_due_at.isoformat()}" in text
    assert "Reason: The request covers twelve years of records." in text


def test_no_address_on_file_no_mail(
    hogo: Hogo, notifier: RequestNotifier, outbox: MemorySender
) -> None:
    subject_id = customer(hogo, "c-9")
    request_id = hogo.requests.submit(OFFICE, subject_id, "disclosure", "appi")
    hogo.requests.verify(OFFICE, request_id)
    notice = notifier.notify(hogo.requests.get(request_id), "verified")
    assert notice == Notice(request_id, "verified", sent=False, skipped="no_address")
    assert outbox.sent == []
    assert '"skipped":"no_address"' in last_audit(hogo)


def test_a_failed_mail_is_reported_not_raised(hogo: Hogo, clock: FixedClock) -> None:
    class Broken(MemorySender):
        def send(self, message: Mail) -> None:
            raise MailFailed("cannot send mail via smtp://mail.example.jp:25: timed out")

    request_id = request_of(hogo)
    hogo.requests.verify(OFFICE, request_id)
    notifier = RequestNotifier(hogo.engine, hogo.policy, hogo.vault, Broken(), clock)
    notice = notifier.notify(hogo.requests.get(request_id), "verified")
    assert not notice.sent
    assert notice.skipped is not None
    assert "timed out" in notice.skipped


def test_notice_must_fit_the_request(hogo: Hogo, notifier: RequestNotifier) -> None:
    request = hogo.requests.get(request_of(hogo))
    with pytest.raises(ValidationFailed, match="unknown notice"):
        notifier.notify(request, "teleported")
    for event in ("verified", "refused", "fulfilled", "extended"):
        with pytest.raises(ValidationFailed):
            notifier.notify(request, event)


def test_G05_R43_the_workflow_tells_the_person_of_each_decision(
    database_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    sent = MemorySender()
    hogo, _keyring = open_test_hogo(database_url, tmp_path, clock, sent)
    with hogo:
        request_id = request_of(hogo, regime="gdpr", lang="en")
        hogo.requests.verify(OFFICE, request_id)
        hogo.requests.extend(OFFICE, request_id, "many archives to search")
        hogo.requests.refuse(OFFICE, request_id, "manifestly unfounded", "manifestly_unfounded")
    assert [mail.to for mail in sent.sent] == [TARO, TARO, TARO]
    assert "many archives to search" in sent.sent[1].text
    assert "manifestly unfounded" in sent.sent[2].text
