"""The inquiry desk over the REST API, on SQLite and PostgreSQL (R-47, APPI A40).

The form is public; the queue and the steps are for the privacy office alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.store.tables import ticket_messages, tickets

Headers = Callable[[str], dict[str, str]]
OFFICE = "privacy_office"
PROBLEM = "application/problem+json"
SWEEP = Actor(id="hogo:sweep", role=OFFICE)
TEXT = "個人情報の取扱いについて苦情を申し立てます。"


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["detail"]
    return body


def submit(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/inquiries", json={"kind": "complaint", "text": TEXT, **body})
    assert response.status_code == 201, response.text
    received: dict[str, Any] = response.json()
    return received


def test_R47_form_needs_no_key_and_answers_the_due_date(client: TestClient, hogo: Hogo) -> None:
    received = submit(client, email="taro@example.jp", name="山田 太郎")
    assert set(received) == {"ticket_id", "due_at"}
    summary = hogo.inquiries.summary(received["ticket_id"])
    assert received["due_at"] == summary.due_at.isoformat()
    assert (summary.kind, summary.channel, summary.status) == ("complaint", "inquiry_form", "open")


def test_R47_text_is_not_stored_in_clear(client: TestClient, hogo: Hogo) -> None:
    ticket_id = submit(client, email="taro@example.jp")["ticket_id"]
    with hogo.engine.connect() as connection:
        row = connection.execute(select(tickets).where(tickets.c.id == ticket_id)).one()
        sealed = connection.execute(select(ticket_messages.c.ciphertext)).scalars().all()
    stored = b"".join([bytes(value) for value in sealed] + [bytes(row.contact_index)])
    assert TEXT.encode() not in stored
    assert b"taro@example.jp" not in stored


def test_R47_office_works_a_complaint_to_closure(
    client: TestClient, key_for: Headers, hogo: Hogo
) -> None:
    office = key_for(OFFICE)
    ticket_id = submit(client, email="taro@example.jp")["ticket_id"]
    queue = client.get("/v1/inquiries", headers=office).json()["tickets"]
    assert [(t["id"], t["status"], t["overdue"]) for t in queue] == [(ticket_id, "open", False)]
    base = f"/v1/inquiries/{ticket_id}"
    steps = [
        ("assign", {"to": "suzuki"}, "assigned"),
        ("note", {"text": "確認中"}, "assigned"),
        ("reply", {"text": "ご連絡ありがとうございます。"}, "answered"),
        ("close", {"resolution": "対応完了"}, "closed"),
        ("reopen", None, "assigned"),
        ("close", {"resolution": "再度対応完了"}, "closed"),
    ]
    for step, body, expected in steps:
        response = client.post(f"{base}/{step}", json=body, headers=office)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == expected
    shown = client.get(base, headers=office).json()
    assert shown["email"] == "taro@example.jp"
    assert shown["resolution"] == "再度対応完了"
    assert shown["retain_until"] is not None
    assert [m["direction"] for m in shown["messages"]] == ["in", "note", "out", "note", "note"]
    assert shown["messages"][0]["text"] == TEXT
    assert client.get("/v1/inquiries", headers=office).json() == {"tickets": []}
    assert hogo.inquiries.for_contact("taro@example.jp") == [ticket_id]


def test_R47_retention_end_shreds_the_ticket(
    client: TestClient, key_for: Headers, hogo: Hogo
) -> None:
    office = key_for(OFFICE)
    ticket_id = submit(client)["ticket_id"]
    client.post(f"/v1/inquiries/{ticket_id}/close", json={"resolution": "ok"}, headers=office)
    retain_until = hogo.inquiries.summary(ticket_id).retain_until
    assert retain_until is not None
    assert hogo.inquiries.purge_expired(SWEEP, retain_until) == 1
    shown = client.get(f"/v1/inquiries/{ticket_id}", headers=office).json()
    assert (shown["shredded"], shown["messages"], shown["kind"]) == (True, [], "complaint")


STAFF_ROUTES = [
    ("get", "/v1/inquiries", None),
    ("get", "/v1/inquiries/{id}", None),
    ("post", "/v1/inquiries/{id}/assign", {"to": "me"}),
    ("post", "/v1/inquiries/{id}/reply", {"text": "x"}),
    ("post", "/v1/inquiries/{id}/note", {"text": "x"}),
    ("post", "/v1/inquiries/{id}/close", {"resolution": "x"}),
    ("post", "/v1/inquiries/{id}/reopen", None),
]
BAD_FORMS = [
    ({"kind": "praise", "text": "x"}, "request_invalid"),
    ({"kind": "question", "text": ""}, "request_invalid"),
    ({"kind": "question", "text": "x" * 10_001}, "request_invalid"),
    ({"kind": "question", "text": "x", "lang": "fr"}, "request_invalid"),
    ({"kind": "question", "text": "x", "extra": 1}, "request_invalid"),
    ({"kind": "question", "text": " \u3000 "}, "validation_failed"),
    ({"kind": "question", "text": "x", "email": "nope"}, "validation_failed"),
]


def test_R15_a_wrong_role_gets_403_on_every_staff_route(
    client: TestClient, key_for: Headers, hogo: Hogo
) -> None:
    ticket_id = submit(client)["ticket_id"]
    clerk = key_for("customer_service")
    for method, path, body in STAFF_ROUTES:
        url = path.format(id=ticket_id)
        assert_problem(client.request(method, url, json=body, headers=clerk), 403, "forbidden")
        assert_problem(client.request(method, url, json=body), 401, "unauthenticated")
    assert hogo.inquiries.summary(ticket_id).status == "open"


def test_bad_form_input_is_a_problem_document(client: TestClient, hogo: Hogo) -> None:
    for body, code in BAD_FORMS:
        assert_problem(client.post("/v1/inquiries", json=body), 422, code)
    assert hogo.inquiries.list_open() == []


def test_R47_a_step_the_status_does_not_allow_is_409(client: TestClient, key_for: Headers) -> None:
    office = key_for(OFFICE)
    ticket_id = submit(client)["ticket_id"]
    client.post(f"/v1/inquiries/{ticket_id}/close", json={"resolution": "ok"}, headers=office)
    response = client.post(f"/v1/inquiries/{ticket_id}/reply", json={"text": "x"}, headers=office)
    body = assert_problem(response, 409, "conflict")
    assert (body["from_status"], body["to_status"]) == ("closed", "answered")
    assert_problem(client.get("/v1/inquiries/999", headers=office), 404, "not_found")


def test_R47_the_public_form_is_rate_limited_per_address(client: TestClient) -> None:
    body = {"kind": "question", "text": "質問です", "email": "same@example.jp"}
    answers = [client.post("/v1/inquiries", json=body).status_code for _ in range(6)]
    assert answers == [201] * 5 + [429]
    limited = client.post("/v1/inquiries", json=body)
    assert int(limited.headers["retry-after"]) > 0
    assert limited.json()["code"] == "rate_limited"
