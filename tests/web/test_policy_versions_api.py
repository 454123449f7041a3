"""``/v1/policy``: published versions and their classified changes, for any role (R-64, R-04)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from hogo.runtime import Hogo
from hogo.services.actor import Actor

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor(id="cli:office", role="privacy_office")
THIRD_PARTY = """\
  research_partner:
    title: {ja: 共同研究先, en: Research partner}
    kind: third_party
    basis: consent
    groups: [customers]
    purposes: [product_development_analysis]
    categories: [birth_date, gender]
"""
KeyFor = Callable[[str], dict[str, str]]


def publish_two(hogo: Hogo) -> None:
    hogo.policy_versions.publish(OFFICE, POLICY, dt.date(2022, 4, 1))
    text = POLICY.read_text(encoding="utf-8")
    text = text.replace('version: "2022-04-01"', 'version: "2099-01-01"', 1)
    text = text.replace("\nrecipients:\n", "\nrecipients:\n" + THIRD_PARTY, 1)
    hogo.policy_versions.publish_text(OFFICE, text, "newer.yaml", dt.date(2099, 1, 1))


def test_r64_any_role_lists_the_versions(hogo: Hogo, client: TestClient, key_for: KeyFor) -> None:
    """R-64: versions with their dates; the one in force today is marked."""
    publish_two(hogo)
    response = client.get("/v1/policy/versions", headers=key_for("analyst"))
    assert response.status_code == 200, response.text
    versions = response.json()["versions"]
    assert [(v["version"], v["in_force"]) for v in versions] == [
        ("2022-04-01", True),
        ("2099-01-01", False),
    ]
    assert versions[1]["requires_consent"] is True
    assert versions[1]["effective_from"] == "2099-01-01"


def test_r64_one_version_with_its_changes(hogo: Hogo, client: TestClient, key_for: KeyFor) -> None:
    publish_two(hogo)
    response = client.get("/v1/policy/versions/2099-01-01", headers=key_for("sales"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["changes"]["from_version"] == "2022-04-01"
    change = body["changes"]["changes"][0]
    assert (change["path"], change["kind"], change["classification"]) == (
        "recipients.research_partner",
        "added",
        "consent",
    )


def test_r64_diff_between_published_versions(
    hogo: Hogo, client: TestClient, key_for: KeyFor
) -> None:
    publish_two(hogo)
    response = client.get(
        "/v1/policy/diff",
        params={"from": "2022-04-01", "to": "2099-01-01"},
        headers=key_for("privacy_office"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["requires_consent"] is True
    assert [c["path"] for c in body["changes"]] == ["recipients.research_partner"]


def test_unknown_version_is_a_problem(hogo: Hogo, client: TestClient, key_for: KeyFor) -> None:
    response = client.get("/v1/policy/versions/1999-01-01", headers=key_for("analyst"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = client.get(
        "/v1/policy/diff",
        params={"from": "1999-01-01", "to": "2000-01-01"},
        headers=key_for("analyst"),
    )
    assert response.status_code == 404


def test_a_key_is_required(client: TestClient) -> None:
    assert client.get("/v1/policy/versions").status_code == 401
    assert client.get("/v1/policy/diff?from=a&to=b").status_code == 401
