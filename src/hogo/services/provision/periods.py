"""How long records of provision and receipt are kept (APPI A29(2), A30(4); PPC Rules Arts
21, 25; R-34, R-35, D13).

A record made in place of a contract's own documents (the provision was to supply goods or
services to the person under a contract) is kept one year from the last provision; a record
made in bulk for continuous or repeated provision, three years from the last provision; any
other record, three years from when it was made. hogo counts each provision as its own last
one, so every record's date is fixed when it is written and never moves earlier.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

from hogo.errors import ValidationFailed

RecordMethod = Literal["individual", "bulk", "contract_substitute"]
METHODS: tuple[str, ...] = ("individual", "bulk", "contract_substitute")
YEARS: dict[str, int] = {"contract_substitute": 1, "bulk": 3, "individual": 3}


def check_method(method: str) -> RecordMethod:
    if method not in METHODS:
        raise ValidationFailed(f"unknown record method {method!r}; expected {', '.join(METHODS)}")
    return cast(RecordMethod, method)


def record_retain_until(method: str, at: dt.datetime) -> dt.datetime:
    """When a record made at ``at`` by ``method`` may first be deleted.

    From 29 February into a common year the period runs to the end of 28 February (Civil
    Code Art. 143(2)); the record is kept to 1 March, never a moment less.
    """
    years = YEARS[check_method(method)]
    try:
        return at.replace(year=at.year + years)
    except ValueError:
        return at.replace(year=at.year + years, month=3, day=1)
