"""After `hogo policy publish` of a version that adds a purpose needing consent, the banner of a
visitor who already chose shows again, on a server that was never restarted (R-64, G-02)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from typer.testing import CliRunner

from hogo.cli.app import app
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.rights.deadlines import arrival_date
from hogo.settings import Settings
from hogo.store.tables import cookie_consents

from .conftest import POLICY, serving

pytestmark = pytest.mark.browser

SURVEY_PURPOSE = """\
  location_survey:
    title: {ja: 来店状況の調査, en: Store visit survey}
    description:
      ja: ウェブサイトの閲覧履歴と来店履歴を結び付けて調査するため
      en: To study store visits together with the pages a person viewed
    section: "2.customers.(10)"
    groups: [customers]
    categories: [member_id, cookie_activity]
    legal_basis: {appi: "A17(1), A21(1); consent (A18(1))", gdpr: consent}
    consent: required
    consent_version: "2030-03-01"

"""
SURVEY_RULE = """\
  location_survey:
    categories: [member_id, cookie_activity]
    purposes: [location_survey]
    clock: collected_at
    duration: P6M
    why: The survey runs for six months.
"""


@pytest.fixture
def republished(tmp_path: Path) -> Iterator[tuple[Hogo, str]]:
    """A server of its own, over a database where the example policy is published."""
    master = base64.b64encode(os.urandom(32)).decode()
    settings = Settings(
        master_key=master,
        key_file=tmp_path / "unused.key",
        mail_url="memory://",
        policy_check_seconds=0,
    )
    database_url = f"sqlite:///{tmp_path / 'hogo.db'}"
    hogo = open_hogo(database_url, POLICY, settings=settings)
    office = Actor("cli:office", "privacy_office")
    hogo.policy_versions.publish(office, POLICY, dt.date(2022, 4, 1))
    with serving(hogo) as url:
        yield hogo, url
    hogo.close()


def newer_policy(folder: Path) -> Path:
    text = POLICY.read_text(encoding="utf-8")
    text = text.replace('version: "2022-04-01"', 'version: "2030-03-01"', 1)
    text = text.replace("\npurposes:\n", "\npurposes:\n" + SURVEY_PURPOSE, 1)
    text = text.replace("\nretention:\n", "\nretention:\n" + SURVEY_RULE, 1)
    path = folder / "policy-2030-03-01.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def policy_versions_recorded(hogo: Hogo, count: int) -> list[str]:
    """The policy versions of the ledger's rows, once ``count`` have arrived (posts are async)."""
    query = select(cookie_consents.c.policy_version).order_by(cookie_consents.c.id)
    deadline = time.monotonic() + 10
    while True:
        with hogo.engine.connect() as connection:
            found = list(connection.execute(query).scalars())
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_R64_G02_the_banner_asks_again_after_a_consent_change_is_published(
    browser: Browser, republished: tuple[Hogo, str], tmp_path: Path
) -> None:
    hogo, url = republished
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{url}/demo/shop?lang=en")
        page.get_by_role("button", name="Accept all").click()
        expect(page.get_by_role("button", name="Cookie settings")).to_be_visible()
        page.reload()
        expect(page.get_by_role("button", name="Cookie settings")).to_be_visible()
        expect(page.get_by_role("button", name="Accept all")).to_have_count(0)

        today = arrival_date(dt.datetime.now(dt.UTC), "appi").isoformat()
        published = CliRunner().invoke(
            app,
            ["policy", "publish", str(newer_policy(tmp_path)), "--effective", today],
            env={"HOGO_DATABASE_URL": str(hogo.engine.url), "COLUMNS": "200"},
        )
        assert published.exit_code == 0, published.output
        assert "consent" in published.output

        page.reload()
        expect(page.get_by_role("button", name="Accept all")).to_be_visible()
        page.get_by_role("button", name="Preferences").click()
        expect(page.get_by_role("dialog").get_by_text("2030-03-01")).to_be_visible()
        page.get_by_role("dialog").get_by_role("button", name="Save choices").click()
        expect(page.get_by_role("button", name="Cookie settings")).to_be_visible()
    finally:
        context.close()
    assert policy_versions_recorded(hogo, 2) == ["2022-04-01", "2030-03-01"]
