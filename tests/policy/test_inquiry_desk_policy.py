"""The inquiry desk's response days and retention in the policy file (R-47, APPI A40)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hogo.policy.model import Policy

Edit = Callable[[str, str, str, str], tuple[str, int]]
ProblemsOf = Callable[[str], list[str]]


def test_R47_example_answers_in_14_days_and_keeps_closed_tickets_3_years(policy: Policy) -> None:
    assert policy.inquiry_desk.response_days == 14
    assert policy.inquiry_desk.retention == "P3Y"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        pytest.param(
            "response_days: 14",
            "response_days: 31",
            "inquiry_desk.response_days: Input should be less than or equal to 30 (got 31)",
            id="response_days over 30",
        ),
        pytest.param(
            "response_days: 14",
            "response_days: 0",
            "inquiry_desk.response_days: Input should be greater than or equal to 1 (got 0)",
            id="response_days zero",
        ),
        pytest.param(
            "retention: P3Y",
            "retention: 3 years",
            "inquiry_desk.retention: Value error, '3 years' is not an ISO 8601 duration such as"
            " P3Y, P6M or P30D (got '3 years')",
            id="retention not a duration",
        ),
        pytest.param(
            "retention: P3Y",
            "retention: P0D",
            "inquiry_desk.retention: a closed ticket must be kept for some time as the record of"
            " its handling (R-47)",
            id="R-47 retention zero",
        ),
    ],
)
def test_R47_desk_settings_are_checked(
    example_text: str, edit: Edit, problems_of: ProblemsOf, old: str, new: str, problem: str
) -> None:
    broken, line = edit(example_text, "\ninquiry_desk:\n", old, new)
    assert f"policy.yaml:{line}: {problem}" in problems_of(broken)
