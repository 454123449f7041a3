"""The console's retention page, in-process, on SQLite and PostgreSQL (R-12, D18, D31).

Items are stored through the services and their ``retain_until`` set directly in the
database; the page reports at the moment it is opened.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence

from fastapi.testclient import TestClient
from sqlalchemy import update

from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.store.tables import items
from hogo.vault.items import NewItem

Headers = Callable[[str], dict[str, str]]
OFFICE = Actor(id="test:office", role="privacy_office")
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
DAY = dt.timedelta(days=1)
PATH = "/console/retention"


def csrf_of(page: str) -> str:
    match = TOKEN.search(page)
    assert match is not None, page
    return match.group(1)


def sign_in(client: TestClient, key_for: Headers, role: str = "privacy_office") -> None:
    """Sign in through the form with a fresh key of ``role``."""
    key = key_for(role)["Authorization"].removeprefix("Bearer ")
    form = client.get("/console/login?lang=ja")
    data = {"key": key, "csrf": csrf_of(form.text), "next": "/console/requests"}
    response = client.post("/console/login?lang=ja", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def row_of(page: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', page, re.S)
    assert match is not None, f"no row {row_id}"
    return text_of(match.group(1))


def customer(hogo: Hogo, ref: str, count: int) -> tuple[int, list[int]]:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    new = [NewItem("inquiry_details", f"問い合わせ{n}", ["inquiry_handling"]) for n in range(count)]
    return subject_id, hogo.subjects.store(OFFICE, subject_id, new)


def ends_at(hogo: Hogo, item_ids: Sequence[int], until: dt.datetime) -> None:
    with hogo.engine.begin() as connection:
        connection.execute(update(items).where(items.c.id.in_(item_ids)).values(retain_until=until))


def test_R12_D31_the_office_sees_upcoming_overdue_held_and_the_card_check(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-12: counts per rule for 30 and 90 days, overdue and held items; D31: overdue until a
    sweep has finished, then ok, and the sweep is listed."""
    now = utc_now()
    _, soon = customer(hogo, "c-1", 3)
    ends_at(hogo, soon[:2], now + 10 * DAY)
    ends_at(hogo, soon[2:], now + 60 * DAY)
    _, late = customer(hogo, "c-2", 1)
    ends_at(hogo, late, now - 3 * DAY)
    held, kept = customer(hogo, "c-3", 2)
    ends_at(hogo, kept, now - 5 * DAY)
    hogo.holds.place(OFFICE, "訴訟 2030-ワ-12", "legal", subject_id=held)
    sign_in(client, key_for)

    page = client.get(PATH)

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert '<th scope="col">件数</th>' in page.text
    assert row_of(page.text, "upcoming-30-inquiries") == "inquiries 消去 2 1"
    assert row_of(page.text, "upcoming-90-inquiries") == "inquiries 消去 3 1"
    assert row_of(page.text, "overdue-inquiries") == "inquiries 消去 1 1"
    assert row_of(page.text, "held-inquiries") == "inquiries 消去 2 1"
    assert 'data-status="overdue"' in page.text
    assert "消去が一度も完了していません。" in page.text
    assert 'id="sweeps-none"' in page.text

    run = hogo.sweeper.run(OFFICE, utc_now())
    after = client.get(f"{PATH}?lang=en").text

    assert 'data-status="ok"' in after
    assert 'id="overdue-none"' in after
    assert "A sweep finished within 92 days" in after
    assert row_of(after, f"sweep-{run.run_id}").endswith("test:office 1")


def test_D31_a_card_item_past_retention_is_named_on_the_page(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """D31: a card item past its retention fails the check even right after a sweep."""
    hogo.sweeper.run(OFFICE, utc_now())
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref="c-1")
    card = NewItem("card_number", "4111111111111111", ["invoicing_payment"])
    ends_at(hogo, hogo.subjects.store(OFFICE, subject_id, [card]), utc_now() - 2 * DAY)
    sign_in(client, key_for)

    page = client.get(f"{PATH}?lang=en").text

    assert 'data-status="overdue"' in page
    assert "Card items are past their retention and under no legal hold." in page
    assert 'id="card-overdue-items">1<' in page


def test_R12_the_page_refuses_other_roles_and_shows_them_no_link(
    client: TestClient, key_for: Headers
) -> None:
    """R-12: the report is the privacy office's; another role gets a 403 page and no link."""
    assert client.get(PATH, follow_redirects=False).status_code == 303  # not signed in
    sign_in(client, key_for, "marketing")
    refused = client.get(PATH)
    assert refused.status_code == 403
    assert "この操作は許可されていません" in refused.text
    assert f'href="{PATH}?lang=ja"' not in client.get("/console/requests").text


def test_R12_the_office_finds_the_page_in_the_navigation(
    client: TestClient, key_for: Headers
) -> None:
    """R-12: the console's navigation links the privacy office to the report."""
    sign_in(client, key_for)
    assert f'href="{PATH}?lang=ja"' in client.get("/console/requests").text
    assert 'aria-current="page">保存期間<' in client.get(PATH).text
