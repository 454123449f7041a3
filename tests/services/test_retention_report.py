"""The retention report (R-12, D18) and the card-data purge check of PCI DSS 3.2.1 (D31).

Items are stored through the services, then their ``retain_until`` (and, for one, the rule) is
set directly in the database, so that each lands where the test needs it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, update

from hogo.errors import Forbidden, ValidationFailed
from hogo.mail.memory import MemorySender
from hogo.runtime import Hogo, open_hogo
from hogo.services.actor import Actor
from hogo.services.retention.counts import NO_RULE, RuleCount
from hogo.services.retention.report import (
    CARD_ITEMS_OVERDUE,
    NO_SWEEP,
    OK,
    OVERDUE,
    SWEEP_TOO_OLD,
    RetentionReport,
    card_categories,
    retention_report,
)
from hogo.services.retention.runlog import start_run
from hogo.settings import Settings
from hogo.store.tables import items
from hogo.vault.items import NewItem

POLICY = Path(__file__).parents[2] / "examples" / "policy.yaml"
OFFICE = Actor("officer-1", "privacy_office")
T0 = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.UTC)  # the clock: sweeps finish at T0
AS_OF = T0 + dt.timedelta(days=10)
DAY = dt.timedelta(days=1)
CARD = "4111111111111111"


@pytest.fixture
def hogo(database_url: str, tmp_path: Path) -> Iterator[Hogo]:
    settings = Settings(
        master_key=base64.b64encode(os.urandom(32)).decode(), key_file=tmp_path / "k"
    )
    opened = open_hogo(
        database_url, POLICY, settings=settings, mailer=MemorySender(), clock=lambda: T0
    )
    yield opened
    opened.close()


def inquiry(text: str = "返品について") -> NewItem:
    return NewItem("inquiry_details", text, ["inquiry_handling"])


def answer() -> NewItem:
    return NewItem("questionnaire_answers", "満足", ["product_development_analysis"])


def card() -> NewItem:
    return NewItem("card_number", CARD, ["invoicing_payment"])


def customer(hogo: Hogo, ref: str, new_items: Sequence[NewItem]) -> tuple[int, list[int]]:
    subject_id = hogo.subjects.create(OFFICE, group="customers", ref=ref)
    return subject_id, hogo.subjects.store(OFFICE, subject_id, new_items)


def ends_at(hogo: Hogo, item_ids: Sequence[int], until: dt.datetime, **more: Any) -> None:
    """Set the items' ``retain_until`` (and any other column) directly."""
    with hogo.engine.begin() as connection:
        connection.execute(
            update(items).where(items.c.id.in_(item_ids)).values(retain_until=until, **more)
        )


def report(hogo: Hogo, as_of: dt.datetime = AS_OF) -> RetentionReport:
    return retention_report(hogo.engine, hogo.policy, OFFICE, as_of)


def test_R12_upcoming_deletions_per_rule_in_30_and_90_days(hogo: Hogo) -> None:
    """R-12, D18: items ending in (as_of, as_of + 30d] and + 90d, per rule and method, with
    distinct people; items without a rule are "(none)"; what ends later or has ended is not
    upcoming."""
    _, first = customer(hogo, "c-1", [inquiry(), inquiry(), inquiry(), answer()])
    _, second = customer(hogo, "c-2", [inquiry(), inquiry()])
    ends_at(hogo, first[:2], AS_OF + 10 * DAY)
    ends_at(hogo, first[2:3], AS_OF + 60 * DAY)
    ends_at(hogo, first[3:], AS_OF + 89 * DAY)
    ends_at(hogo, second[:1], AS_OF + 30 * DAY)  # the last moment of the window counts
    ends_at(hogo, second[1:], AS_OF + 5 * DAY, retention_rule=None)
    _, outside = customer(hogo, "c-3", [inquiry(), inquiry()])
    ends_at(hogo, outside[:1], AS_OF + 91 * DAY)
    ends_at(hogo, outside[1:], AS_OF)  # ends now: not upcoming

    found = report(hogo)

    month, quarter = found.upcoming
    assert (month.days, quarter.days) == (30, 90)
    assert month.until == AS_OF + 30 * DAY
    assert month.rows == (
        RuleCount(NO_RULE, "delete", 1, 1),
        RuleCount("inquiries", "delete", 3, 2),
    )
    assert quarter.rows == (
        RuleCount(NO_RULE, "delete", 1, 1),
        RuleCount("analysis", "anonymise", 1, 1),
        RuleCount("inquiries", "delete", 4, 2),
    )
    assert (month.items, quarter.items) == (4, 6)


def test_R12_overdue_held_and_waiting_items_per_rule(hogo: Hogo) -> None:
    """R-12: overdue is past retain_until by more than a day and under no hold; R-13: held
    items are listed apart; items whose clock waits for an event have no end yet."""
    _, late = customer(hogo, "c-1", [inquiry(), inquiry(), inquiry()])
    ends_at(hogo, late[:2], AS_OF - 2 * DAY)
    ends_at(hogo, late[2:], AS_OF - dt.timedelta(hours=12))  # within the day's grace
    held_subject, kept = customer(hogo, "c-2", [inquiry(), answer()])
    ends_at(hogo, kept, AS_OF - 5 * DAY)
    hogo.holds.place(OFFICE, "訴訟 2030-ワ-12", "legal", subject_id=held_subject)
    customer(hogo, "c-3", [card()])  # card_data waits for payment_relationship_ended

    found = report(hogo)

    assert found.overdue == (RuleCount("inquiries", "delete", 2, 1),)
    assert found.held == (
        RuleCount("analysis", "anonymise", 1, 1),
        RuleCount("inquiries", "delete", 1, 1),
    )
    assert RuleCount("card_data", "delete", 1, 1) in found.waiting
    assert all(row.rule != NO_RULE for row in found.waiting)


def test_R12_a_sweep_clears_overdue_and_is_listed(hogo: Hogo) -> None:
    """R-12: once a sweep runs nothing is overdue; the report lists the run, its items."""
    _, late = customer(hogo, "c-1", [inquiry(), inquiry()])
    ends_at(hogo, late, AS_OF - 2 * DAY)
    assert report(hogo).sweeps == ()

    hogo.sweeper.run(OFFICE, AS_OF)
    found = report(hogo)

    assert found.overdue == ()
    (run,) = found.sweeps
    assert (run.as_of, run.finished_at, run.run_by, run.items) == (AS_OF, T0, "officer-1", 2)


def test_D31_card_data_are_tokenised_and_property_damage_categories(hogo: Hogo) -> None:
    """D31: card data are the categories stored as tokens or whose deid role is
    property_damage."""
    found = card_categories(hogo.policy)
    assert {"card_number", "card_expiry", "card_security_code"} <= set(found)
    assert "inquiry_details" not in found


def test_D31_without_any_sweep_the_check_is_overdue(hogo: Hogo) -> None:
    """D31: no finished sweep on record is overdue."""
    check = report(hogo).card
    assert (check.status, check.problems, check.last_sweep_at) == (OVERDUE, (NO_SWEEP,), None)
    assert "no sweep has finished" in check.reason


def test_D31_ok_after_a_sweep_within_92_days(hogo: Hogo) -> None:
    """D31 (PCI DSS 3.2.1): a sweep finished within three months and no card item overdue."""
    _, cards = customer(hogo, "c-1", [card()])
    ends_at(hogo, cards, AS_OF - 3 * DAY)
    run = hogo.sweeper.run(OFFICE, AS_OF)

    check = report(hogo).card

    assert (check.status, check.problems, check.overdue_items) == (OK, (), 0)
    assert (check.last_sweep_run, check.last_sweep_at, check.days_since_sweep) == (
        run.run_id,
        T0,
        10,
    )
    assert report(hogo, T0 + 92 * DAY).card.status == OK  # the 92nd day still counts


def test_D31_overdue_when_the_last_sweep_is_older_than_92_days(hogo: Hogo) -> None:
    """D31: the last finished sweep more than 92 days before as_of is overdue; a run that
    never finished does not count."""
    hogo.sweeper.run(OFFICE, T0)
    with hogo.engine.begin() as connection:  # a later run, stopped half way
        start_run(connection, T0 + 90 * DAY, T0 + 90 * DAY, "officer-1", "host-2")
    check = report(hogo, T0 + 93 * DAY).card
    assert (check.status, check.problems, check.days_since_sweep) == (
        OVERDUE,
        (SWEEP_TOO_OLD,),
        93,
    )
    assert "93 days ago, more than 92" in check.reason


def test_D31_overdue_when_a_card_item_is_past_retention_unless_held(hogo: Hogo) -> None:
    """D31: a card item past retention (by more than a day) and under no hold fails the
    check even after a recent sweep; a legal hold on it does not (R-13)."""
    hogo.sweeper.run(OFFICE, T0)
    _, cards = customer(hogo, "c-1", [card()])
    ends_at(hogo, cards, AS_OF - 2 * DAY)

    check = report(hogo).card
    assert (check.status, check.problems, check.overdue_items) == (
        OVERDUE,
        (CARD_ITEMS_OVERDUE,),
        1,
    )
    assert "1 card items are past their retention" in check.reason

    hogo.holds.place(OFFICE, "不正利用の調査", "security", category="card_number")
    assert report(hogo).card.status == OK
    assert RuleCount("card_data", "delete", 1, 1) in report(hogo).held


def test_R12_the_report_is_the_privacy_offices_and_needs_an_aware_moment(hogo: Hogo) -> None:
    """R-12: another role is refused; a moment without a zone is refused."""
    with pytest.raises(Forbidden, match="retention report"):
        retention_report(hogo.engine, hogo.policy, Actor("mk-1", "marketing"), AS_OF)
    with pytest.raises(ValidationFailed, match="time zone"):
        report(hogo, AS_OF.replace(tzinfo=None))


def test_R12_counts_take_the_same_statements_for_any_number_of_items(hogo: Hogo) -> None:
    """R-12: every count is a GROUP BY in the database: more items, no more statements."""

    def statements() -> int:
        seen: list[str] = []

        def note(*args: Any) -> None:
            seen.append(str(args[2]))

        event.listen(hogo.engine, "before_cursor_execute", note)
        try:
            report(hogo)
        finally:
            event.remove(hogo.engine, "before_cursor_execute", note)
        return len(seen)

    _, few = customer(hogo, "c-1", [inquiry()])
    ends_at(hogo, few, AS_OF + DAY)
    before = statements()
    _, many = customer(hogo, "c-2", [inquiry(str(n)) for n in range(40)])
    ends_at(hogo, many, AS_OF - 2 * DAY)
    assert statements() == before


def test_R12_D31_the_report_as_json(hogo: Hogo) -> None:
    """R-12, D31: the report's JSON form parses and carries the check's status and reason."""
    _, late = customer(hogo, "c-1", [inquiry()])
    ends_at(hogo, late, AS_OF + 3 * DAY)
    hogo.sweeper.run(OFFICE, T0)

    found = json.loads(json.dumps(report(hogo).as_dict()))

    assert found["as_of"] == AS_OF.isoformat()
    assert found["upcoming"][0]["rules"] == [
        {"rule": "inquiries", "method": "delete", "items": 1, "subjects": 1}
    ]
    assert found["sweeps"][0]["interrupted"] is False
    assert found["card_data"]["status"] == "ok"
    assert found["card_data"]["limit_days"] == 92
