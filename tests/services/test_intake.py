"""The privacy center's identity check, on SQLite and PostgreSQL (R-44, APPI A37; GDPR Art. 12).

The code goes to the address on file; an unknown address gets the same answer and no mail;
codes are one-time, short-lived and tried at most five times; addresses and clients are
rate-limited; an agent's requests wait for the office to check the proof.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from hogo.errors import (
    CodeExpired,
    CodeInvalid,
    CodeLocked,
    CodeUsed,
    MailFailed,
    NotFound,
    RateLimited,
    TooLarge,
    ValidationFailed,
)
from hogo.mail.memory import MemorySender
from hogo.mail.message import Mail
from hogo.runtime import Hogo
from hogo.services.rights.attachments import MAX_BYTES, Proof
from hogo.services.rights.intake import IntakeService
from hogo.services.rights.limits import IntakeLimits
from hogo.store.tables import (
    audit_log,
    intake_attempts,
    request_attachments,
    requests,
    subjects,
    verification_challenges,
)
from hogo.vault.keys import KeyRing

from .intake_support import (
    JST,
    OFFICE,
    PDF,
    FixedClock,
    code_in,
    customer,
    open_test_hogo,
)

TARO = "Taro.Yamada@Example.jp"
ATTORNEY = {"type": "attorney", "name": "弁護士 佐藤花子"}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=JST))


@pytest.fixture
def outbox() -> MemorySender:
    return MemorySender()


@pytest.fixture
def opened(
    database_url: str, tmp_path: Path, clock: FixedClock, outbox: MemorySender
) -> Iterator[tuple[Hogo, KeyRing]]:
    hogo, keyring = open_test_hogo(database_url, tmp_path, clock, outbox)
    yield hogo, keyring
    hogo.close()


@pytest.fixture
def hogo(opened: tuple[Hogo, KeyRing]) -> Hogo:
    return opened[0]


def rows(hogo: Hogo, table: Any) -> list[Any]:
    with hogo.engine.connect() as connection:
        return list(connection.execute(select(table)).all())


def count(hogo: Hogo, table: Any) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def audit_actions(hogo: Hogo) -> list[str]:
    with hogo.engine.connect() as connection:
        return list(
            connection.execute(select(audit_log.c.action).order_by(audit_log.c.seq)).scalars()
        )


def audit_text(hogo: Hogo) -> str:
    with hogo.engine.connect() as connection:
        return "\n".join(connection.execute(select(audit_log.c.body)).scalars())


# -- the happy path -------------------------------------------------------------------------


def test_R44_code_goes_to_the_address_on_file_and_verifies(
    hogo: Hogo, outbox: MemorySender, clock: FixedClock
) -> None:
    """Typed in full width and upper case, the code still goes to the address as stored."""
    subject_id = customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(
        " ＴＡＲＯ.YAMADA@example.jp ", "disclosure", "appi", details={"method": "paper"}
    )
    assert challenge.expires_at == clock.now + dt.timedelta(minutes=15)
    (mail,) = outbox.sent
    assert mail.to == TARO
    assert mail.subject.endswith("ご本人確認コードのお知らせ")
    assert "開示" in mail.text

    (request,) = hogo.requests.list_open()
    assert (request.subject_id, request.kind, request.status) == (
        subject_id,
        "disclosure",
        "received",
    )
    assert request.details["channel"] == "privacy_center"
    assert request.details["method"] == "paper"
    assert request.details["id_check"] == {"method": "email_code", "result": "pending"}

    verified = hogo.intake.verify(challenge.id, code_in(mail))
    assert verified.request_ids == (request.id,)
    assert verified.status_token not in repr(verified)
    after = hogo.requests.get(request.id)
    assert after.status == "verified"
    assert after.details["id_check"]["result"] == "confirmed"
    assert hogo.requests.history(request.id)[-1].actor == f"requester:{challenge.id[:8]}"
    assert [r.id for r in hogo.intake.status(verified.status_token)] == [request.id]


def test_R44_one_challenge_confirms_every_subject_holding_the_address(
    hogo: Hogo, outbox: MemorySender
) -> None:
    first, second = customer(hogo, "c-1", TARO), customer(hogo, "c-2", "taro.yamada@example.jp")
    customer(hogo, "c-3", "someone.else@example.jp")
    challenge = hogo.intake.open(TARO, "erasure", "gdpr", lang="en")
    (mail,) = outbox.sent
    assert mail.subject.endswith("your verification code")
    assert "erasure" in mail.text
    verified = hogo.intake.verify(challenge.id, code_in(mail))
    found = hogo.intake.status(verified.status_token)
    assert sorted(r.subject_id for r in found) == [first, second]
    assert {r.status for r in found} == {"verified"}


def test_R44_code_typed_in_full_width_with_spaces(hogo: Hogo, outbox: MemorySender) -> None:
    customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(TARO, "purpose_notice", "appi")
    code = code_in(outbox.sent[0])
    typed = " ".join(chr(ord(digit) + 0xFEE0) for digit in code)  # "１ ２ ３ …"
    assert hogo.intake.verify(challenge.id, typed).request_ids


def test_R18_codes_and_tokens_are_stored_only_as_keyed_hashes(
    hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(TARO, "disclosure", "appi")
    code = code_in(outbox.sent[0])
    token = hogo.intake.verify(challenge.id, code).status_token
    (row,) = rows(hogo, verification_challenges)
    assert code.encode() not in bytes(row.code_hash)
    (request,) = rows(hogo, requests)
    assert token.encode() not in bytes(request.status_token_hash)
    assert len(request.status_token_hash) == 32
    text = audit_text(hogo)
    assert TARO.lower() not in text.lower()
    assert code not in text
    assert token not in text


# -- unknown addresses ----------------------------------------------------------------------


def test_R44_unknown_address_gets_the_same_answer_and_no_mail(
    hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo, "c-1", TARO)
    known = hogo.intake.open(TARO, "disclosure", "appi")
    unknown = hogo.intake.open("nobody@example.jp", "disclosure", "appi")
    assert type(known) is type(unknown)
    assert len(known.id) == len(unknown.id)
    assert known.expires_at == unknown.expires_at
    assert len(outbox.sent) == 1
    assert count(hogo, requests) == 1
    decoy = next(r for r in rows(hogo, verification_challenges) if r.id == unknown.id)
    assert decoy.request_ids == []
    assert audit_actions(hogo).count("intake") == 2
    assert "nobody" not in audit_text(hogo)


def test_R44_a_decoy_answers_like_a_wrong_code_then_locks(hogo: Hogo) -> None:
    decoy = hogo.intake.open("nobody@example.jp", "disclosure", "appi")
    lefts = []
    for _ in range(5):
        with pytest.raises(CodeInvalid) as caught:
            hogo.intake.verify(decoy.id, "123456")
        lefts.append(caught.value.attempts_left)
    assert lefts == [4, 3, 2, 1, 0]
    with pytest.raises(CodeLocked):
        hogo.intake.verify(decoy.id, "123456")


def test_R44_unknown_challenge_is_not_found(hogo: Hogo) -> None:
    with pytest.raises(NotFound):
        hogo.intake.verify("no-such-challenge", "123456")
    assert audit_actions(hogo)[-1] == "intake_verify"


# -- wrong, expired, replayed, locked -------------------------------------------------------


def test_R44_wrong_code_changes_nothing_but_the_count(hogo: Hogo, outbox: MemorySender) -> None:
    customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(TARO, "disclosure", "appi")
    wrong = f"{(int(code_in(outbox.sent[0])) + 1) % 1_000_000:06d}"
    with pytest.raises(CodeInvalid) as caught:
        hogo.intake.verify(challenge.id, wrong)
    assert caught.value.code == "code_invalid"
    assert caught.value.attempts_left == 4
    (request,) = rows(hogo, requests)
    assert (request.status, request.status_token_hash) == ("received", None)
    (row,) = rows(hogo, verification_challenges)
    assert (row.attempts, row.used_at) == (1, None)


def test_R44_expired_code(hogo: Hogo, outbox: MemorySender, clock: FixedClock) -> None:
    customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(TARO, "disclosure", "appi")
    clock.advance(minutes=15)
    with pytest.raises(CodeExpired) as caught:
        hogo.intake.verify(challenge.id, code_in(outbox.sent[0]))
    assert caught.value.code == "code_expired"
    assert hogo.requests.list_open()[0].status == "received"


def test_R44_code_is_good_until_just_before_expiry(
    hogo: Hogo, outbox: MemorySender, clock: FixedClock
) -> None:
    customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(TARO, "disclosure", "appi")
    clock.advance(minutes=14, seconds=59)
    assert hogo.intake.verify(challenge.id, code_in(outbox.sent[0])).request_ids


def test_R44_replayed_code(hogo: Hogo, outbox: MemorySender) -> None:
    customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(TARO, "disclosure", "appi")
    code = code_in(outbox.sent[0])
    hogo.intake.verify(challenge.id, code)
    with pytest.raises(CodeUsed) as caught:
        hogo.intake.verify(challenge.id, code)
    assert caught.value.code == "code_used"
    outcomes = audit_text(hogo)
    assert '"outcome":"confirmed"' in outcomes
    assert '"outcome":"used"' in outcomes


def test_R44_sixth_try_is_locked_even_with_the_right_code(hogo: Hogo, outbox: MemorySender) -> None:
    customer(hogo, "c-1", TARO)
    challenge = hogo.intake.open(TARO, "disclosure", "appi")
    code = code_in(outbox.sent[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(CodeInvalid) as caught:
            hogo.intake.verify(challenge.id, wrong)
        assert caught.value.attempts_left == left
    with pytest.raises(CodeLocked) as locked:
        hogo.intake.verify(challenge.id, code)
    assert locked.value.code == "code_locked"
    assert hogo.requests.list_open()[0].status == "received"


# -- rate limits ------------------------------------------------------------------------------


def test_R44_address_rate_limit_with_retry_after(hogo: Hogo, clock: FixedClock) -> None:
    """Five an hour per address, known or not: the sixth waits for the first to age out."""
    customer(hogo, "c-1", TARO)
    for address in (TARO, "nobody@example.jp"):
        for _ in range(5):
            hogo.intake.open(address, "disclosure", "appi")
            clock.advance(minutes=1)
        with pytest.raises(RateLimited) as caught:
            hogo.intake.open(address, "disclosure", "appi")
        assert caught.value.code == "rate_limited"
        assert caught.value.status == 429
        assert caught.value.retry_after == 55 * 60
    assert audit_actions(hogo).count("intake_limited") == 2
    clock.advance(minutes=55)
    hogo.intake.open(TARO, "disclosure", "appi")


def test_R44_client_rate_limit(
    opened: tuple[Hogo, KeyRing], outbox: MemorySender, clock: FixedClock
) -> None:
    hogo, keyring = opened
    intake = IntakeService(
        hogo.engine,
        hogo.policy,
        hogo.vault,
        keyring,
        hogo.requests,
        outbox,
        clock,
        limits=IntakeLimits(per_client=3),
    )
    for number in range(3):
        intake.open(f"person{number}@example.jp", "disclosure", "appi", client="203.0.113.9")
    with pytest.raises(RateLimited, match="client") as caught:
        intake.open("person9@example.jp", "disclosure", "appi", client="203.0.113.9")
    assert caught.value.retry_after == 3600
    intake.open("person9@example.jp", "disclosure", "appi", client="198.51.100.1")
    keys = {bytes(row.key) for row in rows(hogo, intake_attempts)}
    assert all(b"203.0.113.9" not in key for key in keys)


# -- checks on the submission -----------------------------------------------------------------


REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"kind": "teleportation"}, "unknown request kind"),
    ({"kind": "portability", "regime": "appi"}, "GDPR right"),
    ({"kind": "erasure"}, "A35 ground"),
    ({"regime": "ccpa"}, "unknown regime"),
    ({"lang": "fr"}, "unknown language"),
    ({"details": {"colour": "blue"}}, "unknown detail"),
    ({"details": {"method": "fax"}}, "unknown method"),
    ({"details": {"description": "x" * 2001}}, "at most 2000"),
    ({"agent": {"type": "friend", "name": "x"}}, "unknown agent type"),
    ({"agent": {"type": "attorney", "name": " "}}, "agent's name"),
    ({"agent": ATTORNEY}, "proof of authority"),
    ({"proof": Proof(PDF, "a.pdf", "application/pdf")}, "only with an agent"),
]


def test_R44_the_same_refusal_for_known_and_unknown_addresses(hogo: Hogo) -> None:
    """Input is checked before the address is looked up, so no refusal tells them apart."""
    customer(hogo, "c-1", TARO)
    for address in (TARO, "nobody@example.jp"):
        for arguments, message in REFUSALS:
            call: dict[str, Any] = {"kind": "disclosure", "regime": "appi", **arguments}
            kind, regime = call.pop("kind"), call.pop("regime")
            with pytest.raises(ValidationFailed, match=message):
                hogo.intake.open(address, kind, regime, **call)
    assert count(hogo, intake_attempts) == 0
    assert count(hogo, requests) == 0


def test_malformed_addresses(hogo: Hogo) -> None:
    for address in ("", "   ", "no-at-sign", "two@@example.jp", "a@b" + "c" * 260):
        with pytest.raises(ValidationFailed):
            hogo.intake.open(address, "disclosure", "appi")


# -- agents -------------------------------------------------------------------------------------


def test_R44_agent_request_stays_received_with_its_proof_encrypted(
    hogo: Hogo, outbox: MemorySender
) -> None:
    subject_id = customer(hogo, "c-1", TARO)
    proof = Proof(PDF, "../../委任状.pdf", "application/pdf")
    challenge = hogo.intake.open(TARO, "disclosure", "appi", agent=ATTORNEY, proof=proof)
    verified = hogo.intake.verify(challenge.id, code_in(outbox.sent[0]))
    (request,) = hogo.intake.status(verified.status_token)
    assert request.status == "received"
    assert request.details["agent"]["proof"] == "pending"
    assert request.details["agent"]["type"] == "attorney"
    assert request.details["id_check"]["result"] == "confirmed"

    (stored,) = rows(hogo, request_attachments)
    assert PDF not in bytes(stored.ciphertext)
    (attachment,) = hogo.intake.attachments(OFFICE, request.id)
    assert (attachment.content, attachment.filename) == (PDF, "委任状.pdf")
    assert attachment.media_type == "application/pdf"

    hogo.requests.verify(OFFICE, request.id)  # the office accepts the proof
    hogo.subjects.set_status(OFFICE, subject_id, "erased")
    assert hogo.intake.attachments(OFFICE, request.id) == []


def test_R44_a_proof_whose_data_key_is_destroyed_does_not_open(
    hogo: Hogo, outbox: MemorySender
) -> None:
    subject_id = customer(hogo, "c-1", TARO)
    proof = Proof(PDF, "proxy.pdf", "application/pdf")
    challenge = hogo.intake.open(TARO, "disclosure", "appi", agent=ATTORNEY, proof=proof)
    (request_id,) = hogo.intake.verify(challenge.id, code_in(outbox.sent[0])).request_ids
    with hogo.engine.begin() as connection:  # the data key alone destroyed (crypto-shredding)
        connection.execute(
            update(subjects).where(subjects.c.id == subject_id).values(wrapped_key=b"")
        )
    with pytest.raises(NotFound, match="destroyed"):
        hogo.intake.attachments(OFFICE, request_id)


def test_R44_an_unknown_agent_address_stores_no_proof(hogo: Hogo) -> None:
    proof = Proof(PDF, "proxy.pdf", "application/pdf")
    hogo.intake.open("nobody@example.jp", "disclosure", "appi", agent=ATTORNEY, proof=proof)
    assert count(hogo, request_attachments) == 0


def test_R44_proof_files_are_checked(hogo: Hogo) -> None:
    """PDF, PNG or JPEG whose content matches the type, at most 5 MB (413 beyond)."""
    cases: list[tuple[Proof, type[Exception], str]] = [
        (Proof(b"%PDF-" + b"0" * MAX_BYTES, "big.pdf", "application/pdf"), TooLarge, "5 MB"),
        (Proof(b"", "empty.pdf", "application/pdf"), ValidationFailed, "empty"),
        (Proof(b"MZ\x90\x00", "virus.exe", "application/x-msdownload"), ValidationFailed, "one of"),
        (Proof(b"GIF89a", "fake.png", "image/png"), ValidationFailed, "not image/png"),
    ]
    for proof, error, message in cases:
        with pytest.raises(error, match=message):
            hogo.intake.open(TARO, "disclosure", "appi", agent=ATTORNEY, proof=proof)
    assert TooLarge.status == 413
    for media_type, content in (
        ("image/png", b"\x89PNG\r\n\x1a\n..."),
        ("image/jpeg", b"\xff\xd8\xff\xe0"),
    ):
        hogo.intake.open(
            TARO, "disclosure", "appi", agent=ATTORNEY, proof=Proof(content, "p", media_type)
        )


# -- status tokens ------------------------------------------------------------------------------


def test_R44_someone_elses_token_sees_nothing_of_yours(hogo: Hogo, outbox: MemorySender) -> None:
    customer(hogo, "c-1", TARO)
    customer(hogo, "c-2", "hanako@example.jp")
    mine = hogo.intake.open(TARO, "disclosure", "appi")
    theirs = hogo.intake.open("hanako@example.jp", "erasure", "gdpr")
    my_token = hogo.intake.verify(mine.id, code_in(outbox.sent[0])).status_token
    their_token = hogo.intake.verify(theirs.id, code_in(outbox.sent[1])).status_token
    assert [r.kind for r in hogo.intake.status(my_token)] == ["disclosure"]
    assert [r.kind for r in hogo.intake.status(their_token)] == ["erasure"]
    assert hogo.intake.status(my_token[:-1] + "x") == []
    assert hogo.intake.status("") == []


# -- mail delivery ------------------------------------------------------------------------------


class BrokenSender(MemorySender):
    def send(self, message: Mail) -> None:
        raise MailFailed("cannot send mail via smtp://mail.example.jp:25: timed out")


def test_R44_a_failed_mail_is_audited_not_reported(
    opened: tuple[Hogo, KeyRing], clock: FixedClock
) -> None:
    """Only a known address has a mail that can fail: reporting it would reveal the address."""
    hogo, keyring = opened
    intake = IntakeService(
        hogo.engine, hogo.policy, hogo.vault, keyring, hogo.requests, BrokenSender(), clock
    )
    customer(hogo, "c-1", TARO)
    challenge = intake.open(TARO, "disclosure", "appi")
    assert challenge.id
    assert audit_actions(hogo)[-1] == "intake_mail_failed"


def test_the_mail_can_be_deferred(hogo: Hogo, outbox: MemorySender) -> None:
    customer(hogo, "c-1", TARO)
    jobs: list[Any] = []
    hogo.intake.open(TARO, "disclosure", "appi", defer=jobs.append)
    assert outbox.sent == []
    (job,) = jobs
    job()
    assert len(outbox.sent) == 1
