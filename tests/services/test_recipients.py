"""The recipients register: why a recipient cannot receive today (R-21, R-33, G-13, D14).

Each problem is named in one line; once every fact is in order the recipient is ``ready``.
Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from hogo.errors import Forbidden, NotFound, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.actor import Actor
from hogo.services.provision.recipients import (
    CONTRACT_ITEMS,
    FactsInput,
    RecipientRegister,
    SubProcessor,
    sub_processors_of,
)
from hogo.store.tables import audit_log, recipient_facts

OFFICE = Actor("officer-1", "privacy_office")
PROCESSOR = "store_management"  # kind processor, basis entrustment, JP
THIRD_PARTY = "group_companies"  # kind group_company, basis consent
TODAY = dt.date(2026, 6, 1)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC))  # 12:00 in Japan


@pytest.fixture
def register(engine: Engine, example_policy: Policy, clock: Clock) -> RecipientRegister:
    return RecipientRegister(engine, example_policy, clock)


def ready_processor(**changes: Any) -> FactsInput:
    """A processor's facts with everything in order; ``changes`` break one thing."""
    facts = FactsInput(
        legal_name="株式会社ストアサービス",
        address="東京都港区芝公園1-1-1",
        representative="代表取締役 山田 太郎",
        contract_ref="業務委託契約 2025-017",
        contract_from=dt.date(2025, 4, 1),
        contract_until=dt.date(2027, 3, 31),
        security_terms="別紙2 安全管理措置",
        contract_items=CONTRACT_ITEMS,
        sub_processors=(SubProcessor("Cloud KK", "JP", approved=True),),
        supervised_on=dt.date(2026, 1, 15),
    )
    return dataclasses.replace(facts, **changes)


def third_party(**changes: Any) -> FactsInput:
    facts = FactsInput(legal_name="Hogo Inc.", address="1 Main St", representative="J. Doe")
    return dataclasses.replace(facts, **changes)


def problems(register: RecipientRegister, recipient: str, given: FactsInput) -> list[str]:
    register.record(OFFICE, recipient, given)
    return list(register.status(recipient).problems)


def test_R34_a_recipient_without_facts_cannot_receive(register: RecipientRegister) -> None:
    status = register.status(PROCESSOR)
    assert not status.ready
    assert status.facts is None
    assert "no facts recorded" in status.problems[0]


def test_R21_a_processor_with_everything_in_order_is_ready(register: RecipientRegister) -> None:
    register.record(OFFICE, PROCESSOR, ready_processor())
    status = register.status(PROCESSOR)
    assert status.problems == ()
    assert status.ready
    assert status.supervision_due == dt.date(2027, 1, 15)  # a year after the last check
    assert status.system_check_due is None  # in Japan: no foreign provision


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"contract_ref": None}, "no entrustment contract with security terms"),
        ({"security_terms": None}, "no entrustment contract with security terms"),
        ({"security_terms": "   "}, "no entrustment contract with security terms"),
        ({"contract_until": dt.date(2026, 5, 31)}, "the contract ended on 2026-05-31"),
        ({"contract_from": dt.date(2026, 6, 2)}, "the contract starts on 2026-06-02"),
        (
            {"sub_processors": (SubProcessor("Acme Analytics", "US", approved=False),)},
            "sub-processor Acme Analytics (US) is not approved",
        ),
        ({"supervised_on": None}, "no supervision check on record"),
        ({"supervised_on": dt.date(2025, 5, 31)}, "the supervision check was due on 2026-05-31"),
        (
            {"supervised_on": dt.date(2026, 3, 1), "supervision_days": 90},
            "the supervision check was due on 2026-05-30",
        ),
    ],
)
def test_R21_each_missing_processor_fact_is_named(
    register: RecipientRegister, changes: dict[str, Any], named: str
) -> None:
    found = problems(register, PROCESSOR, ready_processor(**changes))
    assert len(found) == 1, found
    assert named in found[0]
    assert "R-21" in found[0]


def test_R21_every_problem_is_listed_and_all_fixed_is_ready(
    register: RecipientRegister,
) -> None:
    broken = ready_processor(
        contract_ref=None,
        contract_until=dt.date(2026, 1, 31),
        sub_processors=(
            SubProcessor("Cloud KK", "JP", approved=True),
            SubProcessor("Acme, Inc.", "US", approved=False),
        ),
        supervised_on=dt.date(2024, 12, 1),
    )
    found = problems(register, PROCESSOR, broken)
    assert len(found) == 4
    assert register.status(PROCESSOR).supervision_due == dt.date(2025, 12, 1)
    assert problems(register, PROCESSOR, ready_processor()) == []
    assert len(register.history(PROCESSOR)) == 2  # the broken facts stay on record


def test_R21_the_contract_ends_on_a_Japanese_calendar_day(
    register: RecipientRegister, clock: Clock
) -> None:
    """At 01:00 on 1 April in Japan (16:00 UTC on 31 March) a contract to 31 March is over."""
    clock.now = dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)
    found = problems(register, PROCESSOR, ready_processor(contract_until=dt.date(2026, 3, 31)))
    assert found == ["the contract ended on 2026-03-31 (R-21)"]


def test_G13_a_contract_missing_Art_28_3_items_names_them(register: RecipientRegister) -> None:
    found = problems(register, PROCESSOR, ready_processor(contract_items=("a", "b", "c", "e")))
    assert found == ["the contract lacks GDPR Art 28(3) items d, f, g, h (G-13)"]
    assert problems(register, PROCESSOR, ready_processor(contract_items=tuple("hgfedcba"))) == []


def test_G13_contract_items_are_letters_a_to_h(register: RecipientRegister) -> None:
    with pytest.raises(ValidationFailed, match="unknown contract items"):
        register.record(OFFICE, PROCESSOR, ready_processor(contract_items=("a", "i")))


def test_G13_processor_checks_do_not_apply_to_a_third_party(register: RecipientRegister) -> None:
    assert problems(register, THIRD_PARTY, third_party()) == []


RegisterIn = Callable[[str], RecipientRegister]


@pytest.fixture
def register_in(engine: Engine, example_policy: Policy, clock: Clock) -> RegisterIn:
    """A register over the example policy with its two test recipients declared in a country:
    the register's facts agree with the policy, as they must (R-33, R-64)."""

    def make(country: str) -> RecipientRegister:
        recipients = {
            **example_policy.recipients,
            **{
                rid: example_policy.recipients[rid].model_copy(update={"country": country})
                for rid in (THIRD_PARTY, PROCESSOR)
            },
        }
        policy = example_policy.model_copy(update={"recipients": recipients})
        return RecipientRegister(engine, policy, clock)

    return make


def test_R33_a_recipient_in_the_US_without_a_basis_cannot_receive(
    register_in: RegisterIn,
) -> None:
    found = problems(register_in("US"), THIRD_PARTY, third_party(country="us"))
    assert len(found) == 1
    assert "recipient in US (no adequacy) has no basis for foreign provision" in found[0]
    assert "R-33" in found[0]


def test_R33_consent_to_foreign_provision_is_a_basis(register_in: RegisterIn) -> None:
    register = register_in("US")
    given = third_party(country="US", foreign_basis="consent", measures="ISO/IEC 27001")
    assert problems(register, THIRD_PARTY, given) == []
    assert register.status(THIRD_PARTY).system_check_due is None


def test_R33_consent_abroad_needs_the_measures_people_are_told(register_in: RegisterIn) -> None:
    """R-33 (R17(2)): before consenting, people are told the recipient's measures."""
    given = third_party(country="US", foreign_basis="consent")
    found = problems(register_in("US"), THIRD_PARTY, given)
    assert found == [
        "its protective measures are not on record: people are told them before they "
        "consent to foreign provision (R17(2); R-33)"
    ]


def test_R33_R64_a_country_the_policy_does_not_name_is_a_problem(
    register: RecipientRegister,
) -> None:
    """R-33, R-64: a recipient abroad is told in the published policy before data goes there."""
    given = third_party(country="US", foreign_basis="consent", measures="ISO/IEC 27001")
    found = problems(register, THIRD_PARTY, given)
    assert found == [
        "the register puts it in US, the policy in JP: publish a policy version that names "
        "the country first (APPI A21; R-33, R-64)"
    ]


def test_R33_D14_a_system_checked_within_the_year_is_a_basis(register_in: RegisterIn) -> None:
    register = register_in("US")
    given = third_party(
        country="US",
        foreign_basis="system",
        foreign_system="APEC CBPR certification",
        system_checked_on=dt.date(2025, 6, 1),
    )
    assert problems(register, THIRD_PARTY, given) == []
    assert register.status(THIRD_PARTY).system_check_due == dt.date(2026, 6, 1)


def test_R33_D14_a_system_check_older_than_a_year_is_a_problem(register_in: RegisterIn) -> None:
    given = third_party(
        country="US",
        foreign_basis="system",
        foreign_system="data processing agreement with equivalent measures",
        system_checked_on=dt.date(2025, 5, 31),
    )
    found = problems(register_in("US"), THIRD_PARTY, given)
    assert found == ["the equivalent-measures system's check was due on 2026-05-31 (R18; R-33)"]


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"foreign_basis": "system"}, "no basis for foreign provision"),
        (
            {"foreign_basis": "system", "foreign_system": "binding corporate rules"},
            "the equivalent-measures system was never checked",
        ),
    ],
)
def test_R33_a_system_needs_its_name_and_a_check(
    register_in: RegisterIn, changes: dict[str, Any], named: str
) -> None:
    found = problems(register_in("SG"), THIRD_PARTY, third_party(country="SG", **changes))
    assert len(found) == 1
    assert named in found[0]


@pytest.mark.parametrize("country", ["JP", "DE", "FR", "IE", "NO", "GB"])
def test_R33_Japan_the_EU_EEA_and_the_UK_need_no_foreign_basis(
    register_in: RegisterIn, country: str
) -> None:
    register = register_in(country)
    assert problems(register, THIRD_PARTY, third_party(country=country)) == []
    assert not register.status(THIRD_PARTY).to_json()["foreign"]


def test_R33_adequate_is_not_a_basis_outside_those_countries(
    register_in: RegisterIn,
) -> None:
    with pytest.raises(ValidationFailed, match="US has no adequacy"):
        register_in("US").record(
            OFFICE, THIRD_PARTY, third_party(country="US", foreign_basis="adequate")
        )


def test_R33_a_foreign_processor_needs_a_foreign_basis_too(register_in: RegisterIn) -> None:
    """A27(5) does not apply abroad: a processor in the US is a third party for A28."""
    register = register_in("US")
    found = problems(register, PROCESSOR, ready_processor(country="US"))
    assert len(found) == 1
    assert "no basis for foreign provision" in found[0]
    given = ready_processor(country="US", foreign_basis="consent", measures="ISO/IEC 27001")
    assert problems(register, PROCESSOR, given) == []


def test_R33_a_recipient_the_policy_places_abroad_is_foreign_from_the_start(
    engine: Engine, example_policy: Policy, clock: Clock
) -> None:
    declared = example_policy.recipients[THIRD_PARTY].model_copy(update={"country": "CN"})
    recipients = {**example_policy.recipients, THIRD_PARTY: declared}
    register = RecipientRegister(
        engine, example_policy.model_copy(update={"recipients": recipients}), clock
    )
    found = problems(register, THIRD_PARTY, third_party())
    assert "recipient in CN" in found[0]


def test_R21_statuses_follow_the_policy_order_with_current_facts(
    register: RecipientRegister, example_policy: Policy
) -> None:
    register.record(OFFICE, PROCESSOR, ready_processor(supervised_on=None))
    register.record(OFFICE, PROCESSOR, ready_processor())
    statuses = register.statuses()
    assert [s.id for s in statuses] == list(example_policy.recipients)
    current = statuses[0]
    assert current.id == PROCESSOR
    assert current.ready
    assert current.facts is not None
    assert current.facts.id == register.history(PROCESSOR)[-1].id
    assert all(s.facts is None for s in statuses[1:])


def test_R21_recording_is_audited_and_the_register_is_append_only(
    register: RecipientRegister, engine: Engine
) -> None:
    facts = register.record(OFFICE, PROCESSOR, ready_processor())
    with engine.connect() as connection:
        actions = connection.execute(select(audit_log.c.action, audit_log.c.actor)).all()
    assert ("recipient_facts", OFFICE.id) in actions
    for statement in (
        f"UPDATE recipient_facts SET legal_name = 'x' WHERE id = {facts.id}",
        f"DELETE FROM recipient_facts WHERE id = {facts.id}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert register.history(PROCESSOR)[0].legal_name == "株式会社ストアサービス"


def count_facts(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(recipient_facts)).scalar_one()
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"legal_name": "  "}, "legal_name is required"),
        ({"address": ""}, "address is required"),
        ({"representative": " "}, "representative is required"),
        ({"country": "USA"}, "not an ISO 3166"),
        ({"country": "1A"}, "not an ISO 3166"),
        ({"foreign_basis": "treaty"}, "unknown foreign basis"),
        ({"supervision_days": 0}, "supervision_days"),
        ({"contract_until": dt.date(2025, 3, 31)}, "the contract ends"),
        ({"sub_processors": (SubProcessor("X", "usa", approved=True),)}, "not an ISO 3166"),
        ({"sub_processors": (SubProcessor(" ", "US", approved=True),)}, "needs a name"),
    ],
)
def test_R21_bad_facts_are_refused_and_nothing_is_written(
    register: RecipientRegister, engine: Engine, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        register.record(OFFICE, PROCESSOR, ready_processor(**changes))
    assert count_facts(engine) == 0


def test_R21_only_the_privacy_office_records_facts(
    register: RecipientRegister, engine: Engine
) -> None:
    with pytest.raises(Forbidden, match="privacy_office"):
        register.record(Actor("m-1", "marketing"), PROCESSOR, ready_processor())
    assert count_facts(engine) == 0


def test_R21_an_unknown_recipient_is_not_found(register: RecipientRegister) -> None:
    with pytest.raises(NotFound, match="unknown recipient 'nobody'"):
        register.record(OFFICE, "nobody", ready_processor())
    with pytest.raises(NotFound):
        register.status("nobody")
    with pytest.raises(NotFound):
        register.history("nobody")


def test_R21_sub_processors_from_JSON_need_a_true_or_false_approval() -> None:
    parsed = sub_processors_of([{"name": " Acme ", "country": "us", "approved": True}])
    assert parsed == (SubProcessor("Acme", "US", approved=True),)
    with pytest.raises(ValidationFailed, match="approved is true or false"):
        sub_processors_of([{"name": "Acme", "country": "US", "approved": "false"}])
    with pytest.raises(ValidationFailed, match="needs name, country and approved"):
        sub_processors_of([{"name": "Acme"}])


def test_R21_facts_read_back_as_recorded(register: RecipientRegister) -> None:
    recorded = register.record(OFFICE, PROCESSOR, ready_processor(contract_items=("h", "a")))
    (stored,) = register.history(PROCESSOR)
    assert stored == recorded
    assert stored.contract_items == ("a", "h")
    assert stored.sub_processors == (SubProcessor("Cloud KK", "JP", approved=True),)
    assert stored.to_json()["contract_from"] == "2025-04-01"
    assert stored.recorded_by == OFFICE.id
