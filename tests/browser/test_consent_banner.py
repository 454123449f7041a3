"""The consent banner in Chromium on the demo shop (G-20, R-60, R-63, G-02, G-10).

No statistics or advertising tag runs, or is even fetched, before the visitor chooses; a
choice runs exactly the tags of the uses allowed and lands in the ledger; with Global Privacy
Control on, advertising never runs. The page is served under a strict Content-Security-Policy,
so the banner also shows that it needs no inline script or style.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, expect
from sqlalchemy import select

from hogo.runtime import Hogo
from hogo.store.tables import cookie_consents

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).parents[2] / "docs" / "images" / "consent-banner-ja.png"
LEDGER_SECONDS = 10.0
GPC_ON = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"


class Visit:
    """A page of a fresh context, the tag requests it made, and any console errors."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.page = context.new_page()
        self.tags: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _request(self, request: Any) -> None:
        if "/demo/tags/" in request.url:
            self.tags.append(urllib.parse.urlsplit(request.url).path)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def ran(self, name: str) -> bool:
        return bool(self.page.evaluate(f"window.{name} === true"))

    def visitor_id(self) -> str:
        cookie = next(c for c in self.context.cookies() if c["name"] == "hogo_consent")
        saved: dict[str, Any] = json.loads(urllib.parse.unquote(cookie["value"]))
        return str(saved["v"])


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    opened = Visit(context)
    yield opened
    context.close()
    assert opened.errors == []


@pytest.fixture
def gpc_visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, extra_http_headers={"Sec-GPC": "1"}
    )
    context.add_init_script(GPC_ON)
    opened = Visit(context)
    yield opened
    context.close()
    assert opened.errors == []


def latest_row(hogo: Hogo, visitor_id: str) -> dict[str, Any]:
    """The visitor's latest ledger row; the banner posts it just after the click, so wait."""
    query = (
        select(cookie_consents)
        .where(cookie_consents.c.visitor_id == visitor_id)
        .order_by(cookie_consents.c.id.desc())
        .limit(1)
    )
    deadline = time.monotonic() + LEDGER_SECONDS
    while time.monotonic() < deadline:
        with hogo.engine.connect() as connection:
            found = connection.execute(query).first()
        if found is not None:
            return dict(found._mapping)
        time.sleep(0.05)
    raise AssertionError(f"no choice of {visitor_id} reached the ledger")


def test_G20_R60_nothing_runs_before_a_choice_then_only_statistics(
    visit: Visit, base_url: str, server_hogo: Hogo
) -> None:
    page = visit.page
    page.goto(f"{base_url}/demo/shop?lang=en")
    expect(page.get_by_role("button", name="Accept all")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not visit.ran("hogoDemoStats")
    assert not visit.ran("hogoDemoAds")
    assert visit.tags == []  # G-20: not even fetched

    page.get_by_role("button", name="Preferences").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("analytics.example.com")).to_be_visible()  # R-60, per tag
    expect(dialog.get_by_text("ads.example.net")).to_be_visible()
    expect(dialog.get_by_label("Continuing from the previous visit")).to_be_disabled()
    dialog.get_by_label("Statistics").check()
    dialog.get_by_role("button", name="Save choices").click()

    expect(page.locator("#tag-log")).to_contain_text("statistics tag ran")
    assert visit.ran("hogoDemoStats")
    assert not visit.ran("hogoDemoAds")
    assert visit.tags == ["/demo/tags/stats.js"]

    row = latest_row(server_hogo, visit.visitor_id())
    assert row["choices"] == {"continuity": True, "statistics": True, "advertising": False}
    assert row["policy_version"] == server_hogo.policy.version
    assert row["channel"] == "preferences"
    assert row["gpc"] is False

    page.reload()  # the choice holds on the next page, without asking again
    expect(page.locator("#tag-log")).to_contain_text("statistics tag ran")
    expect(page.get_by_role("button", name="Cookie settings")).to_be_visible()
    expect(page.get_by_role("button", name="Accept all")).to_have_count(0)
    assert not visit.ran("hogoDemoAds")


def test_G10_with_gpc_accept_all_never_runs_advertising(
    gpc_visit: Visit, base_url: str, server_hogo: Hogo
) -> None:
    page = gpc_visit.page
    page.goto(f"{base_url}/demo/shop?lang=en")
    page.get_by_role("button", name="Preferences").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Global Privacy Control (GPC)")).to_be_visible()
    expect(dialog.get_by_label("Advertising (including look-alike audiences)")).to_be_disabled()
    dialog.get_by_role("button", name="Accept all").click()

    expect(page.locator("#tag-log")).to_contain_text("statistics tag ran")
    assert gpc_visit.ran("hogoDemoStats")
    assert not gpc_visit.ran("hogoDemoAds")
    assert "/demo/tags/ads.js" not in gpc_visit.tags
    row = latest_row(server_hogo, gpc_visit.visitor_id())
    assert row["gpc"] is True
    assert row["choices"] == {"continuity": True, "statistics": True, "advertising": False}


def test_G20_the_banner_in_japanese(browser: Browser, base_url: str, server_hogo: Hogo) -> None:
    """A Japanese browser gets the Japanese banner (screenshot for docs/consent.md); Reject
    runs nothing and is recorded like any other choice."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    visit = Visit(context)
    page = visit.page
    try:
        page.goto(f"{base_url}/demo/shop?lang=ja")
        expect(page.get_by_text("Cookie 等の利用について")).to_be_visible()
        page.wait_for_load_state("networkidle")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="Accept all")).to_be_visible()
        page.get_by_role("button", name="日本語").click()
        page.get_by_role("button", name="拒否").click()
        expect(page.get_by_role("button", name="Cookie 設定")).to_be_visible()
        row = latest_row(server_hogo, visit.visitor_id())
        assert row["choices"] == {"continuity": True, "statistics": False, "advertising": False}
        assert visit.tags == []
    finally:
        context.close()
    assert visit.errors == []
