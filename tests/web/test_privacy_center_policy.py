"""The privacy policy as published, now and before, on the privacy center (R-37, R-64)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from hogo.runtime import Hogo
from hogo.services.actor import Actor

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("office", "privacy_office")


def test_R37_the_policy_in_force_is_served_in_both_languages(
    client: TestClient, hogo: Hogo
) -> None:
    ja = client.get("/privacy-center/policy")
    assert ja.status_code == 200
    assert hogo.policy.controller.name.ja in ja.text
    assert 'lang="ja"' in ja.text
    en = client.get("/privacy-center/policy", params={"lang": "en"})
    assert hogo.policy.controller.name.en in en.text
    front = client.get("/privacy-center")
    assert 'id="versions-link"' in front.text


def test_R64_every_published_version_is_listed_with_its_classified_changes(
    client: TestClient, hogo: Hogo, tmp_path: Path
) -> None:
    assert 'id="no-versions"' in client.get("/privacy-center/policy/versions").text
    today = dt.datetime.now(dt.UTC).date()
    hogo.policy_versions.publish(OFFICE, POLICY, max(today, hogo.policy.effective_from))
    text = POLICY.read_text(encoding="utf-8")
    top = f'\nversion: "{hogo.policy.version}"\n'
    changed = text.replace(top, '\nversion: "next-version"\n', 1)
    assert changed != text
    newer = tmp_path / "policy.yaml"
    newer.write_text(changed, encoding="utf-8")
    hogo.policy_versions.publish(OFFICE, newer, max(today, hogo.policy.effective_from))

    listed = client.get("/privacy-center/policy/versions", params={"lang": "en"})
    assert listed.status_code == 200
    assert 'id="version-next-version"' in listed.text
    assert f'id="version-{hogo.policy.version}"' in listed.text
    whole = client.get("/privacy-center/policy/versions/next-version", params={"lang": "en"})
    assert whole.status_code == 200
    assert hogo.policy.controller.name.en in whole.text
    missing = client.get("/privacy-center/policy/versions/no-such-version")
    assert missing.status_code == 404
