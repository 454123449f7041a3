"""The recipients register (R-21, R-33): each recipient of the policy and its facts.

Any key may read the register; recording facts (``PUT /v1/recipients/{id}/facts``) is for
the privacy office, and any other role is ``forbidden``. Facts are never changed: each PUT
appends the whole of the recipient's facts as a new row, and the latest row is current.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hogo.services.provision.recipients import (
    FactsInput,
    RecipientFacts,
    RecipientStatus,
    SubProcessor,
)
from hogo.web.api.deps import ActorDep, HogoDep

router = APIRouter(prefix="/v1/recipients", tags=["recipients"])

Line = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
ContractItem = Literal["a", "b", "c", "d", "e", "f", "g", "h"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubProcessorIn(Body):
    name: Line
    country: Country
    approved: bool


class FactsIn(Body):
    """The whole of a recipient's facts; what is left out is recorded as absent."""

    legal_name: Line
    address: Line
    representative: Line
    country: Country | None = Field(None, description="Where it is; default: the policy's")
    contract_ref: Annotated[str, StringConstraints(max_length=200)] | None = None
    contract_from: dt.date | None = None
    contract_until: dt.date | None = None
    security_terms: LongText | None = None
    contract_items: list[ContractItem] = Field(default_factory=list, max_length=8)
    sub_processors: list[SubProcessorIn] = Field(default_factory=list, max_length=200)
    supervised_on: dt.date | None = None
    supervision_days: int | None = Field(None, ge=1, le=3660)
    foreign_basis: Literal["consent", "system", "adequate"] | None = None
    foreign_system: LongText | None = None
    system_checked_on: dt.date | None = None
    measures: LongText | None = None
    public_key: LongText | None = None


class SubProcessorOut(BaseModel):
    name: str
    country: str
    approved: bool


class FactsOut(BaseModel):
    id: int
    recipient: str
    legal_name: str
    address: str
    representative: str
    country: str | None
    contract_ref: str | None
    contract_from: dt.date | None
    contract_until: dt.date | None
    security_terms: str | None
    contract_items: list[str]
    sub_processors: list[SubProcessorOut]
    supervised_on: dt.date | None
    supervision_days: int | None
    foreign_basis: str | None
    foreign_system: str | None
    system_checked_on: dt.date | None
    measures: str | None
    public_key: str | None
    recorded_at: dt.datetime
    recorded_by: str


class TitleOut(BaseModel):
    ja: str
    en: str


class StatusOut(BaseModel):
    id: str
    title: TitleOut
    kind: str
    basis: str
    country: str
    foreign: bool
    ready: bool
    problems: list[str]
    supervision_due: dt.date | None
    system_check_due: dt.date | None
    facts: FactsOut | None


class StatusList(BaseModel):
    recipients: list[StatusOut]


class DeclaredOut(BaseModel):
    """What the policy says of the recipient (§5)."""

    groups: list[str]
    purposes: list[str]
    categories: list[str]
    country: str


class RecipientOut(StatusOut):
    declared: DeclaredOut


class HistoryOut(BaseModel):
    recipient: str
    facts: list[FactsOut]


def _status(status: RecipientStatus) -> StatusOut:
    return StatusOut.model_validate(status.to_json())


def _facts(facts: RecipientFacts) -> FactsOut:
    return FactsOut.model_validate(facts.to_json())


def _recipient(status: RecipientStatus) -> RecipientOut:
    declared = DeclaredOut.model_validate(status.declared, from_attributes=True)
    return RecipientOut(**_status(status).model_dump(), declared=declared)


@router.get("")
def list_recipients(hogo: HogoDep, _actor: ActorDep) -> StatusList:
    """Every recipient of the policy, in its order: ready today, or why not."""
    return StatusList(recipients=[_status(status) for status in hogo.recipients.statuses()])


@router.get("/{recipient_id}")
def get_recipient(recipient_id: str, hogo: HogoDep, _actor: ActorDep) -> RecipientOut:
    """What the policy declares, the current facts, every problem and the dates due."""
    return _recipient(hogo.recipients.status(recipient_id))


@router.put("/{recipient_id}/facts")
def record_facts(recipient_id: str, body: FactsIn, hogo: HogoDep, actor: ActorDep) -> RecipientOut:
    """Append the recipient's facts (privacy office only); answers the status that results."""
    given = FactsInput(
        **body.model_dump(exclude={"contract_items", "sub_processors"}),
        contract_items=tuple(body.contract_items),
        sub_processors=tuple(
            SubProcessor(sub.name.strip(), sub.country.upper(), sub.approved)
            for sub in body.sub_processors
        ),
    )
    hogo.recipients.record(actor, recipient_id, given)
    return _recipient(hogo.recipients.status(recipient_id))


@router.get("/{recipient_id}/history")
def recipient_history(recipient_id: str, hogo: HogoDep, _actor: ActorDep) -> HistoryOut:
    """Every row of facts recorded, the earliest first."""
    rows = hogo.recipients.history(recipient_id)
    return HistoryOut(recipient=recipient_id, facts=[_facts(row) for row in rows])
