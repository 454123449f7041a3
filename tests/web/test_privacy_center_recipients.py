"""The privacy center's recipients page: who receives personal data and the foreign countries
it goes to, with each country's regime, the basis and the recipient's measures (R-22, R-33,
R-37), in-process on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hogo.auth.keys import KeyVerifier
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.provision.recipients import FactsInput, ForeignBasis
from hogo.settings import Settings
from hogo.web.app import create_app

PATH = "/privacy-center/recipients"
POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor(id="test:office", role="privacy_office")
STORAGE = "customer_data_storage"  # a processor for customers only
MEASURES = "ISO/IEC 27001 certified; data encrypted at rest; staff access logged and reviewed."
SINGAPORE = """  - system: overseas backup
    country: SG
    groups: [client_contacts]
    regime_notes:
      ja: シンガポールでは個人データ保護法（PDPA）が適用されます。
      en: Singapore's Personal Data Protection Act (PDPA) applies.
    reviewed_at: 2024-05-01
"""


def facts(
    country: str,
    foreign_basis: ForeignBasis | None = None,
    foreign_system: str | None = None,
    measures: str | None = None,
) -> FactsInput:
    return FactsInput(
        legal_name="Example Storage Inc.",
        address="1 Example Way, Example City",
        representative="Alex Example",
        country=country,
        foreign_basis=foreign_basis,
        foreign_system=foreign_system,
        measures=measures,
    )


def section(page: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the next element of the same kind."""
    found = re.search(rf'<(section|article)[^>]*id="{element_id}".*?</\1>', page, re.S)
    assert found is not None, element_id
    return found.group(0)


def test_R37_the_page_lists_each_groups_recipient_types_in_both_languages(
    client: TestClient, hogo: Hogo
) -> None:
    """§5 on the published statement: the types of recipients per group, by kind (R-37)."""
    for lang in ("ja", "en"):
        response = client.get(PATH, params={"lang": lang})
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert "set-cookie" not in response.headers
        page = response.text
        assert f'<html lang="{lang}">' in page
        for gid, group in hogo.policy.subject_groups.items():
            assert getattr(group.title, lang) in section(page, f"group-{gid}")
        customers = section(page, "group-customers")
        for recipient in hogo.policy.recipients.values():
            title = getattr(recipient.title, lang)
            assert (title in customers) == ("customers" in recipient.groups), title
        clients = section(page, "group-client_contacts")
        assert 'id="group-client_contacts-group_company"' in clients
        assert 'id="group-client_contacts-joint_user"' in clients
        for exception in hogo.policy.provision_exceptions.values():
            assert getattr(exception.title, lang) in section(page, "others")
        assert "<script" not in page
        assert re.search(r"\sstyle=", page) is None
    ja = client.get(PATH).text
    assert "委託先（業務の委託に伴う提供、サービスの種類ごと）" in ja
    assert "共同して利用する者の範囲" in ja
    en = client.get(PATH, params={"lang": "en"}).text
    assert "Contractors (processors), by type of service" in en


def test_R37_the_home_and_versions_pages_link_to_it(client: TestClient) -> None:
    for path in ("/privacy-center", "/privacy-center/policy/versions"):
        for lang in ("ja", "en"):
            page = client.get(path, params={"lang": lang}).text
            assert 'id="recipients-link"' in page
            assert f'href="{PATH}?lang={lang}"' in page


def test_R22_with_no_foreign_storage_or_recipient_no_data_leaves_japan(
    client: TestClient,
) -> None:
    """The example policy stores in Japan only and names no recipient abroad."""
    ja = client.get(PATH).text
    assert "個人データを保管し又は提供する外国はありません。" in ja
    assert 'class="country"' not in ja
    assert ja.count('class="stays-home"') == len(re.findall(r'<section class="group"', ja))
    en = client.get(PATH, params={"lang": "en"}).text
    assert "No personal data leaves Japan" in en


def test_R33_R22_a_recipient_in_the_us_with_consent_shows_country_regime_basis_and_measures(
    client: TestClient, hogo: Hogo
) -> None:
    """R17(2): the country's name, what is known of its regime (here: being gathered, and why,
    as R17(3) asks) and the recipient's measures, with the basis (consent)."""
    hogo.recipients.record(OFFICE, STORAGE, facts("US", foreign_basis="consent", measures=MEASURES))
    en = client.get(PATH, params={"lang": "en"}).text
    assert "Foreign countries where personal data is stored or received: United States" in en
    us = section(en, "group-customers-country-US")
    assert "United States" in us
    assert "still gathering information on this country" in us
    assert "designates" not in us  # the US is no designated country
    assert hogo.policy.recipients[STORAGE].title.en in us
    assert "prior consent to provision to a third party in a foreign country" in us
    assert MEASURES in us
    assert "group-client_contacts-country-US" not in en  # not a client contacts' recipient
    ja = client.get(PATH).text
    us_ja = section(ja, "group-customers-country-US")
    assert "アメリカ合衆国" in us_ja
    assert "外国にある第三者への提供を認める旨のご本人の同意" in us_ja
    assert "個人情報の保護に関する制度についての情報は、当社が確認を進めている" in us_ja
    assert MEASURES in us_ja
    assert 'class="stays-home"' in section(ja, "group-client_contacts")


def test_R33_unknown_measures_and_an_equivalent_measures_system_are_said_so(
    client: TestClient, hogo: Hogo
) -> None:
    """R17(4): when the recipient's measures are not known, the page says so and why; an R16
    system is named as the basis with its description."""
    system = "Data processing agreement with equivalent-measures clauses, checked yearly."
    in_singapore = facts("SG", foreign_basis="system", foreign_system=system)
    hogo.recipients.record(OFFICE, STORAGE, in_singapore)
    hogo.recipients.record(OFFICE, "store_management", facts("IN"))
    en = client.get(PATH, params={"lang": "en"}).text
    sg = section(en, "group-customers-country-SG")
    assert "Singapore" in sg
    assert "taking equivalent measures continuously" in sg
    assert system in sg
    assert "We do not hold information on this recipient&#39;s measures yet" in sg
    india = section(en, "group-customers-country-IN")
    assert "still establishing the basis of this provision abroad" in india
    ja = client.get(PATH).text
    assert "相当措置を継続的に講ずるために必要な体制" in section(ja, "group-customers-country-SG")
    assert "提供先に確認しているところで" in section(ja, "group-customers-country-SG")


def test_R33_a_recipient_in_a_designated_country_rests_on_its_designation(
    client: TestClient, hogo: Hogo
) -> None:
    """EU/EEA and the UK are designated (PPC Rules Art. 15): no consent is needed (R-33)."""
    hogo.recipients.record(OFFICE, STORAGE, facts("DE"))
    de = section(client.get(PATH, params={"lang": "en"}).text, "group-customers-country-DE")
    assert "Germany" in de
    assert "designates as having a regime" in de
    assert "is in a country designated by the Personal Information Protection Commission" in de
    ja = section(client.get(PATH).text, "group-customers-country-DE")
    assert "ドイツ" in ja
    assert "我が国と同等の水準にあると認められる個人情報の保護に関する制度" in ja


@pytest.fixture
def abroad_client(database_url: str, settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    """The example policy with a store in Singapore for client contacts' data."""
    text = POLICY.read_text(encoding="utf-8")
    anchor = "    reviewed_at: 2022-04-01\n\n# §6 organisational measures"
    assert text.count(anchor) == 1
    changed = text.replace(anchor, anchor.replace("\n\n", "\n" + SINGAPORE + "\n", 1))
    policy = tmp_path / "policy.yaml"
    policy.write_text(changed, encoding="utf-8")
    opened = open_hogo(database_url, policy, settings=settings)
    app = create_app(opened, KeyVerifier(opened.engine))
    with TestClient(app, raise_server_exceptions=False) as made:
        yield made
    opened.close()


def test_R22_a_storage_location_abroad_shows_its_regime_notes(abroad_client: TestClient) -> None:
    """The country where data is stored, its regime notes and when they were reviewed (R-22)."""
    en = abroad_client.get(PATH, params={"lang": "en"}).text
    assert "Foreign countries where personal data is stored or received: Singapore" in en
    sg = section(en, "group-client_contacts-country-SG")
    assert "Personal Data Protection Act (PDPA) applies" in sg
    assert "May 1, 2024" in sg
    assert "overseas backup" in sg
    assert 'class="stays-home"' in section(en, "group-customers")
    ja = abroad_client.get(PATH).text
    sg_ja = section(ja, "group-client_contacts-country-SG")
    assert "シンガポール" in sg_ja
    assert "個人データ保護法（PDPA）" in sg_ja
    assert "2024年5月1日" in sg_ja
