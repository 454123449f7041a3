"""The recipient page's form: the facts of :class:`FactsInput` as text fields, and back.

Every field arrives as text. Dates are ``YYYY-MM-DD`` (Japanese calendar days, as the
register counts them); sub-processors are one a line, ``name, country code, approved|pending``;
the contract's GDPR Art 28(3) items are checkboxes ``a``–``h``. What cannot be read raises
:class:`~hogo.errors.ValidationFailed`, shown on the page like the register's own refusals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from pydantic import BaseModel, ConfigDict

from hogo.errors import ValidationFailed
from hogo.services.provision.recipients import (
    FactsInput,
    ForeignBasis,
    RecipientFacts,
    SubProcessor,
    sub_processors_of,
)

APPROVED = {"approved": True, "承認済み": True, "pending": False, "未承認": False}


class FactsForm(BaseModel):
    """The form as posted; every field text, the contract items a list of letters."""

    model_config = ConfigDict(str_strip_whitespace=True)

    csrf: str = ""
    legal_name: str = ""
    address: str = ""
    representative: str = ""
    country: str = ""
    contract_ref: str = ""
    contract_from: str = ""
    contract_until: str = ""
    security_terms: str = ""
    contract_items: list[str] = []
    sub_processors: str = ""
    supervised_on: str = ""
    supervision_days: str = ""
    foreign_basis: str = ""
    foreign_system: str = ""
    system_checked_on: str = ""
    measures: str = ""
    public_key: str = ""

    def shown(self) -> dict[str, Any]:
        """The values to put back in the form when it is shown again with a message."""
        return self.model_dump(exclude={"csrf"})


def _day(label: str, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{label}: {value!r} is not a date (YYYY-MM-DD)") from None


def _days(value: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(f"supervision_days: {value!r} is not a number of days") from None


def sub_processor_lines(text: str) -> tuple[SubProcessor, ...]:
    """``name, CC, approved|pending`` lines (blank lines skipped) as sub-processors."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.rsplit(",", 2)]
        if len(parts) != 3 or parts[2].lower() not in APPROVED:
            raise ValidationFailed(
                f"sub-processors, line {number}: {line.strip()!r} is not "
                "“name, country code, approved|pending”"
            )
        name, country, state = parts
        entries.append({"name": name, "country": country, "approved": APPROVED[state.lower()]})
    return sub_processors_of(entries)


def _basis(value: str) -> ForeignBasis | None:
    """The foreign basis named; the register refuses a name it does not know."""
    return cast(ForeignBasis, value) if value else None


def facts_input(form: FactsForm) -> FactsInput:
    """What the form says, as the :class:`FactsInput` the register records."""
    return FactsInput(
        legal_name=form.legal_name,
        address=form.address,
        representative=form.representative,
        country=form.country or None,
        contract_ref=form.contract_ref or None,
        contract_from=_day("contract_from", form.contract_from),
        contract_until=_day("contract_until", form.contract_until),
        security_terms=form.security_terms or None,
        contract_items=tuple(form.contract_items),
        sub_processors=sub_processor_lines(form.sub_processors),
        supervised_on=_day("supervised_on", form.supervised_on),
        supervision_days=_days(form.supervision_days),
        foreign_basis=_basis(form.foreign_basis),
        foreign_system=form.foreign_system or None,
        system_checked_on=_day("system_checked_on", form.system_checked_on),
        measures=form.measures or None,
        public_key=form.public_key or None,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def form_of(facts: RecipientFacts | None, country: str) -> dict[str, Any]:
    """The form filled with the current facts (a record replaces them all), or empty."""
    if facts is None:
        return FactsForm(country=country).shown()
    lines = "\n".join(
        f"{sub.name}, {sub.country}, {'approved' if sub.approved else 'pending'}"
        for sub in facts.sub_processors
    )
    names = [name for name in FactsForm.model_fields if name not in ("csrf", "sub_processors")]
    values: dict[str, Any] = {name: _text(getattr(facts, name)) for name in names}
    values["contract_items"] = list(facts.contract_items)
    return {**values, "sub_processors": lines}
