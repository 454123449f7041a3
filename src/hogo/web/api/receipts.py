"""Records of personal data received from third parties (APPI A30; PPC Rules Arts 22–25; R-35).

``POST /v1/receipts`` records one receipt per person named, all or nothing; the key's role
must cover the people's subject groups and the categories received (R-16).
``GET /v1/subjects/{subject_id}/receipts`` lists a person's receipts, for a role that covers
the person's group; they are part of what a disclosure of provision records answers (R-40).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hogo.services.provision.receipts import Receipt
from hogo.web.api.deps import ActorDep, HogoDep

router = APIRouter(tags=["receipts"])

Line = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Category = Annotated[str, StringConstraints(min_length=1, max_length=64)]
MAX_PEOPLE = 50_000


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_ids: list[int] = Field(min_length=1, max_length=MAX_PEOPLE)
    provider_name: Line
    provider_address: Line
    provider_representative: Line
    provider_acquisition: Line = Field(description="How the provider acquired the data")
    basis: Literal["consent", "opt_out", "referable", "individual"]
    categories: list[Category] = Field(min_length=1, max_length=200)
    method: Literal["individual", "bulk", "contract_substitute"]
    received_at: dt.datetime | None = Field(None, description="Default: now")
    consent_confirmed: bool = False
    ppc_published: bool | None = None


class ReceiptsRecorded(BaseModel):
    ids: list[int]
    subject_ids: list[int]
    retain_until: dt.datetime


class ReceiptOut(BaseModel):
    id: int
    subject_id: int
    provider_name: str
    provider_address: str
    provider_representative: str
    provider_acquisition: str
    basis: str
    consent_confirmed: bool
    ppc_published: bool | None
    categories: list[str]
    method: str
    received_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    retain_until: dt.datetime


class ReceiptList(BaseModel):
    receipts: list[ReceiptOut]


def _out(receipt: Receipt) -> ReceiptOut:
    return ReceiptOut.model_validate(receipt.to_json())


@router.post("/v1/receipts", status_code=status.HTTP_201_CREATED)
def record_receipts(body: ReceiptIn, hogo: HogoDep, actor: ActorDep) -> ReceiptsRecorded:
    """One receipt per person, all or nothing, kept 1 or 3 years by ``method`` (D13)."""
    recorded = hogo.receipts.record(
        actor,
        body.subject_ids,
        body.provider_name,
        body.provider_address,
        body.provider_representative,
        body.provider_acquisition,
        body.basis,
        body.categories,
        body.method,
        body.received_at,
        body.consent_confirmed,
        ppc_published=body.ppc_published,
    )
    return ReceiptsRecorded(
        ids=list(recorded.ids),
        subject_ids=list(recorded.subject_ids),
        retain_until=recorded.retain_until,
    )


@router.get("/v1/subjects/{subject_id}/receipts")
def subject_receipts(subject_id: int, hogo: HogoDep, actor: ActorDep) -> ReceiptList:
    """The person's receipts, the earliest received first."""
    hogo.subjects.require_group(actor, hogo.subjects.get(subject_id).group)
    return ReceiptList(receipts=[_out(r) for r in hogo.receipts.for_subject(subject_id)])
