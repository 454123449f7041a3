"""The inquiry desk on SQLite and PostgreSQL: a logged, prompt complaint process (R-47, APPI A40).

Every ticket is received with a due date, moved step by step with each step audited with its
actor, sealed so that no text is stored in clear, and shredded when its retention ends or the
person is erased.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from hogo.audit.chain import verify
from hogo.errors import Conflict, Forbidden, KeyMismatch, NotFound, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.actor import Actor
from hogo.services.inquiries import InquiryService
from hogo.store.tables import audit_log, ticket_messages, tickets
from hogo.vault.blind_index import blind_index
from hogo.vault.keys import KeyRing

OFFICER = Actor(id="officer-1", role="privacy_office")
JST = dt.timezone(dt.timedelta(hours=9))
TEXT = "購入した製品の個人情報の扱いについて苦情があります。"
EMAIL = "taro@example.jp"


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=JST))


@pytest.fixture(scope="module")
def keyring() -> KeyRing:
    return KeyRing(os.urandom(32))


@pytest.fixture
def desk(
    engine: Engine, example_policy: Policy, keyring: KeyRing, clock: FixedClock
) -> InquiryService:
    return InquiryService(engine, example_policy, keyring, clock)


def _audit(engine: Engine) -> list[tuple[str, str, dict[str, Any]]]:
    """``(action, actor, detail)`` of every audit entry, oldest first; the chain verifies."""
    with engine.connect() as connection:
        verify(connection).raise_if_broken()
        rows = connection.execute(select(audit_log).order_by(audit_log.c.seq)).all()
    return [(row.action, row.actor, json.loads(row.body)["detail"]) for row in rows]


def _raw(engine: Engine, ticket_id: int) -> tuple[Any, list[bytes]]:
    with engine.connect() as connection:
        row = connection.execute(select(tickets).where(tickets.c.id == ticket_id)).one()
        sealed = connection.execute(
            select(ticket_messages.c.ciphertext).where(ticket_messages.c.ticket_id == ticket_id)
        ).scalars()
        return row, [bytes(value) for value in sealed]


def test_R47_complaint_is_received_with_a_due_date_and_logged(
    desk: InquiryService, engine: Engine
) -> None:
    """Arrival 1 Apr (Japan time) with response_days 14: due 15 Apr; the receipt is audited."""
    ticket_id = desk.open("complaint", TEXT, email=EMAIL, name="山田 太郎")
    ticket = desk.get(ticket_id)
    assert (ticket.kind, ticket.status, ticket.channel, ticket.lang) == (
        "complaint",
        "open",
        "inquiry_form",
        "ja",
    )
    assert ticket.due_at == dt.date(2026, 4, 15)
    assert (ticket.name, ticket.email) == ("山田 太郎", EMAIL)
    assert [(m.direction, m.author, m.text) for m in ticket.messages] == [("in", "contact", TEXT)]
    [(action, actor, detail)] = _audit(engine)
    assert (action, actor) == ("ticket_open", "desk:inquiry_form")
    assert detail["ticket_id"] == ticket_id
    assert detail["kind"] == "complaint"
    assert detail["due_at"] == "2026-04-15"
    assert TEXT not in json.dumps(detail, ensure_ascii=False)


def test_R47_arrival_day_is_taken_in_japan_time(desk: InquiryService, clock: FixedClock) -> None:
    """23:30 UTC on 31 March is 1 April in Japan: due 15 April, not 14 April."""
    clock.now = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert desk.get(desk.open("question", "質問です")).due_at == dt.date(2026, 4, 15)


def test_R47_text_name_and_email_are_not_stored_in_clear(
    desk: InquiryService, engine: Engine, keyring: KeyRing
) -> None:
    ticket_id = desk.open("complaint", TEXT, email=EMAIL, name="Yamada Taro")
    desk.reply(OFFICER, ticket_id, "Reply with a secret phrase")
    row, sealed = _raw(engine, ticket_id)
    stored = b"".join([*sealed, bytes(row.wrapped_key), bytes(row.contact_index)])
    for clear in (TEXT, EMAIL, "Yamada", "secret phrase"):
        assert clear.encode() not in stored
    assert row.contact_index == blind_index(keyring.index_key, "email", EMAIL)
    assert len(row.wrapped_key) > 32


def test_R47_each_step_is_audited_with_its_actor(desk: InquiryService, engine: Engine) -> None:
    ticket_id = desk.open("complaint", TEXT, email=EMAIL)
    desk.assign(OFFICER, ticket_id, "suzuki")
    desk.note(OFFICER, ticket_id, "確認中")
    desk.reply(OFFICER, ticket_id, "ご指摘の件、対応いたしました。")
    desk.close(OFFICER, ticket_id, "利用停止を実施し、お客様にご連絡した")
    steps = [(action, actor, d.get("from"), d.get("to")) for action, actor, d in _audit(engine)]
    assert steps == [
        ("ticket_open", "desk:inquiry_form", None, "open"),
        ("ticket_assign", "officer-1", "open", "assigned"),
        ("ticket_note", "officer-1", "assigned", "assigned"),
        ("ticket_reply", "officer-1", "assigned", "answered"),
        ("ticket_close", "officer-1", "answered", "closed"),
    ]
    ticket = desk.get(ticket_id)
    assert ticket.assigned_to == "suzuki"
    assert [m.direction for m in ticket.messages] == ["in", "note", "out", "note"]
    assert ticket.resolution == "利用停止を実施し、お客様にご連絡した"
    assert [m.resolution for m in ticket.messages] == [False, False, False, True]


def test_R47_closing_keeps_the_record_for_the_policy_retention(
    desk: InquiryService, clock: FixedClock
) -> None:
    """retention P3Y: closed 1 Apr 2026 (JST) → messages kept until 1 Apr 2029."""
    ticket_id = desk.open("complaint", TEXT)
    desk.close(OFFICER, ticket_id, "resolved")
    ticket = desk.get(ticket_id)
    assert ticket.closed_at == clock.now
    assert ticket.retain_until == dt.datetime(2029, 4, 1, 1, 0, tzinfo=dt.UTC)
    assert not ticket.is_open


def test_R47_moves_the_status_does_not_allow_name_both_states(desk: InquiryService) -> None:
    ticket_id = desk.open("question", "質問")
    desk.close(OFFICER, ticket_id, "answered by phone")
    with pytest.raises(Conflict, match="is closed; it cannot become answered") as caught:
        desk.reply(OFFICER, ticket_id, "late")
    assert caught.value.extensions == {"from_status": "closed", "to_status": "answered"}
    with pytest.raises(Conflict, match="is closed; it cannot become assigned"):
        desk.assign(OFFICER, ticket_id, "suzuki")
    with pytest.raises(Conflict, match="is closed; it cannot become closed"):
        desk.close(OFFICER, ticket_id, "again")
    with pytest.raises(Conflict, match="reopen it to add a note"):
        desk.note(OFFICER, ticket_id, "x")
    other = desk.open("question", "もう一つ")
    with pytest.raises(Conflict, match="is open; it cannot become open"):
        desk.reopen(OFFICER, other)


def test_R47_reopen_restores_the_handler_and_a_new_due_date(
    desk: InquiryService, clock: FixedClock
) -> None:
    ticket_id = desk.open("complaint", TEXT)
    desk.assign(OFFICER, ticket_id, "suzuki")
    desk.close(OFFICER, ticket_id, "resolved")
    clock.advance(days=30)
    desk.reopen(OFFICER, ticket_id)
    ticket = desk.get(ticket_id)
    assert (ticket.status, ticket.assigned_to) == ("assigned", "suzuki")
    assert (ticket.closed_at, ticket.retain_until, ticket.resolution) == (None, None, None)
    assert ticket.due_at == dt.date(2026, 5, 15)


def test_R47_retention_end_shreds_messages_and_key_but_keeps_the_record(
    desk: InquiryService, engine: Engine, clock: FixedClock
) -> None:
    ticket_id = desk.open("complaint", TEXT, email=EMAIL)
    kept = desk.open("question", "まだ開いている")
    desk.reply(OFFICER, ticket_id, "answer")
    desk.close(OFFICER, ticket_id, "resolved")
    closed = desk.get(ticket_id)
    assert closed.retain_until is not None
    assert desk.purge_expired(OFFICER, closed.retain_until - dt.timedelta(seconds=1)) == 0
    assert desk.purge_expired(OFFICER, closed.retain_until) == 1
    row, sealed = _raw(engine, ticket_id)
    assert (bytes(row.wrapped_key), sealed, row.contact_index) == (b"", [], None)
    record = desk.get(ticket_id)
    assert record.shredded
    assert (record.kind, record.received_at, record.closed_at) == (
        "complaint",
        closed.received_at,
        closed.closed_at,
    )
    assert (record.messages, record.email, record.resolution) == ((), None, None)
    assert desk.for_contact(EMAIL) == []
    assert desk.get(kept).messages[0].text == "まだ開いている"
    action, _actor, detail = _audit(engine)[-1]
    assert (action, detail["ticket_ids"], detail["retention"]) == (
        "ticket_purge",
        [ticket_id],
        "P3Y",
    )
    with pytest.raises(Conflict, match="shredded"):
        desk.reopen(OFFICER, ticket_id)
    assert desk.purge_expired(OFFICER, closed.retain_until + dt.timedelta(days=1)) == 0


def _erase_then_fail(desk: InquiryService, engine: Engine, subject_id: int, index: bytes) -> None:
    with engine.begin() as connection:
        desk.erase_for_subject(connection, subject_id, [index])
        raise RuntimeError("the erasure failed later")


def test_R47_erasure_shreds_the_persons_tickets_in_the_callers_transaction(
    desk: InquiryService, engine: Engine, subject_id: int, keyring: KeyRing
) -> None:
    by_subject = desk.open("request", "開示をお願いします", subject_id=subject_id)
    by_email = desk.open("complaint", TEXT, email="ＴＡＲＯ@example.jp")
    other = desk.open("question", "別の人", email="hanako@example.jp")
    index = blind_index(keyring.index_key, "email", EMAIL)
    with pytest.raises(RuntimeError, match="failed later"):
        _erase_then_fail(desk, engine, subject_id, index)
    assert desk.get(by_subject).messages
    with engine.begin() as connection:
        shredded = desk.erase_for_subject(connection, subject_id, [index])
    assert shredded == [by_subject, by_email]
    for ticket_id in shredded:
        ticket = desk.get(ticket_id)
        assert (ticket.shredded, ticket.status, ticket.subject_id) == (True, "closed", None)
    assert desk.get(other).messages[0].text == "別の人"
    assert [summary.id for summary in desk.list_open()] == [other]


def test_R47_queue_is_sorted_by_due_date_without_decrypting(
    desk: InquiryService, clock: FixedClock, keyring: KeyRing, engine: Engine
) -> None:
    late = desk.open("question", "later")
    clock.advance(days=-3)
    early = desk.open("complaint", "earlier")
    done = desk.open("question", "closed one")
    desk.close(OFFICER, done, "done")
    with engine.begin() as connection:  # a queue that decrypted would fail on this key
        connection.execute(update(tickets).values(wrapped_key=b"\x00" * 60))
    queue = desk.list_open()
    assert [summary.id for summary in queue] == [early, late]
    assert queue[0].overdue(dt.date(2026, 4, 13))
    assert not queue[1].overdue(dt.date(2026, 4, 13))


def test_for_contact_finds_every_spelling_of_the_address(desk: InquiryService) -> None:
    first = desk.open("question", "一件目", email=EMAIL)
    second = desk.open("complaint", "二件目", email=" Taro@Example.JP ")
    desk.open("question", "no address")
    assert desk.for_contact("ｔａｒｏ＠example.jp") == [first, second]


def test_R15_only_the_privacy_office_works_the_desk(desk: InquiryService) -> None:
    ticket_id = desk.open("complaint", TEXT)
    clerk = Actor(id="clerk", role="customer_service")
    for step in (
        lambda: desk.assign(clerk, ticket_id, "me"),
        lambda: desk.reply(clerk, ticket_id, "x"),
        lambda: desk.close(clerk, ticket_id, "x"),
        lambda: desk.get(ticket_id, clerk),
    ):
        with pytest.raises(Forbidden, match="customer_service"):
            step()
    assert desk.get(ticket_id).status == "open"


def test_a_read_by_staff_is_audited(desk: InquiryService, engine: Engine) -> None:
    ticket_id = desk.open("complaint", TEXT)
    desk.get(ticket_id, OFFICER)
    action, actor, detail = _audit(engine)[-1]
    assert (action, actor, detail["ticket_id"], detail["messages"]) == (
        "ticket_read",
        "officer-1",
        ticket_id,
        1,
    )


def test_a_wrapped_key_moved_to_another_ticket_does_not_open(
    desk: InquiryService, engine: Engine
) -> None:
    first = desk.open("question", "one")
    second = desk.open("question", "two")
    with engine.begin() as connection:
        key = connection.execute(select(tickets.c.wrapped_key).where(tickets.c.id == first))
        moved = bytes(key.scalar_one())
        connection.execute(update(tickets).where(tickets.c.id == second).values(wrapped_key=moved))
    with pytest.raises(KeyMismatch, match=f"ticket {second}"):
        desk.get(second)


def test_repr_shows_no_text_name_or_address(desk: InquiryService) -> None:
    ticket = desk.get(desk.open("complaint", TEXT, email=EMAIL, name="山田 太郎"))
    shown = repr(ticket)
    for secret in (TEXT, EMAIL, "山田"):
        assert secret not in shown
    assert "complaint" in shown


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param({"text": ""}, "the inquiry text is empty", id="empty text"),
        pytest.param({"text": " \n\u3000"}, "the inquiry text is empty", id="blank text"),
        pytest.param({"text": "あ" * 10_001}, "10,001 characters", id="over-long text"),
        pytest.param({"kind": "praise"}, "unknown inquiry kind 'praise'", id="unknown kind"),
        pytest.param({"lang": "fr"}, "unknown language 'fr'", id="unknown language"),
        pytest.param({"channel": "fax"}, "no channel 'fax'", id="unknown channel"),
        pytest.param({"email": "taro"}, "not one such as", id="not an address"),
        pytest.param({"email": "a@" + "b" * 260 + ".jp"}, "longer than 254", id="long address"),
        pytest.param({"name": "山" * 201}, "the name has 201 characters", id="long name"),
    ],
)
def test_intake_refuses_bad_input_with_a_clear_message(
    desk: InquiryService, engine: Engine, arguments: dict[str, Any], message: str
) -> None:
    values: dict[str, Any] = {"kind": "question", "text": "質問", **arguments}
    with pytest.raises(ValidationFailed, match=message):
        desk.open(values.pop("kind"), values.pop("text"), **values)
    assert _audit(engine) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("あ" * 10_000, id="exactly 10,000 characters"),
        pytest.param("製品が壊れました 😢 ＡＢＣ１２３", id="emoji and full-width"),
        pytest.param("x", id="one character"),
    ],
)
def test_intake_accepts_text_at_the_limits(desk: InquiryService, text: str) -> None:
    assert desk.get(desk.open("question", text, lang="en")).messages[0].text == text


def test_staff_texts_have_the_same_limits(desk: InquiryService) -> None:
    ticket_id = desk.open("question", "質問")
    with pytest.raises(ValidationFailed, match="the reply is empty"):
        desk.reply(OFFICER, ticket_id, "  ")
    with pytest.raises(ValidationFailed, match="the resolution has 10,001 characters"):
        desk.close(OFFICER, ticket_id, "x" * 10_001)
    with pytest.raises(ValidationFailed, match="the handler is empty"):
        desk.assign(OFFICER, ticket_id, "")


def test_unknown_ticket_and_subject_are_not_found(desk: InquiryService) -> None:
    with pytest.raises(NotFound, match="no ticket 999"):
        desk.get(999)
    with pytest.raises(NotFound, match="no ticket 999"):
        desk.reply(OFFICER, 999, "x")
    with pytest.raises(NotFound, match="no subject 999"):
        desk.open("question", "x", subject_id=999)
