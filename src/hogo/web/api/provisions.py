"""Provision to recipients over the API (R-29–R-34, R-40).

``POST /v1/provisions`` provides as ``hogo provide`` does; the file is written into the server's
export folder (``HOGO_EXPORT_DIR``) under a name hogo chooses, and ``GET
/v1/provisions/{id}/file`` hands it out while it is exactly as written (its sha256 is in the
provision). A refusal is a ``provision_refused`` problem naming the reason and, when people
are the reason, listing them in ``excluded``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hogo.services.provision.basis import Order, Referable
from hogo.services.provision.export import export_format
from hogo.services.provision.provide import Delivery, People, Provided
from hogo.services.provision.records import LogFilter
from hogo.web.api.deps import ActorDep, HogoDep

router = APIRouter(tags=["provision"])

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ReferableIn(BaseModel):
    """Personally referable information to a third party (APPI A31; R-36)."""

    model_config = ConfigDict(extra="forbid")

    linkage_expected: bool
    confirmation: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class ProvisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: Name
    purpose: Name
    categories: list[Name] = Field(min_length=1, max_length=200)
    basis: Literal["entrustment", "joint_use", "succession", "consent", "exception"]
    subject_ids: list[int] = Field(default_factory=list, max_length=1_000_000)
    group: Name | None = None
    exception: Name | None = None
    justification: Annotated[str, StringConstraints(max_length=2000)] | None = None
    referable: ReferableIn | None = None
    format: Literal["parquet", "csv", "jsonl"] = "parquet"
    encrypt: bool = False
    method: Literal["individual", "bulk", "contract_substitute"] = "individual"
    allow_partial: bool = False


class ExcludedOut(BaseModel):
    subject_id: int
    reason: str


class ProvisionOut(BaseModel):
    id: int
    recipient: str
    purpose: str
    basis: str
    categories: list[str]
    people: int
    format: str
    encrypted: bool
    sha256: str
    statutory: bool
    provided_at: dt.datetime
    retain_until: dt.datetime
    file: str
    excluded: list[ExcludedOut]


class ProvisionSummaryOut(BaseModel):
    id: int
    provided_at: dt.datetime
    provided_by: str
    recipient: str
    purpose: str
    basis: str
    categories: list[str]
    people: int
    method: str
    format: str
    encrypted: bool
    file_sha256: str
    statutory: bool
    retain_until: dt.datetime


def _file_name(body: ProvisionIn, at: dt.datetime) -> str:
    suffix = export_format(body.format).suffix + (".age" if body.encrypt else "")
    return f"provision-{at:%Y%m%dT%H%M%S%f}-{body.recipient}{suffix}"


def _out(done: Provided) -> ProvisionOut:
    return ProvisionOut(
        id=done.id,
        recipient=done.order.recipient,
        purpose=done.order.purpose,
        basis=done.order.basis,
        categories=list(done.order.categories),
        people=done.people,
        format=done.format,
        encrypted=done.encrypted,
        sha256=done.sha256,
        statutory=done.statutory,
        provided_at=done.provided_at,
        retain_until=done.retain_until,
        file=f"/v1/provisions/{done.id}/file",
        excluded=[ExcludedOut(subject_id=e.subject_id, reason=e.reason) for e in done.excluded],
    )


@router.post("/v1/provisions", status_code=status.HTTP_201_CREATED)
def provide(body: ProvisionIn, hogo: HogoDep, actor: ActorDep) -> ProvisionOut:
    """Provide to a recipient of the policy, with a record per person, or refuse it whole."""
    folder = hogo.provision.export_dir
    folder.mkdir(parents=True, exist_ok=True)
    order = Order(
        body.recipient,
        body.purpose,
        tuple(body.categories),
        body.basis,
        body.exception,
        body.justification,
        None
        if body.referable is None
        else Referable(body.referable.linkage_expected, body.referable.confirmation),
    )
    people = People(subject_ids=tuple(body.subject_ids), group=body.group)
    target = folder / _file_name(body, dt.datetime.now(dt.UTC))
    delivery = Delivery(target, body.format, body.encrypt, body.method)
    done = hogo.provision.provide(actor, order, people, delivery, allow_partial=body.allow_partial)
    return _out(done)


@router.get("/v1/provisions")
def provision_log(
    hogo: HogoDep,
    actor: ActorDep,
    recipient: Annotated[str | None, Query(max_length=64)] = None,
    subject_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[ProvisionSummaryOut]:
    """The provision log, the latest first, filtered by recipient, person and date."""
    found = hogo.provision.log(actor, LogFilter(recipient, subject_id, since, until, limit))
    return [ProvisionSummaryOut(**{**p.to_json(), "categories": list(p.categories)}) for p in found]


@router.get("/v1/provisions/{provision_id}/file")
def provision_file(provision_id: int, hogo: HogoDep, actor: ActorDep) -> FileResponse:
    """The file a provision wrote, if it is still exactly as written; the download is audited."""
    path = hogo.provision.exported_file(actor, provision_id)
    return FileResponse(path, filename=path.name, media_type="application/octet-stream")


@router.get("/v1/subjects/{subject_id}/provision-records")
def person_records(subject_id: int, hogo: HogoDep, actor: ActorDep) -> list[dict[str, object]]:
    """One person's records of provision (R-40), as a disclosure gives them."""
    return [found.to_json() for found in hogo.provision.records_of(actor, subject_id)]
