"""Provision over the API (R-29, R-34, R-40): the file in the export folder, problems on refusal."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.provision.recipients import FactsInput
from hogo.settings import Settings
from hogo.vault.items import NewItem

OFFICE = Actor("officer-1", "privacy_office")
Keys = Callable[[str], dict[str, str]]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    master = base64.b64encode(os.urandom(32)).decode()
    return Settings(
        master_key=master, key_file=tmp_path / "unused.key", export_dir=tmp_path / "exports"
    )


def prepared(hogo: Hogo) -> list[int]:
    ids = []
    for n in range(2):
        subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"c-{n}")
        hogo.subjects.store(OFFICE, subject_id, [NewItem("name", f"顧客{n}", ["sale_provision"])])
        ids.append(subject_id)
    hogo.recipients.record(
        OFFICE,
        "product_delivery",
        FactsInput(
            legal_name="配送株式会社",
            address="東京都港区1-1",
            representative="代表取締役 鈴木",
            contract_ref="C-1",
            security_terms="Annex 3",
            contract_items=tuple("abcdefgh"),
            supervised_on=dt.date.today(),
        ),
    )
    return ids


def body(ids: list[int], **changes: object) -> dict[str, object]:
    sent: dict[str, object] = {
        "recipient": "product_delivery",
        "purpose": "sale_provision",
        "categories": ["name"],
        "basis": "entrustment",
        "subject_ids": ids,
        "format": "csv",
    }
    return {**sent, **changes}


def test_R34_provide_then_download_the_file_as_written(
    client: TestClient, hogo: Hogo, key_for: Keys, settings: Settings
) -> None:
    ids = prepared(hogo)
    headers = key_for("privacy_office")
    answer = client.post("/v1/provisions", json=body(ids), headers=headers)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert made["people"] == 2
    assert made["excluded"] == []
    downloaded = client.get(made["file"], headers=headers)
    assert downloaded.status_code == 200
    assert hashlib.sha256(downloaded.content).hexdigest() == made["sha256"]
    assert pl.read_csv(io.BytesIO(downloaded.content))["name"].to_list() == ["顧客0", "顧客1"]
    log = client.get("/v1/provisions", params={"subject_id": ids[0]}, headers=headers)
    assert [p["id"] for p in log.json()] == [made["id"]]
    records = client.get(f"/v1/subjects/{ids[0]}/provision-records", headers=headers)
    assert records.json()[0]["recipient_name"] == "配送株式会社"

    written = next(settings.export_dir.iterdir())
    written.write_bytes(b"changed")
    assert client.get(made["file"], headers=headers).status_code == 409


def test_R29_a_refusal_is_a_problem_document_listing_the_people(
    client: TestClient, hogo: Hogo, key_for: Keys, settings: Settings
) -> None:
    ids = prepared(hogo)
    hogo.subjects.set_status(OFFICE, ids[1], "suspended")
    answer = client.post("/v1/provisions", json=body(ids), headers=key_for("privacy_office"))
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "provision_refused"
    assert problem["excluded"] == [{"subject_id": ids[1], "reason": "suspended"}]
    assert not settings.export_dir.exists() or not any(settings.export_dir.iterdir())
    partial = client.post(
        "/v1/provisions", json=body(ids, allow_partial=True), headers=key_for("privacy_office")
    )
    assert partial.status_code == 201
    assert partial.json()["excluded"] == [{"subject_id": ids[1], "reason": "suspended"}]


def test_R16_a_role_without_the_group_cannot_read_a_persons_records(
    client: TestClient, hogo: Hogo, key_for: Keys
) -> None:
    ids = prepared(hogo)
    hr = [
        r
        for r, role in hogo.policy.roles.items()
        if role.groups != "*" and "customers" not in role.groups
    ]
    answer = client.get(f"/v1/subjects/{ids[0]}/provision-records", headers=key_for(hr[0]))
    assert answer.status_code == 403
