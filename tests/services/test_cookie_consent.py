"""The cookie consent ledger (R-63, G-20, G-02, G-10, R-60), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import DBAPIError

from hogo.errors import RateLimited, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.cookie_consent import ConsentLimits, CookieConsentService
from hogo.services.cookie_notice import banner_config
from hogo.services.member_tokens import MemberTokens
from hogo.store.tables import audit_log, cookie_consents
from hogo.vault.keys import KeyRing

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keyring() -> KeyRing:
    return KeyRing(os.urandom(32))


@pytest.fixture
def service(
    engine: Engine, example_policy: Policy, keyring: KeyRing, clock: Clock
) -> CookieConsentService:
    return CookieConsentService(engine, example_policy, keyring, clock, ConsentLimits(per_client=3))


def visitor() -> str:
    return secrets.token_urlsafe(16)


def choose(service: CookieConsentService, choices: dict[str, bool], **given: Any) -> Any:
    someone = given.pop("visitor_id", None) or visitor()
    arguments: dict[str, Any] = {
        "gpc": False,
        "channel": "banner",
        "page": "https://shop.example.jp/cart?item=42#top",
        "user_agent": "Mozilla/5.0 " + "x" * 400,
        "client_ip": "203.0.113.77",
        "notice_version": service.config()["notice_version"],
    }
    arguments.update(given)
    return service.record(someone, choices, **arguments)


def rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(cookie_consents)).scalar())


def test_R63_G20_G02_record_and_current(service: CookieConsentService, engine: Engine) -> None:
    """A choice is one row naming the policy and notice versions; the latest row is current."""
    someone = visitor()
    assert service.current(someone) is None
    first = choose(service, {"statistics": True}, visitor_id=someone)
    assert first.choices == {"continuity": True, "statistics": True, "advertising": False}
    assert first.policy_version == "2022-04-01"
    assert service.current(someone) == first.choices
    withdrawn = choose(service, {"statistics": False}, visitor_id=someone, channel="preferences")
    assert service.current(someone) == withdrawn.choices
    assert withdrawn.choices["statistics"] is False
    assert rows(engine) == 2


def test_G02_evidence_is_cut_to_what_proves_the_choice(
    service: CookieConsentService, engine: Engine
) -> None:
    """The IP is truncated (IPv4 /24, IPv6 /48), the page loses its query, the agent is cut."""
    choose(service, {"statistics": True})
    choose(service, {"statistics": True}, client_ip="2001:db8:1234:5678::1")
    with engine.connect() as connection:
        query = select(cookie_consents.c.evidence).order_by(cookie_consents.c.id)
        evidence = list(connection.execute(query).scalars())
    assert evidence[0]["ip"] == "203.0.113.0/24"
    assert evidence[1]["ip"] == "2001:db8:1234::/48"
    assert evidence[0]["page"] == "https://shop.example.jp/cart"
    assert len(evidence[0]["user_agent"]) == 300


@pytest.mark.parametrize(
    ("choices", "given", "message"),
    [
        ({"marketing": True}, {}, "unknown cookie use marketing"),
        ({"continuity": False}, {}, "always on"),
        ({}, {"visitor_id": "visitor-1"}, "visitor id"),
        ({}, {"visitor_id": "a" * 21 + "!"}, "visitor id"),
        ({}, {"notice_version": "0123456789abcdef"}, "not the current one"),
        ({}, {"channel": "popup"}, "unknown channel"),
        ({}, {"member_token": "1.9999999999.forged"}, "malformed"),
    ],
)
def test_R63_refusals_record_nothing(
    service: CookieConsentService,
    engine: Engine,
    choices: dict[str, bool],
    given: dict[str, Any],
    message: str,
) -> None:
    """Unknown uses, continuity off, a bad visitor id or notice: refused, no row (R-63)."""
    with pytest.raises(ValidationFailed, match=message):
        choose(service, choices, **given)
    assert rows(engine) == 0


@pytest.mark.parametrize("asked", [True, False])
def test_G10_gpc_turns_advertising_off(service: CookieConsentService, asked: bool) -> None:
    """GPC is a refusal of advertising (G-10, GDPR 21(5)): recorded off, and the receipt says
    when GPC overrode the choice."""
    receipt = choose(service, {"statistics": True, "advertising": asked}, gpc=True)
    assert receipt.choices == {"continuity": True, "statistics": True, "advertising": False}
    assert receipt.gpc is True
    assert receipt.gpc_overrode == (("advertising",) if asked else ())


def test_G02_member_token_links_the_subject(
    service: CookieConsentService, engine: Engine, subject_id: int
) -> None:
    """A verified member token names the subject, and the choice is audited on them (G-02)."""
    token = service.issue_member_token(subject_id, dt.timedelta(minutes=30))
    receipt = choose(service, {"statistics": True}, member_token=token)
    assert receipt.subject_id == subject_id
    with engine.connect() as connection:
        actions = connection.execute(
            select(audit_log.c.action).where(audit_log.c.subject_id == subject_id)
        ).scalars()
        assert "cookie_consent" in list(actions)


def test_G02_forged_or_expired_member_tokens_are_refused(
    service: CookieConsentService, engine: Engine, subject_id: int, clock: Clock
) -> None:
    token = service.issue_member_token(subject_id, dt.timedelta(minutes=30))
    other = MemberTokens(os.urandom(32)).issue(subject_id, dt.timedelta(minutes=30), NOW)
    body, _, mac = token.rpartition(".")
    swapped = f"{subject_id + 1}.{body.split('.')[1]}.{mac}"
    for forged in (other, swapped):
        with pytest.raises(ValidationFailed, match="does not verify"):
            choose(service, {}, member_token=forged)
    clock.now = NOW + dt.timedelta(minutes=31)
    with pytest.raises(ValidationFailed, match="expired"):
        choose(service, {}, member_token=token)
    assert rows(engine) == 0


def test_member_tokens_are_only_issued_for_a_subject(service: CookieConsentService) -> None:
    with pytest.raises(ValidationFailed, match="no subject"):
        service.issue_member_token(424242, dt.timedelta(minutes=5))
    with pytest.raises(ValidationFailed, match="at most"):
        MemberTokens(b"k" * 32).issue(1, dt.timedelta(days=2), NOW)


def test_G02_the_ledger_is_append_only(service: CookieConsentService, engine: Engine) -> None:
    """A recorded choice cannot be changed or deleted afterwards (G-02: demonstrable)."""
    choose(service, {"statistics": True})
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(update(cookie_consents).values(choices={"statistics": False}))
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("DELETE FROM cookie_consents"))
    assert rows(engine) == 1


def test_R63_choices_are_rate_limited_per_client(
    service: CookieConsentService, engine: Engine, clock: Clock
) -> None:
    """A client (IP address) at its limit is refused until the window frees a slot."""
    for _ in range(3):
        choose(service, {"statistics": True})
    with pytest.raises(RateLimited) as refused:
        choose(service, {"statistics": True})
    assert 0 < refused.value.retry_after <= 3600
    choose(service, {"statistics": True}, client_ip="198.51.100.9")
    clock.now = NOW + dt.timedelta(hours=1, seconds=1)
    choose(service, {"statistics": True})
    assert rows(engine) == 5


def test_R60_config_lists_every_tag_with_its_transmission_facts(example_policy: Policy) -> None:
    """Each tag names its destination, the entity there, the data sent and the purpose."""
    config = banner_config(example_policy)
    uses = {category["id"]: category for category in config["categories"]}
    assert list(uses) == ["continuity", "statistics", "advertising"]
    assert uses["continuity"]["always_on"]
    assert uses["advertising"]["gpc_refuses"]
    tags = [tag for category in config["categories"] for tag in category["tags"]]
    assert {tag["destination"] for tag in tags} == {"analytics.example.com", "ads.example.net"}
    for tag in tags:
        assert tag["recipient"]["ja"]
        assert tag["purpose"]["en"]
        assert tag["data_sent"]
    assert config["notice_version"] == banner_config(example_policy)["notice_version"]
