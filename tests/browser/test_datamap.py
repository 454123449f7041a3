"""The data map page (``/``) in Chromium: content in both languages, fonts, no outside calls."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Request

from hogo.policy.model import Policy

pytestmark = pytest.mark.browser

TITLE_JA = "個人データの取扱い一覧"
CONSENT_PURPOSE = "preference_advertising"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

MARKS_UNDER = """
([group, purpose]) => {
  const table = document.querySelector(`#group-${group} table`);
  const column = [...table.tHead.rows[0].cells].findIndex(cell => cell.title === purpose);
  return Object.fromEntries([...table.tBodies[0].rows].map(
    row => [row.id, row.cells[column].textContent.trim()]));
}
"""
OUTSIDE_LINKS = """
(origin) => [...document.querySelectorAll("[src], [href]")]
  .map(element => element.src || element.href)
  .filter(url => !url.startsWith(origin + "/") && !url.startsWith("data:"))
"""


@dataclass
class Visit:
    """A page of a fresh browser context, with what it asked for and what went wrong."""

    page: Page
    base_url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"

    def record_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def record_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.errors.append(f"console {message.type}: {message.text} ({where})")

    def record_page_error(self, error: Error) -> None:
        self.errors.append(f"page error: {error}")


@contextmanager
def visiting(browser: Browser, base_url: str) -> Iterator[Visit]:
    """A page in a new browser context, its requests and errors recorded from the start."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    visit = Visit(page, base_url)
    page.on("request", visit.record_request)
    page.on("console", visit.record_console)
    page.on("pageerror", visit.record_page_error)
    try:
        yield visit
    finally:
        context.close()


@pytest.fixture
def visit(browser: Browser, base_url: str) -> Iterator[Visit]:
    with visiting(browser, base_url) as opened:
        yield opened


def platform_fonts(page: Page, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium actually drew the element's text with, and how many glyphs each."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict[str, Any]] = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})[
        "fonts"
    ]
    session.detach()
    return fonts


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_japanese_page_shows_every_group_and_customer_category(
    visit: Visit, policy: Policy
) -> None:
    page = visit.page
    visit.open("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == TITLE_JA
    assert page.title().startswith(TITLE_JA)
    for group_id, group in policy.subject_groups.items():
        assert page.locator(f"#group-{group_id} h2").inner_text() == group.title.ja
    rows = page.locator("#group-customers tr:has(> th.category[scope=row])")
    assert rows.count() == len(policy.subject_groups["customers"].collects)
    for category in policy.subject_groups["customers"].collects:
        heading = page.locator(f"#customers-{category} th.category").inner_text()
        assert heading.startswith(policy.categories[category].title.ja)
    assert "保存しない" in page.locator("#customers-card_security_code th").inner_text()


def test_consent_purpose_is_marked_and_its_categories_ticked(visit: Visit, policy: Policy) -> None:
    page = visit.page
    visit.open("/")
    header = page.locator(f'#group-customers thead th[title="{CONSENT_PURPOSE}"]')
    assert "consent-required" in (header.get_attribute("class") or "").split()
    purpose = policy.purposes[CONSENT_PURPOSE]
    text = header.inner_text().replace("\n", "")
    assert text.startswith(purpose.title.ja)
    assert text.endswith("(同意が必要)")
    marks = page.evaluate(MARKS_UNDER, ["customers", CONSENT_PURPOSE])
    expected = {
        f"customers-{category}": "●" if category in purpose.categories else ""
        for category in policy.subject_groups["customers"].collects
    }
    assert marks == expected


def test_language_link_switches_to_english_and_back(visit: Visit, policy: Policy) -> None:
    page = visit.page
    visit.open("/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Data map"
    assert page.get_by_role("link", name="English").get_attribute("aria-current") == "true"
    for group_id, group in policy.subject_groups.items():
        assert page.locator(f"#group-{group_id} h2").inner_text() == group.title.en
    email = page.locator("#customers-email th.category").inner_text()
    assert email.startswith(policy.categories["email"].title.en)
    header = page.locator(f'#group-customers thead th[title="{CONSENT_PURPOSE}"]')
    assert header.inner_text().replace("\n", "").endswith("(consent required)")
    page.get_by_role("link", name="日本語").click()
    page.wait_for_url("**/?lang=ja")
    assert page.locator("h1").inner_text() == TITLE_JA


def test_japanese_text_is_drawn_with_a_cjk_font(visit: Visit, policy: Policy) -> None:
    """Real glyphs, not empty boxes: Chromium reports which installed font drew each glyph."""
    page = visit.page
    visit.open("/")
    customers = policy.subject_groups["customers"].title.ja
    for selector, text in (("h1", TITLE_JA), ("#group-customers h2", customers)):
        fonts = platform_fonts(page, selector)
        assert [font["familyName"] for font in fonts] == ["Noto Sans CJK JP"], fonts
        assert sum(font["glyphCount"] for font in fonts) == len(text)
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Noto Sans CJK JP"')


def test_screenshot_is_a_full_page_png(visit: Visit, tmp_path: Path) -> None:
    visit.open("/")
    shot = tmp_path / "datamap-ja.png"
    visit.page.screenshot(path=shot, full_page=True)
    data = shot.read_bytes()
    width, height = png_size(data)
    assert width == 1280
    assert height > 900 * 3  # every group's table, well below the fold
    assert len(data) > 100_000


def test_pages_log_no_errors_and_load_nothing_from_outside(
    fresh_browser: Browser, base_url: str
) -> None:
    """Everything the browser fetches, the site icon included, comes from the server."""
    with visiting(fresh_browser, base_url) as visit:
        for path in ("/", "/?lang=en"):
            visit.open(path)
            visit.page.wait_for_load_state("networkidle")
            assert visit.page.evaluate(OUTSIDE_LINKS, base_url) == [], path
        assert visit.errors == []
        assert visit.requests
        assert [url for url in visit.requests if not url.startswith(base_url + "/")] == []
