"""Where a purpose stands for a person, and the one change that applies (G-02, G-10, R-10,
R-64): the table the choices page is drawn from."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo.guard.state import ConsentAction, ConsentEvent, ConsentState
from hogo.policy.model import Policy
from hogo.services.choices import Choice

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ADS = "preference_advertising"  # consent: required
MAIL = "product_information_ads"  # consent: opt_out
S = ConsentState


def event(action: ConsentAction, version: str | None = "2022-04-01") -> ConsentEvent:
    return ConsentEvent("p", action, version, False, AT)


@pytest.mark.parametrize(
    ("purpose", "state", "latest", "minor", "standing", "action"),
    [
        (ADS, S.NONE, None, False, "not_granted", "grant"),
        (ADS, S.GRANTED, event("grant"), False, "granted", "withdraw"),
        (ADS, S.NONE, event("withdraw"), False, "withdrawn", "grant"),
        # a grant of an earlier text no longer counts; consent is asked again
        (ADS, S.NONE, event("grant", "2019"), False, "asked_again", "grant"),
        # a minor's consent comes from a guardian; the minor may still withdraw it
        (ADS, S.NONE, None, True, "not_granted", None),
        (ADS, S.GRANTED_BY_GUARDIAN, None, True, "granted_by_guardian", "withdraw"),
        (ADS, S.RESTRICTED, event("grant"), False, "restricted", None),
        # G-10: direct marketing stops on request and may be allowed again
        (MAIL, S.NONE, None, False, "in_use", "opt_out"),
        (MAIL, S.NONE, None, True, "in_use", "opt_out"),
        (MAIL, S.OPTED_OUT, event("opt_out"), False, "opted_out", "opt_in"),
        (MAIL, S.RESTRICTED, None, False, "restricted", None),
        ("membership_service", S.NONE, None, False, "not_required", None),
    ],
)  # fmt: skip
def test_G02_G10_R10_R64_each_standing_offers_the_one_change_that_applies(
    example_policy: Policy,
    purpose: str,
    state: ConsentState,
    latest: ConsentEvent | None,
    minor: bool,
    standing: str,
    action: str | None,
) -> None:
    choice = Choice(purpose, example_policy.purposes[purpose], state, latest, minor)
    assert choice.standing == standing
    assert choice.action == action
    assert choice.asked_again == (standing == "asked_again")
