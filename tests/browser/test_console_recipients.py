"""The console's recipients register in Chromium, in Japanese (R-21).

Signs in through the form, follows the navigation to the register and finds a processor whose
supervision check is overdue marked not ready, with the register's reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from hogo.auth.keys import create_key
from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.provision.recipients import FactsInput
from hogo.services.rights.deadlines import arrival_date

pytestmark = pytest.mark.browser

OFFICE = Actor(id="test:office", role="privacy_office")


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


def test_R21_the_register_shows_a_not_ready_recipient_and_why(
    page: Page, base_url: str, server_hogo: Hogo
) -> None:
    """R-21: a processor whose supervision check is overdue cannot receive; the page says so."""
    today = arrival_date(utc_now(), "appi")
    checked = today - dt.timedelta(days=400)
    facts = FactsInput(
        legal_name="店舗管理株式会社",
        address="東京都新宿区西新宿2-8-1",
        representative="代表取締役 高橋次郎",
        contract_ref="C-2030-044",
        security_terms="別紙 安全管理措置",
        contract_items=("a", "b", "c", "d", "e", "f", "g", "h"),
        supervised_on=checked,
    )
    server_hogo.recipients.record(OFFICE, "store_management", facts)
    with server_hogo.engine.begin() as connection:
        key = create_key(
            connection, "privacy_office", roles_known=list(server_hogo.policy.roles), now=utc_now()
        )

    page.goto(f"{base_url}/console/login?lang=ja&next=%2Fconsole%2Frecipients")
    page.get_by_label("API").fill(key)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url("**/console/recipients?lang=ja")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "提供先（委託先・第三者）"

    row = page.locator("#recipient-store_management")
    assert "店舗管理株式会社" in row.inner_text()
    assert row.locator(".flag-not-ready").inner_text() == "✗ 提供不可"
    due = checked + dt.timedelta(days=365)
    problem = row.locator("ul.problems li", has_text="supervision check")
    assert problem.inner_text() == f"the supervision check was due on {due} (APPI A25; R-21)"
    assert "期限超過" in row.locator("td.due").first.inner_text()
    assert page.get_by_role("link", name="提供記録").is_visible()
