"""Request and response bodies of the API (validated by pydantic, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hogo.services.rights.deadlines import Regime
from hogo.services.rights.kinds import RequestKind

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Value = Annotated[str, StringConstraints(min_length=1, max_length=100_000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubjectIn(Body):
    group: Name
    ref: Ref = Field(description="The application's own reference for the subject")
    birth_date: dt.date | None = None
    jurisdiction: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")] | None = None


class SubjectOut(BaseModel):
    id: int
    group: str
    ref: str
    jurisdiction: str
    status: str


class SubjectList(BaseModel):
    subjects: list[int]


class ItemIn(Body):
    category: Name
    value: Value
    purposes: Annotated[list[Name], Field(min_length=1, max_length=100)]
    source: Literal["direct", "third_party", "public", "succession"] = "direct"


class ItemsIn(Body):
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=1000)]


class ItemIds(BaseModel):
    ids: list[int]


class AccessIn(Body):
    purpose: Name
    categories: Annotated[list[Name], Field(min_length=1, max_length=200)]


class DecisionIn(AccessIn):
    subject_id: int


class OutcomeOut(BaseModel):
    category: str
    allowed: bool
    reason: str | None = Field(description="Why the category was denied; null when allowed")


class DecisionOut(BaseModel):
    subject_id: int
    purpose: str
    role: str
    outcomes: list[OutcomeOut]


class ItemOut(BaseModel):
    category: str
    value: str = Field(description="The value, or its masked form for tokenised categories")
    purposes: list[str]
    collected_at: dt.datetime
    retain_until: dt.datetime | None


class AccessOut(BaseModel):
    decision: DecisionOut
    items: list[ItemOut]


class ConsentIn(Body):
    purpose: Name
    action: Literal["grant", "withdraw", "opt_out", "opt_in"]
    version: Annotated[str, StringConstraints(max_length=64)] | None = None
    by_guardian: bool = False
    guardian_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    guardian_relationship: Literal["parent", "guardian", "other_legal_representative"] | None = None
    guardian_verification: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="How the guardian's authority was checked, e.g. id_document"
    )
    method: Annotated[str, StringConstraints(min_length=1, max_length=32)] = "api"
    evidence: dict[Literal["page", "form", "user_agent", "ip"], str] | None = Field(
        default=None, description="Page, form, user agent and IP (kept truncated) of the choice"
    )


class StatusIn(Body):
    status: Literal["active", "suspended", "erased"]


class Health(BaseModel):
    status: Literal["ok"]
    policy_version: str


class RequestIn(Body):
    """A rights request as received (R-38–R-45, G-05)."""

    subject_id: int
    kind: RequestKind
    regime: Regime
    fee_jpy: int = Field(default=0, description="A fee, only for APPI A38 requests (R-45)")
    ground: Name | None = Field(default=None, description="The A35 ground of an APPI request")
    details: dict[str, Any] = Field(default_factory=dict)


class ChangeIn(Body):
    """One change of a correction request (APPI A34): correct, add or delete an item."""

    kind: Literal["correct", "add", "delete"]
    item_id: int | None = Field(default=None, description="The item to correct or delete")
    category: Name | None = Field(default=None, description="The category of an added item")
    value: Value | None = Field(default=None, description="The new value")
    purposes: list[Name] = Field(default_factory=list, description="Purposes of an added item")


class FulfilIn(Body):
    changes: list[ChangeIn] = Field(
        default_factory=list, max_length=200, description="For a correction: what to change"
    )
    purposes: list[Name] | None = Field(
        default=None,
        description="For a suspension, restriction, objection or consent withdrawal: the "
        "purposes it covers (default: the request's, else every purpose concerned)",
    )
    partial_reason: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="Why only part was done; needs a ground (R-43)"
    )
    ground: Name | None = None


class RefuseIn(Body):
    reason: Annotated[str, StringConstraints(max_length=2000)]
    ground: Name


class ExtendIn(Body):
    reason: Annotated[str, StringConstraints(max_length=2000)]


class RequestOut(BaseModel):
    id: int
    subject_id: int
    kind: str
    status: str
    regime: str
    ground: str | None
    fee_jpy: int
    received_at: dt.datetime
    due_at: dt.date = Field(description="Due date before any extension (D16, G-05)")
    may_sue_from: dt.date | None = Field(description="APPI A39: first day the person may sue")
    extended_due_at: dt.date | None
    extension_notice_at: dt.datetime | None
    effective_due: dt.date = Field(description="The due date in force")
    closed_at: dt.datetime | None
    decision_ground: str | None
    reason: str | None
    details: dict[str, Any]


class ErasuresIn(Body):
    request_ids: Annotated[list[int], Field(min_length=1, max_length=10_000)]


class RequestOutcomeOut(BaseModel):
    request_id: int
    status: str
    reason: str | None
    work: dict[str, Any]


class OutcomeList(BaseModel):
    outcomes: list[RequestOutcomeOut]


class FulfilOut(RequestOut):
    work: dict[str, Any] = Field(description="What was done: items disclosed, erased, kept …")


class RequestEventOut(BaseModel):
    at: dt.datetime
    actor: str
    from_status: str | None
    to_status: str
    detail: dict[str, Any]


class RequestHistoryOut(RequestOut):
    events: list[RequestEventOut]


class RequestList(BaseModel):
    requests: list[RequestOut]
