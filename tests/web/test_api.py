"""The REST API over the example policy, in-process, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from hogo.policy.model import Policy
from hogo.runtime import Hogo
from hogo.store.tables import audit_log, consent_events, items, subjects

Headers = Callable[[str], dict[str, str]]
OFFICE = "privacy_office"
PROBLEM = "application/problem+json"


def consent_purpose(policy: Policy) -> tuple[str, list[str]]:
    """A customers' purpose that needs consent, and categories it may use that are storable."""
    for pid, purpose in policy.purposes.items():
        if purpose.consent == "required" and "customers" in purpose.groups:
            storable = [c for c in purpose.categories if policy.categories[c].storage == "encrypt"]
            return pid, storable[:3]
    raise AssertionError("the example policy has no consent-based customers' purpose")


def plain_purpose(policy: Policy, category: str) -> str:
    """A customers' purpose that needs no consent and uses ``category``."""
    for pid, purpose in policy.purposes.items():
        if (
            purpose.consent == "not_required"
            and "customers" in purpose.groups
            and category in purpose.categories
        ):
            return pid
    raise AssertionError(f"no consent-free customers' purpose uses {category}")


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/problems/{code}"
    assert body["title"]
    assert body["detail"]
    return body


def new_customer(client: TestClient, headers: dict[str, str], ref: str = "c-1") -> int:
    response = client.post("/v1/subjects", json={"group": "customers", "ref": ref}, headers=headers)
    assert response.status_code == 201, response.text
    subject_id: int = response.json()["id"]
    return subject_id


def count(hogo: Hogo, table: Any) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_health_and_openapi(client: TestClient, hogo: Hogo) -> None:
    assert client.get("/health").json() == {"status": "ok", "policy_version": hogo.policy.version}
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/subjects", "/v1/subjects/{subject_id}/access", "/v1/decisions"} <= set(paths)


def test_R16_no_key_no_personal_data(client: TestClient) -> None:
    """R-16: every route that touches subjects needs an API key."""
    assert_problem(
        client.post("/v1/subjects", json={"group": "customers", "ref": "x"}), 401, "unauthenticated"
    )
    assert_problem(
        client.post("/v1/subjects/1/access", json={"purpose": "p", "categories": ["email"]}),
        401,
        "unauthenticated",
    )
    bad = {"Authorization": "Bearer hogo_nosuchkeyid_" + "x" * 40}
    assert_problem(client.get("/v1/subjects/1", headers=bad), 401, "unauthenticated")


def test_R16_role_outside_scope_is_forbidden_and_audited(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-16: a role whose scope does not cover the subject group gets 403, and it is logged."""
    narrow = next(
        role for role in hogo.policy.roles if "customers" not in hogo.policy.role_groups(role)
    )
    subject_id = new_customer(client, key_for(OFFICE))
    response = client.post(
        f"/v1/subjects/{subject_id}/access",
        json={"purpose": plain_purpose(hogo.policy, "email"), "categories": ["email"]},
        headers=key_for(narrow),
    )
    body = response.json()
    assert response.status_code == 200
    assert body["items"] == []
    assert body["decision"]["outcomes"] == [
        {"category": "email", "allowed": False, "reason": "role_scope"}
    ]
    with hogo.engine.connect() as connection:
        actions = connection.execute(select(audit_log.c.action, audit_log.c.body)).all()
    assert any(action == "read" and "role_scope" in body for action, body in actions)


def test_store_then_read_for_a_purpose(client: TestClient, hogo: Hogo, key_for: Headers) -> None:
    """R-02, R-17: a read names its purpose, returns allowed values and is audited."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    purpose = plain_purpose(hogo.policy, "email")
    stored = client.post(
        f"/v1/subjects/{subject_id}/items",
        json={
            "items": [
                {"category": "email", "value": "Taro.Yamada@example.jp", "purposes": [purpose]}
            ]
        },
        headers=headers,
    )
    assert stored.status_code == 201, stored.text
    read = client.post(
        f"/v1/subjects/{subject_id}/access",
        json={"purpose": purpose, "categories": ["email"]},
        headers=headers,
    ).json()
    assert read["decision"]["outcomes"][0] == {"category": "email", "allowed": True, "reason": None}
    assert [item["value"] for item in read["items"]] == ["Taro.Yamada@example.jp"]
    found = client.get(
        "/v1/subjects", params={"email": " taro.yamada@EXAMPLE.jp "}, headers=headers
    )
    assert found.json() == {"subjects": [subject_id]}


def test_marketing_without_consent_is_denied_no_consent(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-03, G-02: a consent-based purpose is denied until consent, and again after withdrawal."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    purpose, categories = consent_purpose(hogo.policy)
    body = {
        "items": [{"category": c, "value": f"v-{c}", "purposes": [purpose]} for c in categories]
    }
    assert (
        client.post(f"/v1/subjects/{subject_id}/items", json=body, headers=headers).status_code
        == 201
    )
    ask = {"purpose": purpose, "categories": categories}

    def reasons() -> set[str | None]:
        read = client.post(f"/v1/subjects/{subject_id}/access", json=ask, headers=headers).json()
        return {outcome["reason"] for outcome in read["decision"]["outcomes"]}

    assert reasons() == {"no_consent"}
    consent = {"purpose": purpose, "action": "grant", "method": "web"}
    assert (
        client.post(
            f"/v1/subjects/{subject_id}/consents", json=consent, headers=headers
        ).status_code
        == 204
    )
    assert reasons() == {None}
    withdraw = {"purpose": purpose, "action": "withdraw", "method": "web"}
    assert (
        client.post(
            f"/v1/subjects/{subject_id}/consents", json=withdraw, headers=headers
        ).status_code
        == 204
    )
    assert reasons() == {"no_consent"}


def test_R10_minor_consent_needs_a_guardian(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-10: a 13-year-old's own consent is refused; a guardian's is accepted."""
    headers = key_for(OFFICE)
    child = client.post(
        "/v1/subjects",
        json={
            "group": "customers",
            "ref": "child",
            "birth_date": "2013-06-01",
            "jurisdiction": "JP",
        },
        headers=headers,
    ).json()["id"]
    purpose, _ = consent_purpose(hogo.policy)
    own = client.post(
        f"/v1/subjects/{child}/consents",
        json={"purpose": purpose, "action": "grant"},
        headers=headers,
    )
    assert_problem(own, 422, "validation_failed")
    guardian = {
        "purpose": purpose,
        "action": "grant",
        "by_guardian": True,
        "guardian_name": "山田 花子",
    }
    unverified = client.post(f"/v1/subjects/{child}/consents", json=guardian, headers=headers)
    assert "relationship" in assert_problem(unverified, 422, "validation_failed")["detail"]
    guardian |= {"guardian_relationship": "parent", "guardian_verification": "id_document"}
    assert (
        client.post(f"/v1/subjects/{child}/consents", json=guardian, headers=headers).status_code
        == 204
    )


@pytest.mark.parametrize(
    ("item", "code", "named"),
    [
        ({"category": "no_such_category", "value": "x"}, "validation_failed", "no_such_category"),
        (
            {"category": "card_security_code", "value": "123"},
            "storage_refused",
            "card_security_code",
        ),
        (
            {"category": "email", "value": "a@b.jp", "purposes": ["no_such_purpose"]},
            "validation_failed",
            "no_such_purpose",
        ),
    ],
    ids=["undeclared-category", "never-stored", "undeclared-purpose"],
)
def test_bad_items_are_refused_and_nothing_is_stored(
    client: TestClient, hogo: Hogo, key_for: Headers, item: dict[str, Any], code: str, named: str
) -> None:
    """PCI DSS 3.3.1 (security code never stored), R-02: a 422 names the problem; nothing stored."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    purpose = plain_purpose(hogo.policy, "email")
    good = {"category": "email", "value": "ok@example.jp", "purposes": [purpose]}
    bad = {"purposes": [purpose], **item}
    response = client.post(
        f"/v1/subjects/{subject_id}/items", json={"items": [good, bad]}, headers=headers
    )
    assert named in assert_problem(response, 422, code)["detail"]
    assert count(hogo, items) == 0


def test_purpose_of_another_group_is_refused(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    other = next(pid for pid, p in hogo.policy.purposes.items() if "customers" not in p.groups)
    response = client.post(
        f"/v1/subjects/{subject_id}/items",
        json={"items": [{"category": "email", "value": "a@b.jp", "purposes": [other]}]},
        headers=headers,
    )
    assert other in assert_problem(response, 422, "validation_failed")["detail"]
    assert count(hogo, items) == 0


def test_card_number_is_only_ever_shown_masked(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """PCI DSS 3.4.1 and 3.5.1: the stored and returned card number is a token and last four."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    purpose = plain_purpose(hogo.policy, "card_number")
    pan = "4111 1111 1111 1111"
    item = {"category": "card_number", "value": pan, "purposes": [purpose]}
    assert (
        client.post(
            f"/v1/subjects/{subject_id}/items", json={"items": [item]}, headers=headers
        ).status_code
        == 201
    )
    read = client.post(
        f"/v1/subjects/{subject_id}/access",
        json={"purpose": purpose, "categories": ["card_number"]},
        headers=headers,
    ).json()
    shown = read["items"][0]["value"]
    assert shown.endswith("1111")
    assert "411111" not in shown.replace(" ", "")
    with hogo.engine.connect() as connection:
        row = connection.execute(select(items)).one()
    assert b"4111111111111111" not in b"".join(
        v if isinstance(v, bytes) else str(v).encode() for v in row
    )


@pytest.mark.parametrize(("status", "reason"), [("suspended", "suspended"), ("erased", "erased")])
def test_R42_suspended_or_erased_subject_is_denied(
    client: TestClient, hogo: Hogo, key_for: Headers, status: str, reason: str
) -> None:
    """R-42: suspension of use and erasure stop every read."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    purpose = "membership_service"  # no statutory floor keeps a member's e-mail
    item = {"category": "email", "value": "a@b.jp", "purposes": [purpose]}
    client.post(f"/v1/subjects/{subject_id}/items", json={"items": [item]}, headers=headers)
    assert (
        client.put(
            f"/v1/subjects/{subject_id}/status", json={"status": status}, headers=headers
        ).status_code
        == 204
    )
    read = client.post(
        f"/v1/subjects/{subject_id}/access",
        json={"purpose": purpose, "categories": ["email"]},
        headers=headers,
    ).json()
    assert read["items"] == []
    assert read["decision"]["outcomes"][0]["reason"] == reason


def test_R13_R42_erasing_a_subject_whose_items_the_law_keeps_is_refused_whole(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """An order record must stay seven years (R-13): a direct erasure names it and changes
    nothing; an erasure request would close partly instead."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    item = {"category": "email", "value": "a@b.jp", "purposes": ["order_confirmation"]}
    client.post(f"/v1/subjects/{subject_id}/items", json={"items": [item]}, headers=headers)
    refused = client.put(
        f"/v1/subjects/{subject_id}/status", json={"status": "erased"}, headers=headers
    )
    assert refused.status_code == 409
    assert "customer_orders" in refused.json()["detail"]
    assert hogo.subjects.get(subject_id).status == "active"


def test_undeclared_purpose_is_denied(client: TestClient, key_for: Headers) -> None:
    """R-02: a purpose the policy does not declare is denied for every category."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    decision = client.post(
        "/v1/decisions",
        json={
            "subject_id": subject_id,
            "purpose": "resell_to_brokers",
            "categories": ["email", "name"],
        },
        headers=headers,
    ).json()
    assert {o["reason"] for o in decision["outcomes"]} == {"purpose_not_declared"}


def test_read_fails_closed_when_the_audit_log_cannot_be_written(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-17: no audit entry, no read."""
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    purpose = plain_purpose(hogo.policy, "email")
    item = {"category": "email", "value": "secret@example.jp", "purposes": [purpose]}
    client.post(f"/v1/subjects/{subject_id}/items", json={"items": [item]}, headers=headers)
    with hogo.engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_log RENAME TO audit_log_away"))
    response = client.post(
        f"/v1/subjects/{subject_id}/access",
        json={"purpose": purpose, "categories": ["email"]},
        headers=headers,
    )
    assert "secret@example.jp" not in response.text
    assert_problem(response, 503, "audit_unavailable")


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("post", "/v1/subjects", {"group": "customers"}, 422, "request_invalid"),
        (
            "post",
            "/v1/subjects",
            {"group": "customers", "ref": "r", "extra": 1},
            422,
            "request_invalid",
        ),
        ("post", "/v1/subjects", {"group": "martians", "ref": "r"}, 422, "validation_failed"),
        (
            "post",
            "/v1/subjects/999999/access",
            {"purpose": "p", "categories": ["email"]},
            404,
            "not_found",
        ),
        ("get", "/v1/subjects/not-a-number", None, 422, "request_invalid"),
        ("get", "/v1/nowhere", None, 404, "not_found"),
        ("delete", "/v1/subjects", None, 405, "method_not_allowed"),
    ],
)
def test_errors_are_problem_documents(
    client: TestClient,
    key_for: Headers,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
    code: str,
) -> None:
    response = client.request(method, path, json=body, headers=key_for(OFFICE))
    assert_problem(response, status, code)


def test_malformed_json_is_a_problem_document(client: TestClient, key_for: Headers) -> None:
    headers = {**key_for(OFFICE), "content-type": "application/json"}
    assert_problem(
        client.post("/v1/subjects", content=b"{not json", headers=headers), 422, "request_invalid"
    )


def test_duplicate_subject_is_a_conflict(client: TestClient, hogo: Hogo, key_for: Headers) -> None:
    headers = key_for(OFFICE)
    new_customer(client, headers, ref="same")
    again = client.post("/v1/subjects", json={"group": "customers", "ref": "same"}, headers=headers)
    assert_problem(again, 409, "conflict")
    assert count(hogo, subjects) == 1


def test_G02_R09_a_consent_keeps_the_policy_version_and_its_evidence(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    headers = key_for(OFFICE)
    subject_id = new_customer(client, headers)
    purpose, _ = consent_purpose(hogo.policy)
    evidence = {"ip": "203.0.113.77", "page": "https://shop.example/join?x=1", "form": "join"}
    body = {"purpose": purpose, "action": "grant", "method": "web", "evidence": evidence}
    assert (
        client.post(f"/v1/subjects/{subject_id}/consents", json=body, headers=headers).status_code
        == 204
    )
    with hogo.engine.connect() as connection:
        row = connection.execute(select(consent_events)).one()
    assert row.policy_version == hogo.policy.version
    assert row.evidence == {
        "ip": "203.0.113.0/24",
        "page": "https://shop.example/join",
        "form": "join",
    }
