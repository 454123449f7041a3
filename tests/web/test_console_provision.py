"""The console's provision pages, in-process, on SQLite and PostgreSQL.

The recipients register with each recipient's status and facts (R-21, R-33), the form that
records facts (privacy office only), the provision log and its filters (R-34), one person's
records of provision and receipt (R-34, R-35, R-40), and the joint-use notice as published
(R-31). Data is made through the services first, as the office would.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.provision.basis import Order
from hogo.services.provision.provide import Delivery, People, Provided
from hogo.services.provision.recipients import FactsInput
from hogo.services.rights.deadlines import JAPAN, arrival_date
from hogo.vault.items import NewItem

Headers = Callable[[str], dict[str, str]]
OFFICE = Actor(id="test:office", role="privacy_office")
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
TODAY = arrival_date(utc_now(), "appi")
ITEMS = ("a", "b", "c", "d", "e", "f", "g", "h")


def csrf_of(page: str) -> str:
    match = TOKEN.search(page)
    assert match is not None, page
    return match.group(1)


def sign_in(client: TestClient, key_for: Headers, role: str = "privacy_office") -> str:
    """Sign in through the form with a fresh key of ``role``; the session's CSRF token."""
    key = key_for(role)["Authorization"].removeprefix("Bearer ")
    form = client.get("/console/login?lang=ja")
    data = {"key": key, "csrf": csrf_of(form.text), "next": "/console/recipients"}
    response = client.post("/console/login?lang=ja", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get(response.headers["location"]).text)


def text_of(page: str) -> str:
    """The page's text without tags, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def row_of(page: str, row_id: str) -> tuple[str, str]:
    """The class and the text of the table row ``row_id``."""
    match = re.search(rf'<tr id="{row_id}" class="([^"]*)">(.*?)</tr>', page, re.S)
    assert match is not None, f"no row {row_id}"
    return match.group(1), text_of(match.group(2))


def contract(**changes: Any) -> FactsInput:
    given: dict[str, Any] = {
        "legal_name": "ヤマト配送株式会社",
        "address": "東京都中央区銀座1-1-1",
        "representative": "代表取締役 山田太郎",
        "contract_ref": "C-2029-017",
        "contract_from": TODAY - dt.timedelta(days=200),
        "security_terms": "Annex 3: access control, encryption in transit",
        "contract_items": ITEMS,
        "supervised_on": TODAY - dt.timedelta(days=30),
    }
    given.update(changes)
    return FactsInput(**given)


def customer(hogo: Hogo, ref: str) -> int:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    hogo.subjects.store(
        OFFICE,
        subject_id,
        [
            NewItem("name", f"山田 花子 {ref}", ["sale_provision"]),
            NewItem("address", "大阪府大阪市北区1-1", ["sale_provision"]),
            NewItem("delivery_info", "置き配", ["sale_provision"]),
        ],
    )
    return subject_id


def contact(hogo: Hogo, ref: str) -> int:
    """A client contact who consented to provision to the group companies."""
    subject_id = hogo.subjects.create(OFFICE, group="client_contacts", ref=ref)
    hogo.subjects.store(
        OFFICE,
        subject_id,
        [
            NewItem("name", f"佐藤 一郎 {ref}", ["business_communication"]),
            NewItem("company_name", "取引先株式会社", ["business_communication"]),
        ],
    )
    hogo.subjects.record_consent(
        OFFICE, subject_id, purpose="business_communication", action="grant"
    )
    return subject_id


@pytest.fixture
def made(hogo: Hogo, tmp_path: Path) -> dict[str, Any]:
    """Three provisions: two to processors in Japan, one on consent to the group companies."""
    first, second, third = (customer(hogo, f"c-{n}") for n in range(3))
    person = contact(hogo, "k-1")
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    hogo.recipients.record(OFFICE, "store_management", contract(legal_name="店舗管理株式会社"))
    hogo.recipients.record(
        OFFICE, "group_companies", contract(legal_name="グループ株式会社", contract_ref=None)
    )
    delivery = Order("product_delivery", "sale_provision", ("name", "address"), "entrustment")
    store = Order("store_management", "sale_provision", ("name",), "entrustment")
    group = Order("group_companies", "business_communication", ("name",), "consent")
    done: list[Provided] = [
        hogo.provision.provide(
            OFFICE, delivery, People((first, second)), Delivery(tmp_path / "d.parquet")
        ),
        hogo.provision.provide(
            OFFICE, store, People((third,)), Delivery(tmp_path / "s.csv", format="csv")
        ),
        hogo.provision.provide(OFFICE, group, People((person,)), Delivery(tmp_path / "g.parquet")),
    ]
    return {"ids": (first, second, third), "contact": person, "done": done}


# The recipients register


def test_R21_R33_the_register_shows_every_recipient_with_its_status(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-21, R-33: kind, basis, country, legal name, ready or the problems, the checks due."""
    hogo.recipients.record(OFFICE, "product_delivery", contract())
    late = TODAY - dt.timedelta(days=400)
    hogo.recipients.record(OFFICE, "store_management", contract(supervised_on=late))
    hogo.recipients.record(
        OFFICE, "group_companies", contract(country="US", contract_ref=None, legal_name="G Inc.")
    )
    sign_in(client, key_for)

    page = client.get("/console/recipients?lang=ja")

    assert page.status_code == 200
    assert page.text.count('<tr id="recipient-') == len(hogo.policy.recipients)
    kind, ready = row_of(page.text, "recipient-product_delivery")
    assert "ヤマト配送株式会社" in ready
    assert "提供可" in ready
    assert "委託先" in ready
    assert "委託（第27条第5項第1号）" in ready
    assert "overdue" not in kind
    assert "not-ready" not in kind
    kind, late_row = row_of(page.text, "recipient-store_management")
    due = late + dt.timedelta(days=365)
    assert "overdue" in kind
    assert "not-ready" in kind
    assert f"the supervision check was due on {due}" in late_row
    assert "期限超過" in late_row
    _kind, abroad = row_of(page.text, "recipient-group_companies")
    assert "外国にある第三者（第28条）" in abroad
    assert "no basis for foreign provision" in abroad
    _kind, bare = row_of(page.text, "recipient-ec_site_operation")
    assert "提供不可" in bare
    assert "no facts recorded" in bare
    assert 'id="count-not-ready" class="alert"' in page.text


def test_R21_a_recipient_page_shows_declared_and_current_facts_and_the_history(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-21: the policy's declaration, the current facts, the problems and every row recorded."""
    hogo.recipients.record(OFFICE, "product_delivery", contract(contract_items=("a", "b")))
    hogo.recipients.record(OFFICE, "product_delivery", contract(legal_name="新配送株式会社"))
    sign_in(client, key_for)

    page = client.get("/console/recipients/product_delivery?lang=en")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Providers of product delivery services" in shown
    assert "Delivery information for the product" in shown  # a declared category's title
    assert re.search(r'id="legal-name">新配送株式会社<', page.text)
    assert "✓ (g) deletes or returns the personal data when the service ends" in shown
    assert "Nothing stops a provision." in shown
    assert page.text.count('<tr id="facts-') == 2
    assert 'id="facts-form"' in page.text
    assert 'name="legal_name" required value="新配送株式会社"' in page.text  # prefilled
    assert client.get("/console/recipients/nobody?lang=en").status_code == 404


def form_data(csrf: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "csrf": csrf,
        "legal_name": "株式会社クラウド保管",
        "address": "東京都港区芝公園4-2-8",
        "representative": "代表取締役 鈴木一郎",
        "country": "JP",
        "contract_ref": "C-2030-001",
        "contract_from": (TODAY - dt.timedelta(days=10)).isoformat(),
        "contract_until": (TODAY + dt.timedelta(days=700)).isoformat(),
        "security_terms": "別紙2 安全管理措置",
        "contract_items": list(ITEMS),
        "sub_processors": "Backup Co., US, pending\n\n株式会社データセンター, JP, approved",
        "supervised_on": (TODAY - dt.timedelta(days=5)).isoformat(),
        "supervision_days": "180",
        "foreign_basis": "",
        "foreign_system": "",
        "system_checked_on": "",
        "measures": "",
        "public_key": "",
    }
    data.update(changes)
    return data


def test_R21_the_privacy_office_records_facts_through_the_form(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-21: every field reaches the register; the page then shows the resulting status."""
    csrf = sign_in(client, key_for)
    url = "/console/recipients/customer_data_storage"

    posted = client.post(f"{url}/facts?lang=ja", data=form_data(csrf), follow_redirects=False)

    assert posted.status_code == 303
    assert posted.headers["location"] == f"{url}?lang=ja&done=facts"
    status = hogo.recipients.status("customer_data_storage")
    assert status.facts is not None
    assert status.facts.contract_items == ITEMS
    assert status.facts.supervision_days == 180
    assert status.facts.recorded_by.startswith("key:")
    assert [(s.name, s.country, s.approved) for s in status.facts.sub_processors] == [
        ("Backup Co.", "US", False),
        ("株式会社データセンター", "JP", True),
    ]
    page = client.get(posted.headers["location"])
    assert "登録内容を記録しました。" in page.text
    assert "提供不可" in page.text
    assert "sub-processor Backup Co. (US) is not approved (R-21)" in page.text

    approved = form_data(csrf, sub_processors="Backup Co., US, approved")
    client.post(f"{url}/facts?lang=ja", data=approved, follow_redirects=False)
    assert hogo.recipients.status("customer_data_storage").ready
    page = client.get(f"{url}?lang=ja")
    assert "✓ 提供可" in page.text
    assert page.text.count('<tr id="facts-') == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contract_from": "2030-02-30"}, "contract_from: &#39;2030-02-30&#39; is not a date"),
        ({"sub_processors": "Backup Co. US approved"}, "sub-processors, line 1"),
        ({"sub_processors": "Backup Co., USA, approved"}, "is not an ISO 3166"),
        ({"supervision_days": "yearly"}, "is not a number of days"),
        ({"legal_name": "  "}, "legal_name is required"),
        ({"foreign_basis": "trust_me"}, "unknown foreign basis"),
        ({"contract_items": ["a", "z"]}, "unknown contract items"),
    ],
)
def test_R21_a_form_the_register_refuses_is_shown_with_its_message(
    client: TestClient, hogo: Hogo, key_for: Headers, changes: dict[str, Any], message: str
) -> None:
    """R-21: a refusal is a message on the page with the values kept, never a 500."""
    csrf = sign_in(client, key_for)
    url = "/console/recipients/customer_data_storage/facts?lang=en"

    response = client.post(url, data=form_data(csrf, **changes), follow_redirects=False)

    assert response.status_code == 422
    assert 'role="alert" id="error"' in response.text
    assert message in response.text
    assert 'value="東京都港区芝公園4-2-8"' in response.text  # what was typed is kept
    assert hogo.recipients.history("customer_data_storage") == []


def test_R21_a_form_without_the_sessions_token_records_nothing(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    sign_in(client, key_for)
    url = "/console/recipients/customer_data_storage/facts?lang=en"
    response = client.post(url, data=form_data("forged"), follow_redirects=False)
    assert response.status_code == 403
    assert hogo.recipients.history("customer_data_storage") == []


def test_R21_another_role_reads_the_register_but_cannot_record_facts(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-21: only the privacy office records recipients' facts; others get a 403 page."""
    csrf = sign_in(client, key_for, "marketing")
    page = client.get("/console/recipients/customer_data_storage?lang=en")
    assert page.status_code == 200
    assert 'id="facts-form"' not in page.text

    url = "/console/recipients/customer_data_storage/facts?lang=en"
    refused = client.post(url, data=form_data(csrf), follow_redirects=False)

    assert refused.status_code == 403
    assert "role &#39;marketing&#39; may not record recipients&#39; facts" in refused.text
    assert hogo.recipients.history("customer_data_storage") == []
    broken = form_data(csrf, contract_from="someday")  # the role is refused before the form
    assert client.post(url, data=broken, follow_redirects=False).status_code == 403


def test_the_provision_pages_need_a_session(client: TestClient, hogo: Hogo) -> None:
    paths = [
        "/console/recipients",
        "/console/recipients/product_delivery",
        "/console/provisions",
        "/console/subjects/1/provisions",
        "/console/joint-use",
    ]
    for path in paths:
        response = client.get(f"{path}?lang=en", follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login?lang=en&next=")
    posted = client.post(
        "/console/recipients/product_delivery/facts", data=form_data("x"), follow_redirects=False
    )
    assert posted.status_code == 303
    assert hogo.recipients.history("product_delivery") == []


def test_the_console_navigation_links_the_provision_pages(
    client: TestClient, key_for: Headers
) -> None:
    sign_in(client, key_for)
    page = client.get("/console/requests?lang=ja").text
    for path, label in [
        ("/console/recipients", "提供先（委託先・第三者）"),
        ("/console/provisions", "提供記録"),
        ("/console/joint-use", "共同利用"),
    ]:
        assert f'<a href="{path}?lang=ja" >{label}</a>' in page


# The provision log


def test_R34_the_log_shows_every_provision_the_latest_first(
    client: TestClient, key_for: Headers, made: dict[str, Any]
) -> None:
    """R-34: date, recipient, purpose, basis, people, method, A29 or log, retention, hash."""
    delivery, store, group = made["done"]
    sign_in(client, key_for)

    page = client.get("/console/provisions?lang=ja")

    assert page.status_code == 200
    found = re.findall(r'<tr id="provision-(\d+)"', page.text)
    assert found == [str(group.id), str(store.id), str(delivery.id)]
    _kind, row = row_of(page.text, f"provision-{delivery.id}")
    assert "製品配送サービス事業者" in row
    assert "product_delivery" in row
    assert "委託（第27条第5項第1号）" in row
    assert '<td class="people">2</td>' in page.text.split(f'id="provision-{delivery.id}"')[1]
    assert "提供の都度" in row
    assert "記録（法定外）" in row
    assert delivery.sha256[:12] in row
    assert delivery.retain_until.astimezone(JAPAN).strftime("%Y-%m-%d") in row
    kind, consent_row = row_of(page.text, f"provision-{group.id}")
    assert kind == "statutory"
    assert "提供記録（第29条）" in consent_row
    assert "本人の同意（第27条第1項）" in consent_row


def shown_ids(client: TestClient, query: str) -> list[int]:
    response = client.get(f"/console/provisions?lang=en&{query}")
    assert response.status_code == 200, response.text
    return [int(found) for found in re.findall(r'<tr id="provision-(\d+)"', response.text)]


def test_R34_the_filters_narrow_the_log(
    client: TestClient, key_for: Headers, made: dict[str, Any]
) -> None:
    """R-34: by recipient, by person, by Japanese calendar day, and a limit."""
    delivery, store, group = (done.id for done in made["done"])
    first, _second, third = made["ids"]
    sign_in(client, key_for)
    on = arrival_date(made["done"][0].provided_at, "appi")  # the Japanese day provided
    today, day = on.isoformat(), dt.timedelta(days=1)

    assert shown_ids(client, "recipient=product_delivery") == [delivery]
    assert shown_ids(client, f"subject={third}") == [store]
    assert shown_ids(client, f"subject={first}&recipient=store_management") == []
    assert shown_ids(client, f"since={today}&until={today}") == [group, store, delivery]
    assert shown_ids(client, f"since={(on + day).isoformat()}") == []
    assert shown_ids(client, f"until={(on - day).isoformat()}") == []
    assert shown_ids(client, "limit=1") == [group]
    page = client.get(f"/console/provisions?lang=en&subject={first}").text
    assert "selected" not in page.split('id="q-recipient"')[1].split("</select>")[0]
    assert f'href="/console/subjects/{first}/provisions?lang=en"' in page


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("since=2030-13-01", 422, "since: &#39;2030-13-01&#39; is not a date (YYYY-MM-DD)"),
        ("until=yesterday", 422, "until: &#39;yesterday&#39; is not a date"),
        ("since=2030-02-02&until=2030-02-01", 422, "is before since"),
        ("limit=0", 422, "limit: 0 is not between 1 and 10000"),
        ("subject=abc", 422, "subject: &#39;abc&#39; is not a number"),
        ("recipient=nobody", 404, "unknown recipient &#39;nobody&#39;"),
        ("subject=999999", 404, "999999"),
    ],
)
def test_R34_a_filter_that_cannot_be_read_is_a_message_not_a_500(
    client: TestClient, key_for: Headers, query: str, status: int, message: str
) -> None:
    sign_in(client, key_for)
    response = client.get(f"/console/provisions?lang=en&{query}")
    assert response.status_code == status
    assert 'role="alert" id="error"' in response.text
    assert message in response.text
    assert 'id="filters"' in response.text  # the form stays to correct it


# One person's records


def test_R34_R35_one_persons_records_of_provision_and_receipt(
    client: TestClient, hogo: Hogo, key_for: Headers, made: dict[str, Any]
) -> None:
    """R-34, R-35, R-40: the recipient's name, address and representative, the consent relied
    on, and the receipts with their provider."""
    person = made["contact"]
    hogo.receipts.record(
        OFFICE,
        [person],
        provider_name="名刺管理サービス株式会社",
        provider_address="東京都渋谷区1-2-3",
        provider_representative="代表取締役 田中花子",
        provider_acquisition="名刺交換により取得（契約書 2029-03）",
        basis="consent",
        categories=["name", "company_name"],
        method="individual",
        received_at=None,
        consent_confirmed=True,
    )
    sign_in(client, key_for)

    page = client.get(f"/console/subjects/{person}/provisions?lang=ja")

    assert page.status_code == 200
    provided = text_of(page.text.split('id="receipt-records"')[0])
    assert "グループ株式会社" in provided
    assert "東京都中央区銀座1-1-1" in provided
    assert "代表取締役 山田太郎" in provided
    assert "提供記録（第29条）" in provided
    assert "本人の同意（記録番号）" in provided
    received = text_of(page.text.split('id="receipt-records"')[1])
    assert "名刺管理サービス株式会社" in received
    assert "名刺交換により取得（契約書 2029-03）" in received
    assert "氏名、会社名・団体名" in received
    assert "本人の同意による提供" in received


def test_R16_a_persons_records_are_for_a_role_covering_their_group(
    client: TestClient, key_for: Headers, made: dict[str, Any]
) -> None:
    """R-16: human resources does not cover customers: a 403 page; an unknown person, 404."""
    first = made["ids"][0]
    sign_in(client, key_for, "hr")
    refused = client.get(f"/console/subjects/{first}/provisions?lang=en")
    assert refused.status_code == 403
    assert 'id="error"' in refused.text
    assert client.get("/console/subjects/999999/provisions?lang=en").status_code == 404
    assert client.get(f"/console/provisions?lang=en&subject={first}").status_code == 403


# The joint-use notice


def notice_text(page: str, recipient: str, lang: str) -> str:
    """The text of one joint-use notice in one language."""
    return text_of(page.split(f'id="joint-use-{recipient}-{lang}"')[1].split("</article>")[0])


def test_R31_the_joint_use_notice_shows_the_five_items_as_published(
    client: TestClient, hogo: Hogo, key_for: Headers
) -> None:
    """R-31: ① joint use and since when, ② items, ③ users, ④ purposes, ⑤ the person
    responsible with address and representative, in Japanese and in English."""
    joint = hogo.policy.recipients["group_joint_use"].joint_use
    assert joint is not None
    sign_in(client, key_for)

    page = client.get("/console/joint-use?lang=en")

    assert page.status_code == 200
    japanese = text_of(
        page.text.split('id="joint-use-group_joint_use-ja"')[1].split("</article>")[0]
    )
    english = text_of(
        page.text.split('id="joint-use-group_joint_use-en"')[1].split("</article>")[0]
    )
    assert "① 共同利用をする旨と公表日 共同利用を行います（2022年4月1日 公表）" in japanese
    assert "② 共同して利用される個人データの項目 氏名" in japanese
    assert f"③ 共同して利用する者の範囲 {joint.users_scope.ja}" in japanese
    assert "④ 利用する者の利用目的" in japanese
    assert joint.responsible.name.ja in japanese
    assert joint.responsible.representative.ja in japanese
    assert "① That joint use is conducted, and since when" in english
    assert "Joint use is conducted (published on April 1, 2022)" in english
    assert joint.users_scope.en in english
    assert joint.responsible.address.en in english
    assert "✓ published" in text_of(page.text)
