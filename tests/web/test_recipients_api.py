"""The recipients register and receipts over the REST API (R-21, R-33, R-35, G-13, D13, D14).

Any key reads the register; only the privacy office records facts. Receipts need a role that
covers the people and the items. SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hogo.auth.keys import KeyVerifier, create_key
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings
from hogo.store.tables import audit_log, receipts, recipient_facts
from hogo.web.app import create_app

Headers = Callable[[str], dict[str, str]]
OFFICE = "privacy_office"
POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PROBLEM = "application/problem+json"
PROCESSOR = "store_management"
TODAY = dt.datetime.now(dt.UTC).date()


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["detail"]
    return body


def ready_facts(**changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "legal_name": "株式会社ストアサービス",
        "address": "東京都港区芝公園1-1-1",
        "representative": "代表取締役 山田 太郎",
        "contract_ref": "業務委託契約 2025-017",
        "contract_from": "2025-04-01",
        "security_terms": "別紙2 安全管理措置",
        "contract_items": list("abcdefgh"),
        "sub_processors": [{"name": "Cloud KK", "country": "JP", "approved": True}],
        "supervised_on": (TODAY - dt.timedelta(days=10)).isoformat(),
    }
    return {**facts, **changes}


def count(hogo: Hogo, table: Any) -> int:
    with hogo.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_R21_any_key_lists_the_register(client: TestClient, key_for: Headers, hogo: Hogo) -> None:
    assert_problem(client.get("/v1/recipients"), 401, "unauthenticated")
    response = client.get("/v1/recipients", headers=key_for("marketing"))
    assert response.status_code == 200, response.text
    listed = response.json()["recipients"]
    assert [entry["id"] for entry in listed] == list(hogo.policy.recipients)
    first = listed[0]
    assert first["ready"] is False
    assert first["facts"] is None
    assert "no facts recorded" in first["problems"][0]
    assert first["title"]["ja"]


def test_R21_G13_recording_facts_answers_the_status(client: TestClient, key_for: Headers) -> None:
    office = key_for(OFFICE)
    broken = ready_facts(
        contract_items=["a", "b"],
        sub_processors=[{"name": "Acme", "country": "us", "approved": False}],
        contract_from="2018-04-01",
        contract_until="2020-03-31",
    )
    response = client.put(f"/v1/recipients/{PROCESSOR}/facts", json=broken, headers=office)
    assert response.status_code == 200, response.text
    status = response.json()
    assert status["ready"] is False
    assert status["problems"] == [
        "the contract ended on 2020-03-31 (R-21)",
        "the contract lacks GDPR Art 28(3) items c, d, e, f, g, h (G-13)",
        "sub-processor Acme (US) is not approved (R-21)",
    ]
    assert status["declared"]["groups"] == ["customers"]
    fixed = client.put(f"/v1/recipients/{PROCESSOR}/facts", json=ready_facts(), headers=office)
    assert fixed.json()["ready"] is True
    assert fixed.json()["supervision_due"] == (TODAY + dt.timedelta(days=355)).isoformat()
    shown = client.get(f"/v1/recipients/{PROCESSOR}", headers=key_for("sales")).json()
    assert shown["facts"]["contract_items"] == list("abcdefgh")
    assert shown["facts"]["sub_processors"] == [
        {"name": "Cloud KK", "country": "JP", "approved": True}
    ]
    history = client.get(f"/v1/recipients/{PROCESSOR}/history", headers=office).json()
    assert history["recipient"] == PROCESSOR
    assert [row["contract_until"] for row in history["facts"]] == ["2020-03-31", None]
    assert [row["contract_from"] for row in history["facts"]] == ["2018-04-01", "2025-04-01"]


@pytest.fixture
def abroad(tmp_path: Path, settings: Settings, database_url: str) -> Iterator[TestClient]:
    """The API over a policy that declares the group companies in the United States."""
    text = POLICY.read_text(encoding="utf-8").replace(
        "    kind: group_company\n", "    kind: group_company\n    country: US\n", 1
    )
    policy = tmp_path / "policy-us.yaml"
    policy.write_text(text, encoding="utf-8")
    with open_hogo(database_url, policy, settings=settings) as opened:
        app = create_app(opened, KeyVerifier(opened.engine, hasher=CHEAP_HASHER))
        with TestClient(app, raise_server_exceptions=False) as made:
            made.headers.update(office_key(opened))
            yield made


def office_key(opened: Hogo) -> dict[str, str]:
    with opened.engine.begin() as connection:
        key = create_key(
            connection,
            OFFICE,
            roles_known=list(opened.policy.roles),
            now=dt.datetime.now(dt.UTC),
            hasher=CHEAP_HASHER,
        )
    return {"Authorization": f"Bearer {key}"}


def test_R33_D14_a_foreign_recipient_over_the_API(abroad: TestClient) -> None:
    base = {"legal_name": "Hogo Inc.", "address": "1 Main St, Boston", "representative": "J. Doe"}
    url = "/v1/recipients/group_companies/facts"
    status = abroad.put(url, json={**base, "country": "US"}).json()
    assert status["foreign"] is True
    assert "no basis for foreign provision" in status["problems"][0]
    stale = TODAY - dt.timedelta(days=366)
    system = {
        **base,
        "country": "US",
        "foreign_basis": "system",
        "foreign_system": "APEC CBPR",
        "system_checked_on": stale.isoformat(),
    }
    status = abroad.put(url, json=system).json()
    assert "the equivalent-measures system's check was due on" in status["problems"][0]
    checked = {**system, "system_checked_on": TODAY.isoformat()}
    status = abroad.put(url, json=checked).json()
    assert status["ready"] is True
    assert status["system_check_due"] == (TODAY + dt.timedelta(days=365)).isoformat()
    consent = {**base, "country": "US", "foreign_basis": "consent", "measures": "ISO 27001"}
    assert abroad.put(url, json=consent).json()["ready"] is True
    elsewhere = abroad.put(url, json={**base, "country": "DE"}).json()
    assert elsewhere["foreign"] is False
    assert "the register puts it in DE, the policy in US" in elsewhere["problems"][0]


def test_R21_only_the_privacy_office_records_facts(
    client: TestClient, key_for: Headers, hogo: Hogo
) -> None:
    url = f"/v1/recipients/{PROCESSOR}/facts"
    body = assert_problem(
        client.put(url, json=ready_facts(), headers=key_for("marketing")), 403, "forbidden"
    )
    assert body["role"] == "marketing"
    assert count(hogo, recipient_facts) == 0
    with hogo.engine.connect() as connection:
        refused = (
            connection.execute(select(audit_log.c.body).where(audit_log.c.action == "refused"))
            .scalars()
            .all()
        )
    assert any(f"PUT {url}" in entry for entry in refused)


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"legal_name": "  "}, 422, "validation_failed"),
        ({"legal_name": ""}, 422, "request_invalid"),
        ({"country": "USA"}, 422, "request_invalid"),
        ({"contract_items": ["z"]}, 422, "request_invalid"),
        ({"foreign_basis": "treaty"}, 422, "request_invalid"),
        (
            {"sub_processors": [{"name": "A", "country": "US", "approved": "maybe"}]},
            422,
            "request_invalid",
        ),
        ({"contract_until": "2024-01-01"}, 422, "validation_failed"),
        ({"unknown_fact": 1}, 422, "request_invalid"),
        ({"country": "US", "foreign_basis": "adequate"}, 422, "validation_failed"),
    ],
)
def test_R21_bad_facts_are_problems_and_nothing_is_written(
    client: TestClient,
    key_for: Headers,
    hogo: Hogo,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    url = f"/v1/recipients/{PROCESSOR}/facts"
    assert_problem(
        client.put(url, json=ready_facts(**changes), headers=key_for(OFFICE)), status, code
    )
    assert count(hogo, recipient_facts) == 0


def test_R21_an_unknown_recipient_is_404(client: TestClient, key_for: Headers) -> None:
    office = key_for(OFFICE)
    assert_problem(client.get("/v1/recipients/nobody", headers=office), 404, "not_found")
    assert_problem(client.get("/v1/recipients/nobody/history", headers=office), 404, "not_found")
    response = client.put("/v1/recipients/nobody/facts", json=ready_facts(), headers=office)
    assert_problem(response, 404, "not_found")


def receipt(people: list[int], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject_ids": people,
        "provider_name": "株式会社リスト提供",
        "provider_address": "大阪府大阪市北区梅田1-1",
        "provider_representative": "代表取締役 佐藤 花子",
        "provider_acquisition": "会員登録フォームで本人から取得(契約書第3条)",
        "basis": "consent",
        "consent_confirmed": True,
        "categories": ["name", "email"],
        "method": "individual",
    }
    return {**body, **changes}


@pytest.fixture
def people(hogo: Hogo) -> list[int]:
    office = Actor("officer-1", OFFICE)
    return [hogo.subjects.create(office, group="customers", ref=f"c-{n}") for n in range(2)]


def test_R35_D13_receipts_are_recorded_per_person_and_listed(
    client: TestClient, key_for: Headers, people: list[int]
) -> None:
    response = client.post("/v1/receipts", json=receipt(people), headers=key_for("marketing"))
    assert response.status_code == 201, response.text
    recorded = response.json()
    assert recorded["subject_ids"] == people
    assert len(recorded["ids"]) == 2
    kept = dt.datetime.fromisoformat(recorded["retain_until"])
    assert kept.year == dt.datetime.now(dt.UTC).year + 3  # individual: three years
    listed = client.get(f"/v1/subjects/{people[0]}/receipts", headers=key_for(OFFICE))
    assert listed.status_code == 200, listed.text
    (entry,) = listed.json()["receipts"]
    assert entry["subject_id"] == people[0]
    assert entry["provider_representative"] == "代表取締役 佐藤 花子"
    assert entry["categories"] == ["name", "email"]
    assert (entry["basis"], entry["consent_confirmed"]) == ("consent", True)


def test_R35_a_role_outside_the_group_neither_records_nor_reads(
    client: TestClient, key_for: Headers, hogo: Hogo, people: list[int]
) -> None:
    hr = key_for("hr")
    assert_problem(client.post("/v1/receipts", json=receipt(people), headers=hr), 403, "forbidden")
    assert_problem(client.get(f"/v1/subjects/{people[0]}/receipts", headers=hr), 403, "forbidden")
    office = key_for(OFFICE)
    assert_problem(client.get("/v1/subjects/987654/receipts", headers=office), 404, "not_found")
    assert count(hogo, receipts) == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"consent_confirmed": False}, "validation_failed"),
        ({"basis": "opt_out"}, "validation_failed"),
        ({"provider_acquisition": " "}, "validation_failed"),
        ({"provider_name": ""}, "request_invalid"),
        ({"categories": ["shoe_size"]}, "validation_failed"),
        ({"subject_ids": []}, "request_invalid"),
        ({"method": "weekly"}, "request_invalid"),
        ({"received_at": "2999-01-01T00:00:00Z"}, "validation_failed"),
        ({"extra": True}, "request_invalid"),
    ],
)
def test_R35_refused_receipts_write_nothing(
    client: TestClient,
    key_for: Headers,
    hogo: Hogo,
    people: list[int],
    changes: dict[str, Any],
    code: str,
) -> None:
    response = client.post("/v1/receipts", json=receipt(people, **changes), headers=key_for(OFFICE))
    assert_problem(response, 422, code)
    assert count(hogo, receipts) == 0


def test_R35_one_unknown_person_records_no_one(
    client: TestClient, key_for: Headers, hogo: Hogo, people: list[int]
) -> None:
    response = client.post("/v1/receipts", json=receipt([*people, 987654]), headers=key_for(OFFICE))
    body = assert_problem(response, 422, "validation_failed")
    assert "no such subject: 987654" in body["detail"]
    assert count(hogo, receipts) == 0
