"""When an item's retention ends under the example policy's rules (R-12, R-13, D18, D23)."""

from __future__ import annotations

import datetime as dt

from hogo.policy.model import Policy
from hogo.policy.retention import CLOCK_EVENTS, Ending, RetentionTerms, known_events

T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


def at(year: int, month: int, day: int) -> dt.datetime:
    return T0.replace(year=year, month=month, day=day)


def test_R12_a_rule_counted_from_collection_ends_its_duration_later(policy: Policy) -> None:
    """R-12: inquiries are kept three years from collection."""
    found = RetentionTerms(policy).ending("customers", "inquiry_details", ["inquiry_handling"], T0)
    assert found == Ending("inquiries", at(2029, 11, 25), "delete")


def test_R12_an_event_clock_has_no_end_until_the_event(policy: Policy) -> None:
    """R-12: an applicant's CV is kept until one year after the decision not to hire."""
    terms = RetentionTerms(policy)
    waiting = terms.ending("applicants", "cv", ["recruitment"], T0)
    assert waiting == Ending("applicants_not_hired", None, "delete")
    decided = {"applicant_not_hired": at(2027, 2, 1)}
    assert terms.ending("applicants", "cv", ["recruitment"], T0, decided).until == at(2028, 2, 1)
    assert terms.events("applicants", "cv", ["recruitment"]) == {"applicant_not_hired"}


def test_R12_last_activity_counts_from_the_later_of_collection_and_activity(
    policy: Policy,
) -> None:
    """R-12: after-sales data is kept five years after the last contact."""
    terms = RetentionTerms(policy)
    purposes = ["after_sales_service"]
    assert terms.ending("customers", "repair_records", purposes, T0).until == at(2031, 11, 25)
    active = {"activity": at(2028, 6, 1)}
    moved = terms.ending("customers", "repair_records", purposes, T0, active)
    assert moved.until == at(2033, 6, 1)
    stale = {"activity": at(2020, 1, 1)}
    assert terms.ending("customers", "repair_records", purposes, T0, stale).until == at(
        2031, 11, 25
    )


def test_R12_an_item_of_several_purposes_is_kept_until_the_last_ends(policy: Policy) -> None:
    """R-12, D18: an e-mail address used for an order (7 years) and an inquiry (3 years) is
    needed until the longer ends; the rule that decides is the order's."""
    found = RetentionTerms(policy).ending(
        "customers", "email", ["inquiry_handling", "order_confirmation"], T0
    )
    assert found == Ending("customer_orders", at(2033, 11, 25), "delete")


def test_R12_one_open_purpose_keeps_the_item_without_an_end(policy: Policy) -> None:
    """R-12: while a member has not withdrawn, their name used for membership has no end, even
    if it also served an inquiry."""
    found = RetentionTerms(policy).ending(
        "customers", "name", ["inquiry_handling", "membership_service"], T0
    )
    assert (found.rule, found.until) == ("membership", None)


def test_R13_D23_a_legal_floor_is_never_shortened(policy: Policy) -> None:
    """R-13, D23: a resignee's records end five years after resignation and never before five
    years from collection, whatever the event's date."""
    terms = RetentionTerms(policy)
    purposes = ["resignee_labour_compliance"]
    early = {"relationship_ended": at(2020, 1, 1)}
    found = terms.ending("resignees", "employee_code", purposes, T0, early)
    assert found == Ending("resignee_records", at(2031, 11, 25), "delete")
    assert terms.floor("resignee_records", T0) == at(2031, 11, 25)
    assert terms.floor("inquiries", T0) == T0
    assert terms.floor(None, T0) == T0


def test_R12_the_anonymise_rule_and_a_category_no_rule_covers(policy: Policy) -> None:
    """R-12: the analysis rule ends in anonymisation; an uncovered kind of item has no rule."""
    terms = RetentionTerms(policy)
    found = terms.ending("customers", "preference_profile", ["product_development_analysis"], T0)
    assert (found.rule, found.method) == ("analysis", "anonymise")
    assert terms.ending("customers", "name", ["no_such_purpose"], T0) == Ending(
        None, None, "delete"
    )


def test_R12_the_events_a_subject_may_have(policy: Policy) -> None:
    """R-12: the built-in clock events and the policy's declared ones."""
    assert known_events(policy) == {
        *CLOCK_EVENTS.values(),
        "applicant_not_hired",
        "campaign_closed",
        "payment_relationship_ended",
    }
