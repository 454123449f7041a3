"""The consent banner's public API: its configuration and its ledger (R-60, R-63, G-20, G-02,
G-10), in-process on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hogo.auth.keys import KeyVerifier
from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.store.tables import cookie_consents
from hogo.web.app import create_app

OFFICE = Actor(id="test:office", role="privacy_office")


@pytest.fixture
def visitor_client(hogo: Hogo) -> Iterator[TestClient]:
    """A client that comes from a real IPv4 address, as a browser does."""
    app = create_app(hogo, KeyVerifier(hogo.engine))
    with TestClient(app, raise_server_exceptions=False, client=("203.0.113.77", 50000)) as made:
        yield made


def body(client: TestClient, **given: Any) -> dict[str, Any]:
    notice = client.get("/v1/consent/config").json()["notice_version"]
    sent = {
        "visitor_id": secrets.token_urlsafe(16),
        "choices": {"statistics": True, "advertising": True},
        "gpc": False,
        "page": "https://shop.example.jp/demo/shop?lang=ja",
        "notice_version": notice,
    }
    return {**sent, **given}


def ledger(hogo: Hogo) -> list[dict[str, Any]]:
    with hogo.engine.connect() as connection:
        found = connection.execute(select(cookie_consents).order_by(cookie_consents.c.id))
        return [dict(row._mapping) for row in found]


def test_R60_config_has_texts_categories_and_tags_in_both_languages(client: TestClient) -> None:
    answer = client.get("/v1/consent/config", params={"lang": "en"})
    assert answer.status_code == 200
    config = answer.json()
    assert config["lang"] == "en"
    assert config["policy_version"] == "2022-04-01"
    assert len(config["notice_version"]) == 16
    assert config["texts"]["accept_all"] == {"ja": "すべて許可", "en": "Accept all"}
    statistics = next(c for c in config["categories"] if c["id"] == "statistics")
    tag = statistics["tags"][0]
    assert tag["destination"] == "analytics.example.com"
    assert set(tag) >= {"recipient", "data_sent", "purpose"}
    assert client.get("/v1/consent/config", params={"lang": "fr"}).status_code == 422


def test_R63_G20_G02_a_choice_is_recorded(visitor_client: TestClient, hogo: Hogo) -> None:
    sent = body(visitor_client, choices={"statistics": True})
    answer = visitor_client.post("/v1/consent", json=sent, headers={"User-Agent": "Chromium/1"})
    assert answer.status_code == 201, answer.text
    recorded = answer.json()
    assert recorded["choices"] == {"continuity": True, "statistics": True, "advertising": False}
    assert recorded["policy_version"] == "2022-04-01"
    assert hogo.cookie_consent.current(sent["visitor_id"]) == recorded["choices"]
    row = ledger(hogo)[0]
    assert row["evidence"] == {
        "ip": "203.0.113.0/24",
        "user_agent": "Chromium/1",
        "page": "https://shop.example.jp/demo/shop",
    }
    assert row["channel"] == "banner"
    assert row["gpc"] is False


@pytest.mark.parametrize(
    ("given", "headers"),
    [({"gpc": True}, {}), ({"gpc": False}, {"Sec-GPC": "1"})],
    ids=["body", "header"],
)
def test_G10_gpc_turns_advertising_off(
    visitor_client: TestClient, hogo: Hogo, given: dict[str, Any], headers: dict[str, str]
) -> None:
    """GPC in the body or the Sec-GPC header records advertising off, whatever was chosen."""
    answer = visitor_client.post("/v1/consent", json=body(visitor_client, **given), headers=headers)
    assert answer.status_code == 201, answer.text
    recorded = answer.json()
    assert recorded["choices"]["advertising"] is False
    assert recorded["gpc"] is True
    assert recorded["gpc_overrode"] == ["advertising"]
    assert ledger(hogo)[0]["evidence"]["gpc_overrode"] == ["advertising"]


@pytest.mark.parametrize(
    "given",
    [
        {"choices": {"marketing": True}},
        {"choices": {"continuity": False}},
        {"choices": {"statistics": "yes"}},
        {"visitor_id": "not-random"},
        {"notice_version": "stale"},
        {"member_token": "1.4102444800.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        {"extra": 1},
    ],
)
def test_R63_G02_refused_choices_record_nothing(
    visitor_client: TestClient, hogo: Hogo, given: dict[str, Any]
) -> None:
    answer = visitor_client.post("/v1/consent", json=body(visitor_client, **given))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] in {"validation_failed", "request_invalid"}
    assert ledger(hogo) == []


def test_G02_member_token_names_the_subject(visitor_client: TestClient, hogo: Hogo) -> None:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=f"m-{secrets.token_hex(4)}")
    token = hogo.cookie_consent.issue_member_token(subject_id, dt.timedelta(minutes=10))
    answer = visitor_client.post("/v1/consent", json=body(visitor_client, member_token=token))
    assert answer.status_code == 201, answer.text
    assert ledger(hogo)[0]["subject_id"] == subject_id
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = visitor_client.post("/v1/consent", json=body(visitor_client, member_token=forged))
    assert refused.status_code == 422
    assert len(ledger(hogo)) == 1


def test_R63_the_public_endpoint_is_rate_limited(visitor_client: TestClient, hogo: Hogo) -> None:
    """120 choices per hour from one client; the next is 429 with Retry-After."""
    sent = body(visitor_client)
    with hogo.engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(cookie_consents)).scalar()
    assert before == 0
    for _ in range(120):
        assert visitor_client.post("/v1/consent", json=sent).status_code == 201
    refused = visitor_client.post("/v1/consent", json=sent)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert len(ledger(hogo)) == 120


def test_consent_script_is_served(client: TestClient) -> None:
    answer = client.get("/consent.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert "data-hogo-category" in answer.text


def test_G20_demo_shop_keeps_its_tags_inert(client: TestClient) -> None:
    """The demo page's tags are text/plain until the banner activates them (G-20, R-60)."""
    for lang in ("ja", "en"):
        page = client.get("/demo/shop", params={"lang": lang})
        assert page.status_code == 200
        assert '<script src="/consent.js" defer></script>' in page.text
        assert 'type="text/plain" data-hogo-category="statistics"' in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/demo/tags/ads.js").text.count("hogoDemoAds = true") == 1
    assert client.get("/demo/../hogo.db").status_code == 404
    assert 'href="/demo/shop?lang=ja"' in client.get("/").text


SHOP = "https://shop.example.jp"


@pytest.fixture
def cross_origin_client(hogo: Hogo) -> Iterator[TestClient]:
    """A server that lets the shop's pages use the banner from another origin."""
    app = create_app(hogo, KeyVerifier(hogo.engine), consent_origins=(SHOP,))
    with TestClient(app, raise_server_exceptions=False, client=("203.0.113.78", 50000)) as made:
        yield made


def test_G02_a_named_site_may_record_choices_from_another_origin(
    cross_origin_client: TestClient, hogo: Hogo
) -> None:
    """G-02: the banner on the shop's own origin records through hogo; the preflight names
    exactly that origin, with no credentials."""
    client = cross_origin_client
    preflight = client.options(
        "/v1/consent",
        headers={
            "Origin": SHOP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SHOP
    assert "access-control-allow-credentials" not in preflight.headers
    answer = client.post("/v1/consent", json=body(client), headers={"Origin": SHOP})
    assert answer.status_code == 201
    assert answer.headers["access-control-allow-origin"] == SHOP
    assert len(ledger(hogo)) == 1


def test_other_origins_and_other_paths_get_no_cors(cross_origin_client: TestClient) -> None:
    client = cross_origin_client
    stranger = client.get("/v1/consent/config", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in stranger.headers
    api = client.options(
        "/v1/subjects/1",
        headers={"Origin": SHOP, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in api.headers
    page = client.get("/privacy-center", headers={"Origin": SHOP})
    assert "access-control-allow-origin" not in page.headers


def test_no_origin_is_allowed_by_default(client: TestClient) -> None:
    answer = client.get("/v1/consent/config", headers={"Origin": SHOP})
    assert "access-control-allow-origin" not in answer.headers
