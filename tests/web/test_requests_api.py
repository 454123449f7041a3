"""Rights requests over the REST API, on SQLite and PostgreSQL (R-38–R-46, G-05, D16, D17)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.rights import deadlines
from hogo.store.tables import audit_log, request_events, requests

Headers = Callable[[str], dict[str, str]]
OFFICE = "privacy_office"
PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"], body["type"]) == (status, code, f"/problems/{code}")
    assert body["title"]
    assert body["detail"]
    return body


def new_customer(client: TestClient, headers: dict[str, str]) -> int:
    response = client.post(
        "/v1/subjects", json={"group": "customers", "ref": "c-1"}, headers=headers
    )
    assert response.status_code == 201, response.text
    subject_id: int = response.json()["id"]
    return subject_id


def count(hogo: Hogo, table: Any) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def submit(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/v1/requests", json=body, headers=headers)
    assert response.status_code == 201, response.text
    submitted: dict[str, Any] = response.json()
    return submitted


def test_R46_D16_happy_path_with_due_dates(client: TestClient, key_for: Headers) -> None:
    """received → verified → in_progress → fulfilled; the APPI due dates are in the answer."""
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    request = submit(client, office, subject_id=subject_id, kind="disclosure", regime="appi")
    received_at = dt.datetime.fromisoformat(request["received_at"])
    arrival = deadlines.arrival_date(received_at, "appi")
    assert request["status"] == "received"
    assert request["due_at"] == deadlines.appi_due(arrival, 14).isoformat()
    assert request["may_sue_from"] == deadlines.may_sue_from(arrival).isoformat()
    assert request["effective_due"] == request["due_at"]

    path = f"/v1/requests/{request['id']}"
    for step, expected in (("verify", "verified"), ("start", "in_progress")):
        response = client.post(f"{path}/{step}", headers=office)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == expected
    fulfilled = client.post(f"{path}/fulfil", headers=office)
    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["status"] == "fulfilled"
    assert fulfilled.json()["closed_at"] is not None

    detail = client.get(path, headers=office).json()
    assert detail["status"] == "fulfilled"
    assert [e["to_status"] for e in detail["events"]] == [
        "received",
        "verified",
        "in_progress",
        "fulfilled",
    ]
    assert {e["actor"] for e in detail["events"]} == {detail["events"][0]["actor"]}
    assert client.get("/v1/requests", headers=office).json() == {"requests": []}


def test_R43_partial_fulfilment_and_refusal_with_reason(
    client: TestClient, key_for: Headers
) -> None:
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    first = submit(client, office, subject_id=subject_id, kind="correction", regime="appi")
    path = f"/v1/requests/{first['id']}"
    client.post(f"{path}/verify", headers=office)
    client.post(f"{path}/start", headers=office)
    partial = client.post(
        f"{path}/fulfil",
        json={"partial_reason": "only the address was wrong", "ground": "content_not_untrue"},
        headers=office,
    )
    assert partial.status_code == 200, partial.text
    assert partial.json()["status"] == "partially_fulfilled"
    assert partial.json()["decision_ground"] == "content_not_untrue"

    second = submit(client, office, subject_id=subject_id, kind="disclosure", regime="appi")
    refused = client.post(
        f"/v1/requests/{second['id']}/refuse",
        json={"reason": "identity not confirmed", "ground": "identity_not_verified"},
        headers=office,
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "refused"
    assert refused.json()["reason"] == "identity not confirmed"


def test_R43_refusal_without_reason_is_refused(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-43: no reason, or a blank one, is a 422 problem and changes nothing."""
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    request = submit(client, office, subject_id=subject_id, kind="disclosure", regime="appi")
    path = f"/v1/requests/{request['id']}/refuse"
    events = count(hogo, request_events)

    missing = client.post(path, json={"ground": "excessive"}, headers=office)
    assert_problem(missing, 422, "request_invalid")
    blank = client.post(path, json={"reason": "  ", "ground": "excessive"}, headers=office)
    assert "R-43" in assert_problem(blank, 422, "validation_failed")["detail"]
    partial = client.post(
        f"/v1/requests/{request['id']}/fulfil", json={"ground": "excessive"}, headers=office
    )
    assert_problem(partial, 422, "validation_failed")

    assert count(hogo, request_events) == events
    after = client.get(f"/v1/requests/{request['id']}", headers=office).json()
    assert after["status"] == "received"
    assert after["reason"] is None


def test_R45_no_fee_for_a_correction(client: TestClient, hogo: Hogo, key_for: Headers) -> None:
    """R-45 (APPI A38): a fee only for purpose notice, disclosure and provision records."""
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    body = {"subject_id": subject_id, "kind": "correction", "regime": "appi", "fee_jpy": 500}
    response = client.post("/v1/requests", json=body, headers=office)
    assert "R-45" in assert_problem(response, 422, "validation_failed")["detail"]
    assert count(hogo, requests) == 0


def test_R42_unknown_kind_and_extra_field_are_invalid(client: TestClient, key_for: Headers) -> None:
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    unknown = {"subject_id": subject_id, "kind": "deletion", "regime": "appi"}
    assert_problem(
        client.post("/v1/requests", json=unknown, headers=office), 422, "request_invalid"
    )
    extra = {"subject_id": subject_id, "kind": "disclosure", "regime": "appi", "x": 1}
    assert_problem(client.post("/v1/requests", json=extra, headers=office), 422, "request_invalid")
    no_ground = {"subject_id": subject_id, "kind": "erasure", "regime": "appi"}
    assert_problem(
        client.post("/v1/requests", json=no_ground, headers=office), 422, "validation_failed"
    )


def test_illegal_transition_is_a_conflict(client: TestClient, hogo: Hogo, key_for: Headers) -> None:
    """A received request cannot be fulfilled before it is verified and started."""
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    request = submit(client, office, subject_id=subject_id, kind="disclosure", regime="appi")
    events = count(hogo, request_events)
    response = client.post(f"/v1/requests/{request['id']}/fulfil", headers=office)
    body = assert_problem(response, 409, "conflict")
    assert "received" in body["detail"]
    assert count(hogo, request_events) == events
    assert client.get(f"/v1/requests/{request['id']}", headers=office).json()["status"] == (
        "received"
    )


def test_G05_gdpr_extension(client: TestClient, key_for: Headers) -> None:
    """G-05: a GDPR request is due in a month, three months once extended."""
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    request = submit(client, office, subject_id=subject_id, kind="portability", regime="gdpr")
    arrival = deadlines.arrival_date(dt.datetime.fromisoformat(request["received_at"]), "gdpr")
    assert request["due_at"] == deadlines.gdpr_due(arrival).isoformat()
    assert request["may_sue_from"] is None
    response = client.post(
        f"/v1/requests/{request['id']}/extend", json={"reason": "many systems"}, headers=office
    )
    assert response.status_code == 200, response.text
    extended = deadlines.gdpr_extended_due(arrival).isoformat()
    assert response.json()["extended_due_at"] == extended
    assert response.json()["effective_due"] == extended


def test_unknown_request_or_subject_is_not_found(client: TestClient, key_for: Headers) -> None:
    office = key_for(OFFICE)
    assert_problem(client.get("/v1/requests/999999", headers=office), 404, "not_found")
    assert_problem(client.post("/v1/requests/999999/verify", headers=office), 404, "not_found")
    body = {"subject_id": 999999, "kind": "disclosure", "regime": "appi"}
    assert_problem(client.post("/v1/requests", json=body, headers=office), 404, "not_found")


def test_R16_no_key_is_unauthenticated(client: TestClient) -> None:
    body = {"subject_id": 1, "kind": "disclosure", "regime": "appi"}
    assert_problem(client.post("/v1/requests", json=body), 401, "unauthenticated")
    assert_problem(client.get("/v1/requests"), 401, "unauthenticated")
    assert_problem(client.get("/v1/requests/1"), 401, "unauthenticated")
    assert_problem(client.post("/v1/requests/1/verify"), 401, "unauthenticated")


def test_R16_role_outside_the_subjects_group_is_forbidden(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """hr covers applicants and resignees, not customers: it can neither submit nor act."""
    office, hr = key_for(OFFICE), key_for("hr")
    subject_id = new_customer(client, office)
    body = {"subject_id": subject_id, "kind": "disclosure", "regime": "appi"}
    assert_problem(client.post("/v1/requests", json=body, headers=hr), 403, "forbidden")
    request = submit(client, office, **body)
    path = f"/v1/requests/{request['id']}"
    assert_problem(client.get(path, headers=hr), 403, "forbidden")
    assert_problem(client.post(f"{path}/verify", headers=hr), 403, "forbidden")
    refusal = {"reason": "no", "ground": "excessive"}
    assert_problem(client.post(f"{path}/refuse", json=refusal, headers=hr), 403, "forbidden")
    assert client.get("/v1/requests", headers=hr).json() == {"requests": []}
    assert client.get(path, headers=office).json()["status"] == "received"
    assert count(hogo, requests) == 1


def test_D16_open_requests_sorted_by_due_date(client: TestClient, key_for: Headers) -> None:
    """The APPI request (14 days) comes before the GDPR one (a month), though submitted later."""
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    gdpr = submit(client, office, subject_id=subject_id, kind="objection", regime="gdpr")
    appi = submit(client, office, subject_id=subject_id, kind="disclosure", regime="appi")
    closed = submit(client, office, subject_id=subject_id, kind="purpose_notice", regime="appi")
    refusal = {"reason": "already notified", "ground": "purpose_notice_exception"}
    client.post(f"/v1/requests/{closed['id']}/refuse", json=refusal, headers=office)

    listed = client.get("/v1/requests", headers=office).json()["requests"]
    assert [r["id"] for r in listed] == [appi["id"], gdpr["id"]]
    dues = [r["effective_due"] for r in listed]
    assert dues == sorted(dues)
    assert all(r["status"] == "received" for r in listed)
    assert listed[0]["may_sue_from"] == appi["may_sue_from"]
    assert listed[1]["due_at"] == gdpr["due_at"]


def _walk_to_verified(client: TestClient, office: dict[str, str], **body: Any) -> str:
    request = submit(client, office, **body)
    path = f"/v1/requests/{request['id']}"
    assert client.post(f"{path}/verify", headers=office).status_code == 200
    return path


def test_R39_disclosure_answer_is_downloaded_as_a_package(
    client: TestClient, key_for: Headers
) -> None:
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    stored = client.post(
        f"/v1/subjects/{subject_id}/items",
        json={
            "items": [
                {"category": "name", "value": "鈴木 一郎", "purposes": ["membership_service"]}
            ]
        },
        headers=office,
    )
    assert stored.status_code == 201, stored.text
    path = _walk_to_verified(
        client, office, subject_id=subject_id, kind="disclosure", regime="appi"
    )

    fulfilled = client.post(f"{path}/fulfil", headers=office)
    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["work"]["items"] == 1

    answer = client.get(f"{path}/answer", headers=office)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    assert "attachment" in answer.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as package:
        data = json.loads(package.read("data.json"))
    assert [item["value"] for item in data["items"]] == ["鈴木 一郎"]
    assert client.get(f"{path}/answer", headers=key_for("hr")).status_code == 403


def test_R41_correction_over_the_api_changes_the_item(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    stored = client.post(
        f"/v1/subjects/{subject_id}/items",
        json={
            "items": [
                {"category": "address", "value": "大阪府", "purposes": ["membership_service"]}
            ]
        },
        headers=office,
    )
    (item_id,) = stored.json()["ids"]
    path = _walk_to_verified(
        client, office, subject_id=subject_id, kind="correction", regime="appi"
    )
    change = {"kind": "correct", "item_id": item_id, "value": "京都府"}
    fulfilled = client.post(f"{path}/fulfil", json={"changes": [change]}, headers=office)
    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["work"]["changed"] == [item_id]
    read = hogo.access.read(Actor("t", OFFICE), subject_id, ["address"], "membership_service")
    assert [item.value for item in read.items] == ["京都府"]

    unknown = _walk_to_verified(
        client, office, subject_id=subject_id, kind="correction", regime="appi"
    )
    bad = {"kind": "correct", "item_id": 999_999, "value": "x"}
    assert_problem(
        client.post(f"{unknown}/fulfil", json={"changes": [bad]}, headers=office), 404, "not_found"
    )
    assert client.get(unknown, headers=office).json()["status"] == "verified"


def test_R16_a_refused_attempt_is_audited_and_changes_nothing(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """Someone else's data: 403, the request untouched, the attempt on record."""
    office = key_for(OFFICE)
    subject_id = new_customer(client, office)
    path = _walk_to_verified(client, office, subject_id=subject_id, kind="erasure", regime="gdpr")
    refused = client.post(f"{path}/fulfil", headers=key_for("hr"))
    assert_problem(refused, 403, "forbidden")
    assert client.get(path, headers=office).json()["status"] == "verified"
    with hogo.engine.connect() as connection:
        body = connection.execute(
            select(audit_log.c.body).where(audit_log.c.action == "refused")
        ).scalar_one()
    assert '"code":"forbidden"' in body
    assert f'"target":"POST {path}/fulfil"' in body
    assert '"role":"hr"' in body


def test_R42_many_erasures_in_one_call(client: TestClient, hogo: Hogo, key_for: Headers) -> None:
    office = key_for(OFFICE)
    paths = []
    for n in range(3):
        created = client.post(
            "/v1/subjects", json={"group": "applicants", "ref": f"a-{n}"}, headers=office
        )
        subject_id = created.json()["id"]
        paths.append(
            _walk_to_verified(
                client,
                office,
                subject_id=subject_id,
                kind="erasure",
                regime="appi",
                ground="no_longer_needed",
            )
        )
    ids = [int(path.rsplit("/", 1)[1]) for path in paths]
    done = client.post("/v1/requests/fulfil-erasures", json={"request_ids": ids}, headers=office)
    assert done.status_code == 200, done.text
    assert [o["status"] for o in done.json()["outcomes"]] == ["fulfilled"] * 3
    again = client.post(
        "/v1/requests/fulfil-erasures", json={"request_ids": ids[:1]}, headers=office
    )
    assert_problem(again, 409, "conflict")
