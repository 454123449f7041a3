"""The privacy office's console in Chromium: sign in, open a request, verify and fulfil it.

Runs in Japanese and in English, against the server of ``base_url`` whose hogo
(``server_hogo``) sets up the key and the request (R-16, R-38, R-44).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from hogo.auth.keys import create_key
from hogo.runtime import Hogo
from hogo.services.actor import Actor

pytestmark = pytest.mark.browser

OFFICE = Actor(id="test:office", role="privacy_office")


@dataclass(frozen=True)
class Words:
    console_link: str
    sign_in: str
    verify: str
    fulfil: str
    verified: str
    fulfilled: str
    kind: str
    answer: str
    bad_key: str


WORDS = {
    "ja": Words(
        console_link="管理画面（事務局）",
        sign_in="サインイン",
        verify="本人確認済みにする",
        fulfil="請求に応じる",
        verified="本人確認済み",
        fulfilled="対応済み",
        kind="開示",
        answer="回答ファイルをダウンロード",
        bad_key="API キーが正しくないか、失効しています。",
    ),
    "en": Words(
        console_link="Office console",
        sign_in="Sign in",
        verify="Mark identity verified",
        fulfil="Fulfil",
        verified="Verified",
        fulfilled="Fulfilled",
        kind="Disclosure",
        answer="Download the answer",
        bad_key="The API key is wrong or revoked.",
    ),
}


@pytest.fixture(scope="module")
def office_key(server_hogo: Hogo) -> str:
    with server_hogo.engine.begin() as connection:
        return create_key(
            connection,
            "privacy_office",
            roles_known=list(server_hogo.policy.roles),
            now=dt.datetime.now(dt.UTC),
        )


def new_request(hogo: Hogo) -> int:
    subject = hogo.subjects.create(OFFICE, group="customers", ref=f"b-{uuid.uuid4().hex[:8]}")
    return hogo.requests.submit(OFFICE, subject, "disclosure", "appi")


@pytest.fixture
def errors() -> list[str]:
    """The console and script errors of the test's page; a test takes out those it expects."""
    return []


@pytest.fixture
def page(browser: Browser, errors: list[str]) -> Iterator[Page]:
    """A page of a fresh context that fails the test on any script or console error."""
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    opened = context.new_page()

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    opened.on("console", record)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def sign_in(page: Page, base_url: str, key: str, lang: str) -> None:
    """From the data map's header link, through the sign-in form, to the queue."""
    words = WORDS[lang]
    page.goto(f"{base_url}/?lang={lang}")
    page.get_by_role("link", name=words.console_link).click()
    page.wait_for_url(f"**/console/login?lang={lang}&next=%2Fconsole%2Frequests")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == words.sign_in
    page.get_by_label("API").fill(key)
    page.get_by_role("button", name=words.sign_in).click()
    page.wait_for_url(f"**/console/requests?lang={lang}")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_R38_R44_sign_in_verify_and_fulfil_a_request(
    page: Page, base_url: str, server_hogo: Hogo, office_key: str, lang: str
) -> None:
    words = WORDS[lang]
    request_id = new_request(server_hogo)
    sign_in(page, base_url, office_key, lang)
    row = page.locator(f"#request-{request_id}")
    assert words.kind in row.inner_text()
    row.get_by_role("link", name=str(request_id)).click()
    page.wait_for_url(f"**/console/requests/{request_id}?lang={lang}")
    assert page.locator("h1").inner_text().endswith(words.kind)

    page.locator("#verify-form").get_by_role("button", name=words.verify).click()
    page.wait_for_url(f"**/console/requests/{request_id}?lang={lang}&done=verify")
    assert page.locator("#status").inner_text() == words.verified
    assert page.get_by_role("status").is_visible()

    page.locator("#fulfil-form").get_by_role("button", name=words.fulfil).click()
    page.wait_for_url(f"**/console/requests/{request_id}?lang={lang}&done=fulfil")
    assert page.locator("#status").inner_text() == words.fulfilled
    assert server_hogo.requests.get(request_id).status == "fulfilled"
    link = page.get_by_role("link", name=words.answer)
    assert link.is_visible()
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == f"request-{request_id}.zip"
    saved = download.path()
    assert zipfile.is_zipfile(saved)


def test_R16_a_wrong_key_keeps_the_sign_in_page_with_a_message(
    page: Page, base_url: str, office_key: str, errors: list[str]
) -> None:
    page.goto(f"{base_url}/console/login?lang=en")
    wrong = office_key[:-4] + ("AAAA" if not office_key.endswith("AAAA") else "BBBB")
    page.get_by_label("API key").fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == WORDS["en"].bad_key
    unauthorized = "the server responded with a status of 401 (Unauthorized)"
    assert [error for error in errors if unauthorized in error] == errors != []
    errors.clear()  # the 401 of the failed sign-in is the one error expected
    assert page.get_by_label("API key").input_value() == ""
    assert wrong not in page.content()
    page.get_by_role("link", name="日本語").click()
    page.wait_for_url("**/console/login?lang=ja")
    assert page.locator("html").get_attribute("lang") == "ja"
