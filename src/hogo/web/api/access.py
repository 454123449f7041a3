"""Reading personal data for a purpose, and the dry-run decision."""

from __future__ import annotations

from fastapi import APIRouter

from hogo.guard.decision import Decision
from hogo.web.api.deps import ActorDep, HogoDep
from hogo.web.api.schemas import AccessIn, AccessOut, DecisionIn, DecisionOut, ItemOut, OutcomeOut

router = APIRouter(prefix="/v1", tags=["access"])


def decision_out(subject_id: int, decision: Decision) -> DecisionOut:
    return DecisionOut(
        subject_id=subject_id,
        purpose=decision.purpose,
        role=decision.role,
        outcomes=[
            OutcomeOut(category=o.category, allowed=o.allowed, reason=o.code)
            for o in decision.outcomes
        ],
    )


@router.post("/subjects/{subject_id}/access")
def access(subject_id: int, body: AccessIn, hogo: HogoDep, actor: ActorDep) -> AccessOut:
    """The decision per category, and the values of the allowed ones. Audited."""
    result = hogo.access.read(actor, subject_id, body.categories, body.purpose)
    items = [
        ItemOut(
            category=item.category,
            value=item.value,
            purposes=list(item.purposes),
            collected_at=item.collected_at,
            retain_until=item.retain_until,
        )
        for item in result.items
    ]
    return AccessOut(decision=decision_out(subject_id, result.decision), items=items)


@router.post("/decisions")
def decide(body: DecisionIn, hogo: HogoDep, actor: ActorDep) -> DecisionOut:
    """What a read would be allowed, without reading any value. Audited."""
    decision = hogo.access.decide(actor, body.subject_id, body.categories, body.purpose)
    return decision_out(body.subject_id, decision)
