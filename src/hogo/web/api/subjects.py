"""Subjects, their items, consent events and status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from hogo.errors import ValidationFailed
from hogo.vault.items import NewItem, SubjectRow
from hogo.web.api.deps import ActorDep, HogoDep
from hogo.web.api.schemas import (
    ConsentIn,
    ItemIds,
    ItemsIn,
    StatusIn,
    SubjectIn,
    SubjectList,
    SubjectOut,
)

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


def _out(record: SubjectRow) -> SubjectOut:
    return SubjectOut.model_validate(record, from_attributes=True)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_subject(body: SubjectIn, hogo: HogoDep, actor: ActorDep) -> SubjectOut:
    subject_id = hogo.subjects.create(
        actor,
        group=body.group,
        ref=body.ref,
        birth_date=body.birth_date,
        jurisdiction=body.jurisdiction,
    )
    return _out(hogo.subjects.get(subject_id))


@router.get("")
def find_subjects(
    hogo: HogoDep,
    actor: ActorDep,
    email: Annotated[str | None, Query(max_length=320)] = None,
    phone: Annotated[str | None, Query(max_length=64)] = None,
) -> SubjectList:
    """Find subjects by e-mail address or phone number, through the blind index."""
    if (email is None) == (phone is None):
        raise ValidationFailed("give exactly one of the query parameters email or phone")
    kind, value = ("email", email) if email is not None else ("phone", phone)
    return SubjectList(subjects=hogo.subjects.find(actor, kind, value or ""))


@router.get("/{subject_id}")
def get_subject(subject_id: int, hogo: HogoDep, actor: ActorDep) -> SubjectOut:
    """The subject's registration (no personal data items)."""
    record = hogo.subjects.get(subject_id)
    hogo.subjects.require_group(actor, record.group)
    return _out(record)


@router.post("/{subject_id}/items", status_code=status.HTTP_201_CREATED)
def store_items(subject_id: int, body: ItemsIn, hogo: HogoDep, actor: ActorDep) -> ItemIds:
    """Store items for the purposes they were collected for; all or nothing."""
    new_items = [
        NewItem(
            category=item.category,
            value=item.value,
            purposes=tuple(item.purposes),
            source=item.source,
        )
        for item in body.items
    ]
    return ItemIds(ids=hogo.subjects.store(actor, subject_id, new_items))


@router.post("/{subject_id}/consents", status_code=status.HTTP_204_NO_CONTENT)
def record_consent(subject_id: int, body: ConsentIn, hogo: HogoDep, actor: ActorDep) -> Response:
    hogo.subjects.record_consent(
        actor,
        subject_id,
        purpose=body.purpose,
        action=body.action,
        version=body.version,
        by_guardian=body.by_guardian,
        guardian_name=body.guardian_name,
        guardian_relationship=body.guardian_relationship,
        guardian_verification=body.guardian_verification,
        method=body.method,
        evidence={str(key): value for key, value in (body.evidence or {}).items()} or None,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{subject_id}/status", status_code=status.HTTP_204_NO_CONTENT)
def set_status(subject_id: int, body: StatusIn, hogo: HogoDep, actor: ActorDep) -> Response:
    hogo.subjects.set_status(actor, subject_id, body.status)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
