"""The privacy center's API, in-process, on SQLite and PostgreSQL (R-44, APPI A37; G-05).

No API key: anyone may file a request. The code goes to the address on file (read here from
an in-memory outbox); an unknown address gets the same answer and no mail.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hogo.mail.memory import MemorySender
from hogo.mail.message import Mail
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.rights.attachments import MAX_BYTES
from hogo.settings import Settings
from hogo.vault.items import NewItem
from hogo.web.api.intake_forms import MAX_FORM_BYTES

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor(id="officer-1", role="privacy_office")
JST = dt.timezone(dt.timedelta(hours=9))
CODE = re.compile(r"(?:確認コード|Code): (\d{6})")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PROBLEM = "application/problem+json"
TARO = "taro@example.jp"
STATUS_FIELDS = {"kind", "status", "received_on", "due_on", "closed_on", "reason"}


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def customer(hogo: Hogo, ref: str, email: str) -> int:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    hogo.subjects.store(OFFICE, subject_id, [NewItem("email", email, ["membership_service"])])
    return subject_id


def code_in(mail: Mail) -> str:
    found = CODE.search(mail.text)
    assert found is not None, "no code in the mail"
    return found.group(1)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=JST))


@pytest.fixture
def outbox() -> MemorySender:
    return MemorySender()


@pytest.fixture
def hogo(
    database_url: str, tmp_path: Path, clock: FixedClock, outbox: MemorySender
) -> Iterator[Hogo]:
    """Replaces the shared fixture: the outbox in memory, the clock in the test's hands."""
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(database_url, POLICY, settings=settings, clock=clock, mailer=outbox)
    yield opened
    opened.close()


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"], body["type"]) == (status, code, f"/problems/{code}")
    return body


def file_request(client: TestClient, email: str = TARO, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/intake", json={"email": email, "kind": "disclosure", "regime": "appi", **body}
    )
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


def verify(client: TestClient, challenge_id: str, code: str) -> Any:
    return client.post(f"/v1/intake/{challenge_id}/verify", json={"code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_R44_happy_path_without_an_api_key(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo, "c-1", TARO)
    challenge = file_request(client, details={"method": "electronic"}, lang="en")
    assert set(challenge) == {"challenge_id", "expires_at"}
    assert dt.datetime.fromisoformat(challenge["expires_at"]) == dt.datetime(
        2026, 4, 1, 1, 15, tzinfo=dt.UTC
    )
    (mail,) = outbox.sent
    assert mail.to == TARO

    verified = verify(client, challenge["challenge_id"], code_in(mail))
    assert verified.status_code == 200, verified.text
    assert verified.headers["cache-control"] == "no-store"
    body = verified.json()
    assert set(body) == {"request_ids", "status_token"}

    status = client.get(
        "/v1/intake/status", headers={"Authorization": f"Bearer {body['status_token']}"}
    )
    assert status.status_code == 200, status.text
    (request,) = status.json()["requests"]
    assert set(request) == STATUS_FIELDS
    assert request == {
        "kind": "disclosure",
        "status": "verified",
        "received_on": "2026-04-01",
        "due_on": "2026-04-15",
        "closed_on": None,
        "reason": None,
    }


def test_R44_unknown_address_same_answer_no_mail(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo, "c-1", TARO)
    known = client.post("/v1/intake", json={"email": TARO, "kind": "disclosure", "regime": "appi"})
    unknown = client.post(
        "/v1/intake", json={"email": "nobody@example.jp", "kind": "disclosure", "regime": "appi"}
    )
    assert known.status_code == unknown.status_code == 202
    assert set(known.json()) == set(unknown.json())
    assert known.json()["expires_at"] == unknown.json()["expires_at"]
    assert len(known.json()["challenge_id"]) == len(unknown.json()["challenge_id"])
    assert len(outbox.sent) == 1
    body = problem(verify(client, unknown.json()["challenge_id"], "123456"), 422, "code_invalid")
    assert body["attempts_left"] == 4


def test_R44_wrong_code_then_locked_at_the_sixth_try(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo, "c-1", TARO)
    challenge_id = file_request(client)["challenge_id"]
    code = code_in(outbox.sent[0])
    lefts = [
        problem(verify(client, challenge_id, wrong(code)), 422, "code_invalid")["attempts_left"]
        for _ in range(5)
    ]
    assert lefts == [4, 3, 2, 1, 0]
    problem(verify(client, challenge_id, code), 410, "code_locked")


def test_R44_expired_code(
    client: TestClient, hogo: Hogo, outbox: MemorySender, clock: FixedClock
) -> None:
    customer(hogo, "c-1", TARO)
    challenge_id = file_request(client)["challenge_id"]
    clock.advance(minutes=16)
    problem(verify(client, challenge_id, code_in(outbox.sent[0])), 410, "code_expired")


def test_R44_replayed_code(client: TestClient, hogo: Hogo, outbox: MemorySender) -> None:
    customer(hogo, "c-1", TARO)
    challenge_id = file_request(client)["challenge_id"]
    code = code_in(outbox.sent[0])
    assert verify(client, challenge_id, code).status_code == 200
    problem(verify(client, challenge_id, code), 409, "code_used")
    problem(verify(client, "no-such-challenge", code), 404, "not_found")


def test_R44_rate_limit_is_429_with_retry_after(client: TestClient, hogo: Hogo) -> None:
    for _ in range(5):
        file_request(client, "nobody@example.jp")
    response = client.post(
        "/v1/intake", json={"email": "nobody@example.jp", "kind": "disclosure", "regime": "appi"}
    )
    body = problem(response, 429, "rate_limited")
    assert response.headers["retry-after"] == str(body["retry_after"]) == "3600"


def test_R44_agent_with_proof_stays_received(
    client: TestClient, hogo: Hogo, outbox: MemorySender, key_for: Any
) -> None:
    customer(hogo, "c-1", TARO)
    form = {
        "email": TARO,
        "kind": "disclosure",
        "regime": "appi",
        "agent_type": "legal_representative",
        "agent_name": "山田花子",
        "method": "paper",
    }
    response = client.post(
        "/v1/intake", data=form, files={"proof": ("戸籍謄本.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 202, response.text
    verified = verify(client, response.json()["challenge_id"], code_in(outbox.sent[0])).json()
    status = client.get("/v1/intake/status", params={"token": verified["status_token"]}).json()
    assert [r["status"] for r in status["requests"]] == ["received"]

    (request_id,) = verified["request_ids"]
    office = client.get(f"/v1/requests/{request_id}", headers=key_for("privacy_office")).json()
    assert office["details"]["agent"] == {
        "type": "legal_representative",
        "name": "山田花子",
        "proof": "pending",
        "proof_file": "戸籍謄本.pdf",
    }
    assert office["details"]["method"] == "paper"
    (proof,) = hogo.intake.attachments(OFFICE, request_id)
    assert proof.content == PDF


def test_R44_oversized_proof_is_413(client: TestClient, hogo: Hogo) -> None:
    form = {"email": TARO, "kind": "disclosure", "regime": "appi", "agent_type": "attorney"}
    form["agent_name"] = "佐藤"
    just_over = b"%PDF-" + b"0" * MAX_BYTES  # within the body limit, over the file limit
    response = client.post(
        "/v1/intake", data=form, files={"proof": ("big.pdf", just_over, "application/pdf")}
    )
    assert "5 MB" in problem(response, 413, "payload_too_large")["detail"]
    far_over = b"%PDF-" + b"0" * (MAX_FORM_BYTES + 1)
    response = client.post(
        "/v1/intake", data=form, files={"proof": ("big.pdf", far_over, "application/pdf")}
    )
    problem(response, 413, "payload_too_large")


def test_an_oversized_body_without_a_length_is_413(client: TestClient) -> None:
    chunks = (b"{" + b" " * 16_384 for _ in range(8))  # streamed: no Content-Length
    response = client.post(
        "/v1/intake", content=chunks, headers={"Content-Type": "application/json"}
    )
    problem(response, 413, "payload_too_large")


def test_R44_status_shows_a_refusal_and_its_reason_only(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo, "c-1", TARO)
    challenge_id = file_request(client, regime="gdpr", kind="erasure")["challenge_id"]
    verified = verify(client, challenge_id, code_in(outbox.sent[0])).json()
    (request_id,) = verified["request_ids"]
    hogo.requests.refuse(
        OFFICE, request_id, "Kept for a pending legal claim.", "no_statutory_ground"
    )
    status = client.get("/v1/intake/status", params={"token": verified["status_token"]})
    (request,) = status.json()["requests"]
    assert set(request) == STATUS_FIELDS
    assert (request["status"], request["reason"]) == ("refused", "Kept for a pending legal claim.")
    assert request["closed_on"] == "2026-04-01"


def test_R44_someone_elses_token_sees_nothing(
    client: TestClient, hogo: Hogo, outbox: MemorySender
) -> None:
    customer(hogo, "c-1", TARO)
    customer(hogo, "c-2", "hanako@example.jp")
    mine = file_request(client)["challenge_id"]
    theirs = file_request(client, "hanako@example.jp", kind="purpose_notice")["challenge_id"]
    my_token = verify(client, mine, code_in(outbox.sent[0])).json()["status_token"]
    their_token = verify(client, theirs, code_in(outbox.sent[1])).json()["status_token"]
    seen = client.get("/v1/intake/status", params={"token": their_token}).json()["requests"]
    assert [r["kind"] for r in seen] == ["purpose_notice"]
    assert my_token != their_token
    problem(client.get("/v1/intake/status", params={"token": "forged"}), 404, "not_found")
    problem(client.get("/v1/intake/status"), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("content", "media_type", "status", "code"),
    [
        (b"{not json", "application/json", 422, "request_invalid"),
        (
            b'{"email": "a@b.jp", "kind": "teleport", "regime": "appi"}',
            "application/json",
            422,
            "request_invalid",
        ),
        (
            b'{"email": "a@b.jp", "kind": "disclosure", "regime": "appi", "x": 1}',
            "application/json",
            422,
            "request_invalid",
        ),
        (
            b'{"email": "a@b.jp", "kind": "portability", "regime": "appi"}',
            "application/json",
            422,
            "validation_failed",
        ),
        (b"email=a@b.jp", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_bad_bodies_are_problem_documents(
    client: TestClient, content: bytes, media_type: str, status: int, code: str
) -> None:
    response = client.post("/v1/intake", content=content, headers={"Content-Type": media_type})
    problem(response, status, code)


def test_unknown_form_field(client: TestClient) -> None:
    form = {"email": TARO, "kind": "disclosure", "regime": "appi", "colour": "blue"}
    response = client.post(
        "/v1/intake", data=form, files={"proof": ("p.pdf", PDF, "application/pdf")}
    )
    assert "colour" in problem(response, 422, "validation_failed")["detail"]


def test_the_api_description_shows_json_and_form_bodies(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/intake"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert content["multipart/form-data"]["schema"]["properties"]["proof"]["format"] == "binary"
    assert "$ref" not in re.sub(r"\s", "", str(content["application/json"]))
