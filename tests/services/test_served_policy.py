"""The policy enforced follows the register of published versions (R-04, R-64; seed §15)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hogo.errors import ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.settings import Settings

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
NEW_PURPOSE = """\
  ai_recommendations:
    title: {ja: AIによる商品のおすすめ, en: AI product recommendations}
    description:
      ja: 購入履歴をもとにAIで商品をおすすめするため
      en: To recommend products with AI from purchase history
    section: "2.customers.(9)"
    groups: [customers]
    categories: [member_id, birth_date]
    legal_basis: {appi: "A17(1), A21(1); consent (A18(1))", gdpr: consent}
    consent: required
    consent_version: "2030-02-01"

"""
NEW_RULE = """\
  ai_recommendations:
    categories: [member_id, birth_date]
    purposes: [ai_recommendations]
    clock: last_activity
    duration: P1Y
    why: Recommendations use the last year of activity.
"""
NEW_RECIPIENT = """\
  ad_partner:
    title: {ja: 広告提携先, en: Advertising partner}
    kind: third_party
    basis: consent
    groups: [customers]
    purposes: [preference_advertising]
    categories: [birth_date, gender]
"""


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.UTC))


@pytest.fixture
def hogo(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(),
        key_file=tmp_path / "k",
        policy_check_seconds=0,
    )
    opened = open_hogo(database_url, POLICY, settings=settings, mailer=MemorySender(), clock=clock)
    yield opened
    opened.close()


def version_text(version: str, *, purpose: str = "", recipient: str = "") -> str:
    text = POLICY.read_text(encoding="utf-8")
    text = text.replace('version: "2022-04-01"', f'version: "{version}"', 1)
    text = text.replace("\npurposes:\n", "\npurposes:\n" + purpose, 1)
    if purpose:
        text = text.replace("\nretention:\n", "\nretention:\n" + NEW_RULE, 1)
    return text.replace("\nrecipients:\n", "\nrecipients:\n" + recipient, 1)


def customer(hogo: Hogo) -> int:
    return hogo.subjects.create(OFFICE, group="customers", ref="c-1", jurisdiction="JP")


def reason(hogo: Hogo, subject_id: int, purpose: str, category: str) -> str:
    decision = hogo.follow().access.decide(OFFICE, subject_id, [category], purpose)
    return decision.denied.get(category, "allowed")


def test_R04_nothing_published_serves_the_file(hogo: Hogo) -> None:
    assert hogo.served.published is None
    assert hogo.follow() is hogo
    assert hogo.policy.version == "2022-04-01"


def test_R04_a_purpose_announced_for_later_is_denied_until_its_day(
    hogo: Hogo, clock: Clock
) -> None:
    """R-04: processing under a new purpose before its version takes effect is denied."""
    hogo.policy_versions.publish_text(OFFICE, POLICY.read_text(), "v1", dt.date(2022, 4, 1))
    later = version_text("2030-02-01", purpose=NEW_PURPOSE)
    hogo.policy_versions.publish_text(OFFICE, later, "v2", dt.date(2030, 2, 1))
    subject_id = customer(hogo)

    before = hogo.follow()
    assert before.policy.version == "2022-04-01"
    assert "ai_recommendations" not in before.policy.purposes
    assert reason(hogo, subject_id, "ai_recommendations", "birth_date") == "purpose_not_declared"

    clock.now = dt.datetime(2030, 1, 31, 15, 0, tzinfo=dt.UTC)  # 1 February, 00:00 in Japan
    after = hogo.follow()
    assert after.policy.version == "2030-02-01"
    assert reason(hogo, subject_id, "ai_recommendations", "birth_date") == "no_consent"
    after.subjects.record_consent(OFFICE, subject_id, purpose="ai_recommendations", action="grant")
    assert reason(hogo, subject_id, "ai_recommendations", "birth_date") == "allowed"


def test_R64_a_consent_change_makes_earlier_consents_lapse_for_that_purpose(
    hogo: Hogo, clock: Clock
) -> None:
    """R-64: after a new consent-based provision, an earlier grant no longer covers the purpose;
    a new grant does, and an opt-out of another purpose still stands."""
    hogo.policy_versions.publish_text(OFFICE, POLICY.read_text(), "v1", dt.date(2022, 4, 1))
    subject_id = customer(hogo)
    hogo.subjects.record_consent(
        OFFICE, subject_id, purpose="preference_advertising", action="grant"
    )
    hogo.subjects.record_consent(
        OFFICE, subject_id, purpose="product_information_ads", action="opt_out"
    )
    assert reason(hogo, subject_id, "preference_advertising", "birth_date") == "allowed"

    newer = version_text("2030-01-20", recipient=NEW_RECIPIENT)
    published = hogo.policy_versions.publish_text(OFFICE, newer, "v2", dt.date(2030, 1, 20))
    assert published.changes.requires_consent
    clock.now = dt.datetime(2030, 1, 20, 1, 0, tzinfo=dt.UTC)

    current = hogo.follow()
    assert current.policy.version == "2030-01-20"
    assert set(current.served.consent_since) == {"preference_advertising"}
    assert reason(hogo, subject_id, "preference_advertising", "birth_date") == "no_consent"
    assert reason(hogo, subject_id, "product_information_ads", "email") == "opted_out"
    current.subjects.record_consent(
        OFFICE, subject_id, purpose="preference_advertising", action="grant"
    )
    assert reason(hogo, subject_id, "preference_advertising", "birth_date") == "allowed"


def test_R64_a_notice_change_keeps_earlier_consents(hogo: Hogo, clock: Clock) -> None:
    """R-64: a change that needs only notice does not ask again."""
    hogo.policy_versions.publish_text(OFFICE, POLICY.read_text(), "v1", dt.date(2022, 4, 1))
    subject_id = customer(hogo)
    hogo.subjects.record_consent(
        OFFICE, subject_id, purpose="preference_advertising", action="grant"
    )
    newer = version_text("2030-01-20").replace("窓口", "窓口（受付）", 1)
    published = hogo.policy_versions.publish_text(OFFICE, newer, "v2", dt.date(2030, 1, 20))
    assert not published.changes.requires_consent
    clock.now = dt.datetime(2030, 1, 21, tzinfo=dt.UTC)
    assert hogo.follow().policy.version == "2030-01-20"
    assert reason(hogo, subject_id, "preference_advertising", "birth_date") == "allowed"


def test_R04_a_version_takes_effect_in_a_running_process(hogo: Hogo, clock: Clock) -> None:
    """R-04: a running hogo enforces a publication once its day has come, without a restart."""
    hogo.policy_versions.publish_text(OFFICE, POLICY.read_text(), "v1", dt.date(2022, 4, 1))
    first = hogo.follow()
    assert first is not hogo
    assert first.served.published is not None
    assert first.follow() is first
    later = version_text("2030-01-10", purpose=NEW_PURPOSE)
    first.policy_versions.publish_text(OFFICE, later, "v2", dt.date(2030, 1, 10))
    assert hogo.follow().policy.version == "2030-01-10"
    assert first.follow() is hogo.follow()


def test_G02_a_banner_open_when_a_version_took_effect_is_recorded_under_its_own_version(
    hogo: Hogo, clock: Clock
) -> None:
    """G-02: a choice made on the notice shown just before a new version took effect is kept
    under the version it was made on, for an hour; later, the old notice is refused."""
    hogo.policy_versions.publish_text(OFFICE, POLICY.read_text(), "v1", dt.date(2022, 4, 1))
    old_notice = hogo.follow().cookie_consent.config()["notice_version"]
    changed = version_text("2030-01-10").replace("analytics.example.com", "stats.example.com")
    hogo.policy_versions.publish_text(OFFICE, changed, "v2", dt.date(2030, 1, 10))
    current = hogo.follow().cookie_consent
    assert current.config()["notice_version"] != old_notice
    choice = {"statistics": True}

    def record(notice: str) -> str:
        receipt = current.record(
            "A" * 22,
            choice,
            gpc=False,
            channel="banner",
            page=None,
            user_agent=None,
            client_ip=None,
            notice_version=notice,
        )
        return receipt.policy_version

    assert record(old_notice) == "2022-04-01"
    assert record(current.config()["notice_version"]) == "2030-01-10"
    clock.now += dt.timedelta(hours=2)
    with pytest.raises(ValidationFailed, match="not the current one"):
        record(old_notice)
