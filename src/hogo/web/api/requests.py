"""Rights requests: receipt, the steps of their workflow, and the open ones by due date.

The role of the key must cover the subject group of the request's subject (R-16); the
workflow itself, its checks (R-43, R-45) and its due dates (D16, D17, G-05) are the service's.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.rights.correction import Change
from hogo.services.rights.requests import RightsRequest
from hogo.web.api.deps import ActorDep, HogoDep
from hogo.web.api.schemas import (
    ErasuresIn,
    ExtendIn,
    FulfilIn,
    FulfilOut,
    OutcomeList,
    RefuseIn,
    RequestEventOut,
    RequestHistoryOut,
    RequestIn,
    RequestList,
    RequestOut,
    RequestOutcomeOut,
)

router = APIRouter(prefix="/v1/requests", tags=["requests"])


def _out(request: RightsRequest) -> RequestOut:
    return RequestOut.model_validate(request, from_attributes=True)


def _require_subject_group(hogo: Hogo, actor: Actor, subject_id: int) -> None:
    """R-16: the role must cover the subject's group; an unknown subject is a 404."""
    hogo.subjects.require_group(actor, hogo.subjects.get(subject_id).group)


def _load(hogo: Hogo, actor: Actor, request_id: int) -> RightsRequest:
    request = hogo.requests.get(request_id)
    _require_subject_group(hogo, actor, request.subject_id)
    return request


@router.post("", status_code=status.HTTP_201_CREATED)
def submit_request(body: RequestIn, hogo: HogoDep, actor: ActorDep) -> RequestOut:
    """Record a rights request as received, with its due dates (D16, D17, G-05)."""
    _require_subject_group(hogo, actor, body.subject_id)
    request_id = hogo.requests.submit(
        actor,
        body.subject_id,
        body.kind,
        body.regime,
        fee_jpy=body.fee_jpy,
        ground=body.ground,
        details=body.details,
    )
    return _out(hogo.requests.get(request_id))


@router.get("")
def list_open_requests(hogo: HogoDep, actor: ActorDep) -> RequestList:
    """Open requests of the subject groups the role covers, the one due first at the top."""
    covered = hogo.policy.role_groups(actor.role) if actor.role in hogo.policy.roles else []
    return RequestList(requests=[_out(r) for r in hogo.requests.list_open(covered)])


@router.get("/{request_id}")
def get_request(request_id: int, hogo: HogoDep, actor: ActorDep) -> RequestHistoryOut:
    """The request and its events, oldest first."""
    request = _load(hogo, actor, request_id)
    events = [
        RequestEventOut.model_validate(event, from_attributes=True)
        for event in hogo.requests.history(request_id)
    ]
    return RequestHistoryOut(**_out(request).model_dump(), events=events)


@router.post("/{request_id}/verify")
def verify_request(request_id: int, hogo: HogoDep, actor: ActorDep) -> RequestOut:
    """The requester's identity, or the agent's authority, is confirmed (R-44).

    An erasure, suspension or provision stop on the ground "no longer needed" whose data is all
    past its retention date is fulfilled at once (R-42).
    """
    _load(hogo, actor, request_id)
    hogo.requests.verify(actor, request_id)
    hogo.fulfilment.fulfil_if_ground_established(actor, request_id)
    return _out(hogo.requests.get(request_id))


@router.post("/{request_id}/start")
def start_request(request_id: int, hogo: HogoDep, actor: ActorDep) -> RequestOut:
    _load(hogo, actor, request_id)
    hogo.requests.start(actor, request_id)
    return _out(hogo.requests.get(request_id))


@router.post("/{request_id}/fulfil")
def fulfil_request(
    request_id: int, hogo: HogoDep, actor: ActorDep, body: FulfilIn | None = None
) -> FulfilOut:
    """Do what the request asks, from the vault, and close it (R-38–R-43, G-06–G-10).

    An erasure that must keep an item by law closes as partly fulfilled, naming the item.
    """
    body = body or FulfilIn()
    _load(hogo, actor, request_id)
    outcome = hogo.fulfilment.fulfil(
        actor,
        request_id,
        changes=[Change(**change.model_dump()) for change in body.changes],
        purposes=body.purposes,
        partial_reason=body.partial_reason,
        ground=body.ground,
    )
    closed = _out(hogo.requests.get(request_id)).model_dump()
    return FulfilOut(**closed, work=dict(outcome.detail))


@router.post("/fulfil-erasures")
def fulfil_erasures(body: ErasuresIn, hogo: HogoDep, actor: ActorDep) -> OutcomeList:
    """Fulfil many verified erasure requests, a few hundred per transaction (R-42, R-14).

    Each chunk is all or nothing: one request that is not a verified erasure, or a person the
    role does not cover, stops its chunk with a problem document and changes nothing in it.
    """
    outcomes = hogo.fulfilment.fulfil_erasures(actor, body.request_ids)
    return OutcomeList(
        outcomes=[
            RequestOutcomeOut(
                request_id=o.request_id, status=o.status, reason=o.reason, work=dict(o.detail)
            )
            for o in outcomes
        ]
    )


@router.get(
    "/{request_id}/answer",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}, "text/html": {}}}},
)
def download_answer(request_id: int, hogo: HogoDep, actor: ActorDep) -> Response:
    """The answer made for a fulfilled request: a zip (JSON, CSV, HTML) or a printable page."""
    _load(hogo, actor, request_id)
    answer = hogo.fulfilment.answer(actor, request_id)
    disposition = f'attachment; filename="{answer.filename}"'
    return Response(
        answer.data, media_type=answer.media_type, headers={"Content-Disposition": disposition}
    )


@router.post("/{request_id}/refuse")
def refuse_request(request_id: int, body: RefuseIn, hogo: HogoDep, actor: ActorDep) -> RequestOut:
    """Close as refused, with the reason and its ground (R-43, R-39, D27)."""
    _load(hogo, actor, request_id)
    hogo.requests.refuse(actor, request_id, body.reason, body.ground)
    return _out(hogo.requests.get(request_id))


@router.post("/{request_id}/extend")
def extend_request(request_id: int, body: ExtendIn, hogo: HogoDep, actor: ActorDep) -> RequestOut:
    """G-05: extend a GDPR request by two months, with the reason told to the person."""
    _load(hogo, actor, request_id)
    hogo.requests.extend(actor, request_id, body.reason)
    return _out(hogo.requests.get(request_id))
