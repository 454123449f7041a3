"""The privacy center's choices page: a member's purposes, consents and choices, with one-click
withdrawal and opt-out (R-02, R-10, R-64, G-02, G-10), in-process on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from hogo.auth.keys import KeyVerifier
from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.member_tokens import MemberTokens
from hogo.services.rights.deadlines import arrival_date
from hogo.settings import Settings
from hogo.store.tables import audit_log, consent_events, restrictions
from hogo.vault.keys import KeyRing, load_master_key
from hogo.web.app import create_app

PATH = "/privacy-center/choices"
POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor(id="test:office", role="privacy_office")
MARKETING = Actor(id="test:marketing", role="marketing")
CONSENTED = "preference_advertising"  # consent: required
MARKETING_MAIL = "product_information_ads"  # consent: opt_out (direct marketing)
CONTRACT = "membership_service"  # consent: not_required
OTHER_GROUPS = "business_communication"  # declared for client contacts only
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The page follows a newly published version at once (R-64)."""
    return settings.model_copy(update={"policy_check_seconds": 0})


@pytest.fixture
def member_client(hogo: Hogo) -> Iterator[TestClient]:
    """A browser at a real IPv4 address, with a user agent, as a member's is."""
    app = create_app(hogo, KeyVerifier(hogo.engine))
    with TestClient(
        app,
        raise_server_exceptions=False,
        client=("203.0.113.77", 50000),
        headers={"User-Agent": BROWSER},
        follow_redirects=False,
    ) as made:
        yield made


def customer(hogo: Hogo, birth_date: dt.date | None = None) -> tuple[int, str]:
    """A customer and a member token for them, as the site issues it at sign-in."""
    subject_id = hogo.subjects.create(
        OFFICE,
        group="customers",
        ref=f"c-{dt.datetime.now(dt.UTC).timestamp()}",
        birth_date=birth_date,
        jurisdiction="JP",
    )
    return subject_id, hogo.cookie_consent.issue_member_token(subject_id, dt.timedelta(hours=1))


def events(hogo: Hogo, subject_id: int) -> list[dict[str, object]]:
    query = (
        select(consent_events)
        .where(consent_events.c.subject_id == subject_id)
        .order_by(consent_events.c.id)
    )
    with hogo.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def standing(page: httpx2.Response, purpose: str) -> str:
    found = re.search(rf'id="purpose-{purpose}" data-standing="(\w+)"', page.text)
    assert found is not None, f"{purpose} is not on the page"
    return found.group(1)


def card(page: httpx2.Response, purpose: str) -> str:
    """The part of the page about one purpose."""
    start = page.text.index(f'id="purpose-{purpose}"')
    return page.text[start : page.text.index("</article>", start)]


def post(
    client: TestClient, token: str, purpose: str, action: str, lang: str = "ja"
) -> httpx2.Response:
    form = {"member": token, "purpose": purpose, "action": action}
    return client.post(PATH, params={"lang": lang}, data=form)


def reasons(hogo: Hogo, subject_id: int, purpose: str) -> set[str]:
    categories = hogo.policy.purposes[purpose].categories[:2]
    decision = hogo.access.decide(MARKETING, subject_id, categories, purpose)
    return {str(reason) for reason in decision.denied.values()}


def test_R02_the_page_lists_the_groups_purposes_and_where_each_stands(
    member_client: TestClient, hogo: Hogo
) -> None:
    subject_id, token = customer(hogo)
    hogo.subjects.record_consent(OFFICE, subject_id, purpose=CONSENTED, action="grant")
    hogo.subjects.record_consent(OFFICE, subject_id, purpose=MARKETING_MAIL, action="opt_out")

    page = member_client.get(PATH, params={"member": token})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    declared = [p for p, purpose in hogo.policy.purposes.items() if "customers" in purpose.groups]
    assert re.findall(r'id="purpose-(\w+)"', page.text) == sorted(
        declared,
        key=lambda p: ("required", "opt_out", "not_required").index(
            hogo.policy.purposes[p].consent
        ),
    )
    assert OTHER_GROUPS not in page.text
    assert standing(page, CONSENTED) == "granted"
    assert "同意を撤回する" in card(page, CONSENTED)
    assert standing(page, MARKETING_MAIL) == "opted_out"
    assert "利用を再開する" in card(page, MARKETING_MAIL)
    assert standing(page, "support_information_ads") == "in_use"
    assert "利用を停止する" in card(page, "support_information_ads")
    assert standing(page, "retargeting_advertising") == "not_granted"
    assert "同意する" in card(page, "retargeting_advertising")
    assert "同意いただく内容の版：2022-04-01" in card(page, "retargeting_advertising")
    contract = card(page, CONTRACT)
    assert standing(page, CONTRACT) == "not_required"
    assert "<form" not in contract
    assert "(b) 契約の履行" in contract
    assert hogo.policy.purposes[CONTRACT].title.ja in contract
    assert f"版 {hogo.policy.version}" in page.text
    assert 'href="/privacy-center/policy?lang=ja"' in page.text
    assert 'href="/privacy-center/policy/versions?lang=ja"' in page.text
    assert "<script" not in page.text
    assert re.search(r"\sstyle=", page.text) is None

    english = member_client.get(PATH, params={"member": token, "lang": "en"})
    assert 'lang="en"' in english.text
    assert "Withdraw consent" in card(english, CONSENTED)
    assert "(b) performance of a contract" in card(english, CONTRACT)
    switch = re.search(r'href="([^"]+)" hreflang="ja"', english.text)
    assert switch is not None
    assert parse_qs(urlsplit(switch.group(1).replace("&amp;", "&")).query)["member"] == [token]


def test_G02_one_click_withdraws_with_evidence_and_the_guard_then_denies(
    member_client: TestClient, hogo: Hogo
) -> None:
    """G-02: withdrawing then deciding → denied; the event is demonstrable (R-09)."""
    subject_id, token = customer(hogo)
    hogo.subjects.record_consent(OFFICE, subject_id, purpose=CONSENTED, action="grant")
    assert reasons(hogo, subject_id, CONSENTED) == set()

    answer = post(member_client, token, CONSENTED, "withdraw")
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert parse_qs(urlsplit(location).query) == {
        "lang": ["ja"],
        "member": [token],
        "done": [CONSENTED],
    }
    withdrawal = events(hogo, subject_id)[-1]
    assert withdrawal["action"] == "withdraw"
    assert withdrawal["method"] == "privacy_center"
    assert withdrawal["policy_version"] == hogo.policy.version
    assert withdrawal["evidence"] == {
        "ip": "203.0.113.0/24",
        "page": "http://testserver/privacy-center/choices",
        "form": "privacy_center:choices",
        "user_agent": BROWSER,
    }
    assert reasons(hogo, subject_id, CONSENTED) == {"no_consent"}
    with hogo.engine.connect() as connection:
        actor = connection.execute(
            select(audit_log.c.actor)
            .where(audit_log.c.action == "consent")
            .order_by(audit_log.c.seq.desc())
        ).first()
    assert actor is not None
    assert actor.actor == f"subject:{subject_id}"

    page = member_client.get(location)
    assert page.status_code == 200
    assert "への同意を撤回しました" in page.text
    assert hogo.policy.purposes[CONSENTED].title.ja in page.text
    assert standing(page, CONSENTED) == "withdrawn"
    assert "同意する" in card(page, CONSENTED)

    again = post(member_client, token, CONSENTED, "grant")
    assert again.status_code == 303
    assert (
        events(hogo, subject_id)[-1]["version"] == hogo.policy.purposes[CONSENTED].consent_version
    )
    assert reasons(hogo, subject_id, CONSENTED) == set()


def test_G10_stopping_direct_marketing_then_the_guard_answers_opted_out(
    member_client: TestClient, hogo: Hogo
) -> None:
    subject_id, token = customer(hogo)
    assert hogo.policy.purposes[MARKETING_MAIL].consent == "opt_out"
    assert reasons(hogo, subject_id, MARKETING_MAIL) == set()

    assert post(member_client, token, MARKETING_MAIL, "opt_out", "en").status_code == 303
    assert events(hogo, subject_id)[-1]["action"] == "opt_out"
    assert reasons(hogo, subject_id, MARKETING_MAIL) == {"opted_out"}
    page = member_client.get(PATH, params={"member": token, "lang": "en", "done": MARKETING_MAIL})
    assert "We have stopped using your data for" in page.text
    assert standing(page, MARKETING_MAIL) == "opted_out"
    assert "Allow again" in card(page, MARKETING_MAIL)

    assert post(member_client, token, MARKETING_MAIL, "opt_in", "en").status_code == 303
    assert reasons(hogo, subject_id, MARKETING_MAIL) == set()


def expired_token(settings: Settings, subject_id: int) -> str:
    keyring = KeyRing(load_master_key(settings.master_key, settings.key_file))
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    return MemberTokens(keyring.member_key).issue(subject_id, dt.timedelta(hours=1), earlier)


def test_G02_a_forged_or_expired_token_shows_nothing_and_records_nothing(
    member_client: TestClient, hogo: Hogo, settings: Settings
) -> None:
    subject_id, token = customer(hogo)
    hogo.subjects.record_consent(OFFICE, subject_id, purpose=CONSENTED, action="grant")
    other_id, _ = customer(hogo)
    forged = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        f"{other_id}" + token[token.index(".") :],  # another member's id under this signature
        expired_token(settings, subject_id),
        "",
        "not-a-token",
    ]
    for bad in forged:
        page = member_client.get(PATH, params={"member": bad})
        assert page.status_code == 403, bad
        assert "リンクが無効です" in page.text
        assert 'id="purpose-' not in page.text
        assert hogo.policy.purposes[CONSENTED].title.ja not in page.text
        refused = post(member_client, bad, CONSENTED, "withdraw")
        assert refused.status_code == 403
        assert 'id="purpose-' not in refused.text
    english = member_client.get(PATH, params={"member": forged[0], "lang": "en"})
    assert "This link is wrong or has expired" in english.text
    assert len(events(hogo, subject_id)) == 1
    assert events(hogo, other_id) == []
    assert reasons(hogo, subject_id, CONSENTED) == set()


@pytest.mark.parametrize(
    ("purpose", "action", "message"),
    [
        (OTHER_GROUPS, "opt_out", "あなたの個人データには当てはまりません"),
        ("no_such_purpose", "withdraw", "あなたの個人データには当てはまりません"),
        (CONTRACT, "withdraw", "その操作はできません"),
        (MARKETING_MAIL, "grant", "その操作はできません"),
        (CONSENTED, "opt_out", "その操作はできません"),
        (CONSENTED, "erase", "その操作はできません"),
    ],
)
def test_R02_a_purpose_or_action_not_offered_is_refused_with_nothing_recorded(
    member_client: TestClient, hogo: Hogo, purpose: str, action: str, message: str
) -> None:
    subject_id, token = customer(hogo)
    refused = post(member_client, token, purpose, action)
    assert refused.status_code == 422
    assert message in refused.text
    assert "何も記録していません" in refused.text
    assert standing(refused, CONSENTED) == "not_granted"  # the page itself, shown again
    assert events(hogo, subject_id) == []


def test_R10_a_minors_own_grant_is_refused_with_the_guardian_message(
    member_client: TestClient, hogo: Hogo
) -> None:
    today = dt.datetime.now(dt.UTC).date()
    child, token = customer(hogo, birth_date=today.replace(year=today.year - 13, day=1))
    page = member_client.get(PATH, params={"member": token})
    assert 'id="minor"' in page.text
    assert standing(page, CONSENTED) == "not_granted"
    assert "<form" not in card(page, CONSENTED)
    assert "保護者の方（親権者などの法定代理人）" in card(page, CONSENTED)
    assert "<form" in card(page, MARKETING_MAIL)  # a minor may stop a use themselves

    refused = post(member_client, token, CONSENTED, "grant")
    assert refused.status_code == 422
    assert "未成年の方の同意は、保護者の方" in refused.text
    assert events(hogo, child) == []
    assert reasons(hogo, child, CONSENTED) == {"guardian_consent_required"}

    hogo.subjects.record_consent(
        OFFICE,
        child,
        purpose=CONSENTED,
        action="grant",
        by_guardian=True,
        guardian_name="山田 花子",
        guardian_relationship="parent",
        guardian_verification="id_document",
    )
    page = member_client.get(PATH, params={"member": token})
    assert standing(page, CONSENTED) == "granted_by_guardian"
    assert post(member_client, token, CONSENTED, "withdraw").status_code == 303
    assert reasons(hogo, child, CONSENTED) == {"guardian_consent_required"}


def test_R64_a_grant_for_an_earlier_consent_text_is_asked_again(
    member_client: TestClient, hogo: Hogo
) -> None:
    subject_id, token = customer(hogo)
    hogo.subjects.record_consent(
        OFFICE, subject_id, purpose=CONSENTED, action="grant", version="2019-10-01"
    )
    page = member_client.get(PATH, params={"member": token})
    assert standing(page, CONSENTED) == "asked_again"
    current = hogo.policy.purposes[CONSENTED].consent_version
    assert f"以前に同意いただいた内容の版：2019-10-01。現在の版：{current}" in card(page, CONSENTED)
    assert "同意する" in card(page, CONSENTED)
    assert reasons(hogo, subject_id, CONSENTED) == {"no_consent"}

    assert post(member_client, token, CONSENTED, "grant").status_code == 303
    assert standing(member_client.get(PATH, params={"member": token}), CONSENTED) == "granted"


def test_G10_a_purpose_stopped_by_a_request_says_so_and_has_no_button(
    member_client: TestClient, hogo: Hogo
) -> None:
    subject_id, token = customer(hogo)
    with hogo.engine.begin() as connection:
        connection.execute(
            insert(restrictions).values(
                subject_id=subject_id,
                purpose=MARKETING_MAIL,
                kind="objection",
                since=dt.datetime.now(dt.UTC),
            )
        )
    page = member_client.get(PATH, params={"member": token})
    assert standing(page, MARKETING_MAIL) == "restricted"
    assert "ご請求（利用停止・処理の制限）により" in card(page, MARKETING_MAIL)
    assert "<form" not in card(page, MARKETING_MAIL)
    assert standing(page, CONSENTED) == "not_granted"

    hogo.subjects.set_status(OFFICE, subject_id, "suspended")
    page = member_client.get(PATH, params={"member": token})
    assert 'id="suspended"' in page.text
    assert set(re.findall(r'data-standing="(\w+)"', page.text)) == {"restricted"}


def test_an_erased_person_gets_a_clear_page_and_nothing_else(
    member_client: TestClient, hogo: Hogo
) -> None:
    subject_id, token = customer(hogo)
    hogo.subjects.set_status(OFFICE, subject_id, "erased")
    page = member_client.get(PATH, params={"member": token})
    assert page.status_code == 410
    assert "個人データは消去されています" in page.text
    assert 'id="purpose-' not in page.text
    refused = post(member_client, token, MARKETING_MAIL, "opt_out")
    assert refused.status_code == 410
    with hogo.engine.connect() as connection:
        count = connection.execute(
            select(func.count())
            .select_from(consent_events)
            .where(consent_events.c.subject_id == subject_id)
        ).scalar_one()
    assert count == 0


AD_PARTNER = """\
  ad_partner:
    title: {ja: 広告提携先, en: Advertising partner}
    kind: third_party
    basis: consent
    groups: [customers]
    purposes: [preference_advertising]
    categories: [birth_date, gender]
"""


def test_R64_a_published_consent_change_asks_again_on_the_page(
    member_client: TestClient, hogo: Hogo
) -> None:
    """R-64: a new third-party provision for the purpose reopens it; the earlier grant (same
    consent text) no longer counts, the page says why and when, and one click consents again."""
    subject_id, token = customer(hogo)
    version = hogo.policy.purposes[CONSENTED].consent_version
    with hogo.engine.begin() as connection:
        connection.execute(
            insert(consent_events).values(
                subject_id=subject_id,
                purpose=CONSENTED,
                action="grant",
                version=version,
                by_guardian=False,
                method="web",
                recorded_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
            )
        )
    text = POLICY.read_text(encoding="utf-8")
    hogo.policy_versions.publish_text(OFFICE, text, "v1", hogo.policy.effective_from)
    newer = text.replace('version: "2022-04-01"', 'version: "2099-01-01"', 1)
    newer = newer.replace("\nrecipients:\n", "\nrecipients:\n" + AD_PARTNER, 1)
    today = arrival_date(dt.datetime.now(dt.UTC), "appi")
    assert hogo.policy_versions.publish_text(OFFICE, newer, "v2", today).changes.requires_consent

    page = member_client.get(PATH, params={"member": token})
    assert "版 2099-01-01" in page.text
    assert standing(page, CONSENTED) == "asked_again"
    assert f"{today.isoformat()} 00:00（日本時間）から施行" in card(page, CONSENTED)
    assert f"同意いただく内容の版：{version}" in card(page, CONSENTED)
    assert standing(page, MARKETING_MAIL) == "in_use"

    assert post(member_client, token, CONSENTED, "grant").status_code == 303
    assert events(hogo, subject_id)[-1]["policy_version"] == "2099-01-01"
    assert standing(member_client.get(PATH, params={"member": token}), CONSENTED) == "granted"
