"""The privacy center in Chromium: a person files a request, enters the mailed code and sees
the status page (R-44, R-39, R-42, R-46; G-05); a signed-in member withdraws a consent with one
click on the choices page (G-02).

In Japanese, a disclosure reached from the data map's header link; in English, an erasure
with its A35 ground. The code is read from the server's mail sender (kept in memory by
``server_hogo``). The form's parts for a ground and a method follow the chosen request with
CSS alone: the pages have no scripts.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.provision.recipients import FactsInput
from hogo.vault.items import NewItem

pytestmark = pytest.mark.browser

OFFICE = Actor(id="test:office", role="privacy_office")
CODE = re.compile(r"(?:確認コード|Code): (\d{6})")
MAIL_SECONDS = 10.0


def new_customer(hogo: Hogo) -> str:
    """A customer of the server's hogo, with an address of their own."""
    email = f"pc-{uuid.uuid4().hex[:8]}@example.jp"
    subject = hogo.subjects.create(OFFICE, group="customers", ref=f"pc-{uuid.uuid4().hex[:8]}")
    stored = [
        NewItem("name", "山田 太郎", ["membership_service"]),
        NewItem("email", email, ["membership_service"]),
    ]
    hogo.subjects.store(OFFICE, subject, stored)
    return email


def code_for(hogo: Hogo, email: str) -> str:
    """The code mailed to ``email``; the mail goes out just after the answer, so wait for it."""
    mailer = hogo.mailer
    assert isinstance(mailer, MemorySender)
    deadline = time.monotonic() + MAIL_SECONDS
    while time.monotonic() < deadline:
        for mail in reversed(mailer.sent):
            found = CODE.search(mail.text)
            if mail.to == email and found:
                return found.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no code was mailed to {email}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page of a fresh context that fails the test on any script or console error."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    opened.on("console", record)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def test_R44_R39_R46_a_disclosure_in_japanese(page: Page, base_url: str, server_hogo: Hogo) -> None:
    email = new_customer(server_hogo)
    page.goto(f"{base_url}/?lang=ja")
    page.get_by_role("link", name="プライバシーセンター").click()
    page.wait_for_url("**/privacy-center?lang=ja")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "プライバシーセンター"
    assert page.locator("#no-fee").inner_text() == "手数料はかかりません。"

    assert not page.locator("#methods").is_visible()
    page.locator("#kind-disclosure").check()
    assert page.locator("#methods").is_visible()
    assert not page.locator("#ground-part").is_visible()
    page.get_by_label("電磁的記録").check()
    page.get_by_label("当社に登録されているメールアドレス").fill(email)
    page.get_by_role("button", name="確認コードを送る").click()
    page.wait_for_url("**/privacy-center/verify/**")
    assert page.locator("h1").inner_text() == "確認コードの入力"
    assert "（日本時間）" in page.locator("#until").inner_text()

    page.get_by_label("確認コード（6 桁の数字）").fill(code_for(server_hogo, email))
    page.get_by_role("button", name="確認する").click()
    assert page.locator("h1").inner_text() == "請求を受け付けました"
    confirmation = page.locator("#confirmed").inner_text()
    assert confirmation == "ご本人であることを確認しました。受け付けた請求：1 件"
    assert "今回だけです" in page.locator("#keep").inner_text()
    page.get_by_role("link", name="請求の状況を見る").click()
    page.wait_for_url("**/privacy-center/status?lang=ja&token=*")
    assert page.locator("h1").inner_text() == "請求の状況"
    (row,) = page.locator("#requests tbody tr").all()
    assert row.locator(".kind").inner_text() == "開示（GDPR: アクセス権）"
    assert row.locator(".status").inner_text() == "本人確認済み"
    received = row.locator(".received").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", received)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.locator(".may-sue").inner_text())

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/privacy-center/status?lang=en&token=*")
    assert page.locator("#requests .status").inner_text() == "Identity confirmed"


def test_R44_R42_an_erasure_with_its_ground_in_english(
    page: Page, base_url: str, server_hogo: Hogo
) -> None:
    email = new_customer(server_hogo)
    page.goto(f"{base_url}/privacy-center")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/privacy-center?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Privacy center"

    page.locator("#kind-erasure").check()
    assert page.locator("#ground-part").is_visible()
    page.get_by_label("GDPR (if you live in the EU)").check()
    assert not page.locator("#ground-part").is_visible()  # no A35 ground under the GDPR
    page.get_by_label("APPI (Japan)").check()
    page.get_by_label("Why you ask").select_option(label="You no longer need my data (A35(5))")
    page.get_by_label("Which data, and anything else we should know").fill("My membership")
    page.get_by_label("The e-mail address we hold for you").fill(email)
    page.get_by_role("button", name="Send me the code").click()
    page.wait_for_url("**/privacy-center/verify/**?lang=en*")
    assert page.locator("h1").inner_text() == "Enter your code"
    assert "UTC" in page.locator("#until").inner_text()

    page.get_by_label("Code (6 digits)").fill(code_for(server_hogo, email))
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("h1").inner_text() == "Your request is confirmed"
    link = page.locator("#status-url").input_value()
    assert "/privacy-center/status?lang=en&token=" in link
    page.get_by_role("link", name="See your requests").click()
    page.wait_for_url("**/privacy-center/status?lang=en&token=*")
    (row,) = page.locator("#requests tbody tr").all()
    assert row.locator(".kind").inner_text() == "Erasure (GDPR: right to erasure)"
    assert row.locator(".status").inner_text() == "Identity confirmed"
    assert row.locator(".regime").inner_text() == "APPI"


def test_G02_a_member_withdraws_a_consent_with_one_click_in_japanese(
    page: Page, base_url: str, server_hogo: Hogo
) -> None:
    purpose = "preference_advertising"
    subject = server_hogo.subjects.create(OFFICE, group="customers", ref=f"pc-{uuid.uuid4().hex}")
    server_hogo.subjects.record_consent(OFFICE, subject, purpose=purpose, action="grant")
    token = server_hogo.cookie_consent.issue_member_token(subject, dt.timedelta(minutes=30))
    page.goto(f"{base_url}/privacy-center/choices?lang=ja&member={token}")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "同意と選択の確認・変更"
    card = page.locator(f"#purpose-{purpose}")
    assert card.locator(".state").inner_text().startswith("同意しています。")

    card.get_by_role("button", name="同意を撤回する").click()
    page.wait_for_url(f"**/privacy-center/choices?lang=ja&member=*&done={purpose}")
    assert "への同意を撤回しました" in page.locator("#done").inner_text()
    card = page.locator(f"#purpose-{purpose}")
    assert card.get_attribute("data-standing") == "withdrawn"
    assert card.locator(".state").inner_text().startswith("同意を撤回しています。")
    assert card.get_by_role("button", name="同意する").is_visible()
    decision = server_hogo.access.decide(
        Actor(id="test:marketing", role="marketing"), subject, ["member_id"], purpose
    )
    assert decision.denied == {"member_id": "no_consent"}


def test_R22_R33_the_recipients_page_in_japanese(
    page: Page, base_url: str, server_hogo: Hogo
) -> None:
    """Reached from the privacy center: the types of recipients per group, and a recipient in
    the United States with its country, the regime statement, the basis and its measures."""
    measures = "保存データの暗号化、アクセス記録の定期的な確認"
    facts = FactsInput(
        legal_name="Example Points Inc.",
        address="1 Example Way",
        representative="Alex Example",
        country="US",
        foreign_basis="consent",
        measures=measures,
    )
    server_hogo.recipients.record(OFFICE, "rewards_points", facts)
    page.goto(f"{base_url}/privacy-center?lang=ja")
    page.get_by_role("link", name="個人データの提供先と外国における取扱い").click()
    page.wait_for_url("**/privacy-center/recipients?lang=ja")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "個人データの提供先と外国における取扱い"
    assert page.locator("#group-customers h2").inner_text() == "お客様"
    assert "ポイントサービス事業者" in page.locator("#group-customers-processor").inner_text()
    us = page.locator("#group-customers-country-US")
    assert us.is_visible()
    assert us.locator(".country-name").inner_text() == "アメリカ合衆国"
    assert "確認を進めているところ" in us.locator(".regime").inner_text()
    assert "ご本人の同意を得て提供します" in us.locator(".basis").inner_text()
    assert us.locator(".measures").inner_text() == measures
    assert "アメリカ合衆国" in page.locator("#summary").inner_text()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/privacy-center/recipients?lang=en")
    assert page.locator("#group-customers-country-US .country-name").inner_text() == "United States"
