"""Request and response bodies of the API (validated by pydantic, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
    method: Annotated[str, StringConstraints(min_length=1, max_length=32)] = "api"


class StatusIn(Body):
    status: Literal["active", "suspended", "erased"]


class Health(BaseModel):
    status: Literal["ok"]
    policy_version: str
