"""Legal holds: a litigation or an inquiry stops the sweep for some people or categories (R-13).

A hold is for one subject or for everyone, and for one category or for every category. While
it is in force (not lifted) the sweep leaves every item it matches where it is, whatever its
``retain_until``. Holds are placed and lifted, never deleted, and only by the privacy office;
each change is an audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, exists, insert, or_, select, update

from hogo.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hogo.policy.model import Policy
from hogo.services.access import Clock
from hogo.services.actor import Actor
from hogo.services.auditing import record
from hogo.store.tables import items, legal_holds, subjects

HOLD_ROLES = ("privacy_office",)  # who places and lifts legal holds


@dataclass(frozen=True, slots=True)
class Hold:
    id: int
    subject_id: int | None  # None: everyone
    category: str | None  # None: every category
    reason: str
    owner: str
    placed_at: dt.datetime
    lifted_at: dt.datetime | None

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


def require_hold_role(actor: Actor, what: str) -> None:
    if actor.role not in HOLD_ROLES:
        raise Forbidden(
            f"role {actor.role!r} may not {what}; it is for {', '.join(HOLD_ROLES)}",
            role=actor.role,
        )


def not_held() -> ColumnElement[bool]:
    """An item (of :data:`items`) that no hold in force matches."""
    hold = (
        select(legal_holds.c.id)
        .where(
            legal_holds.c.lifted_at.is_(None),
            or_(legal_holds.c.subject_id.is_(None), legal_holds.c.subject_id == items.c.subject_id),
            or_(legal_holds.c.category.is_(None), legal_holds.c.category == items.c.category),
        )
        .correlate(items)
    )
    return ~exists(hold)


class HoldService:
    """Places, lifts and lists legal holds."""

    def __init__(self, engine: Engine, policy: Policy, clock: Clock) -> None:
        self._engine = engine
        self._policy = policy
        self._clock = clock

    def place(
        self,
        actor: Actor,
        reason: str,
        owner: str,
        subject_id: int | None = None,
        category: str | None = None,
    ) -> int:
        """Place a hold; its id. The sweep skips what it matches until it is lifted."""
        require_hold_role(actor, "place legal holds")
        if not reason.strip() or not owner.strip():
            raise ValidationFailed("a legal hold needs a reason and an owner")
        if category is not None and category not in self._policy.categories:
            known = ", ".join(sorted(self._policy.categories))
            raise ValidationFailed(f"unknown category {category!r}; the policy has: {known}")
        now = self._clock()
        with self._engine.begin() as connection:
            if subject_id is not None and (
                connection.execute(select(subjects.c.id).where(subjects.c.id == subject_id)).first()
                is None
            ):
                raise NotFound(f"no subject {subject_id}")
            placed = insert(legal_holds).values(
                subject_id=subject_id,
                category=category,
                reason=reason.strip(),
                owner=owner.strip(),
                placed_at=now,
            )
            hold_id = int(connection.execute(placed.returning(legal_holds.c.id)).scalar_one())
            detail = {"hold_id": hold_id, "category": category, "owner": owner.strip()}
            record(
                connection, actor, "legal_hold_placed", subject_id=subject_id, at=now, detail=detail
            )
        return hold_id

    def lift(self, actor: Actor, hold_id: int) -> Hold:
        """Lift a hold in force; the next sweep deletes what it kept and is due."""
        require_hold_role(actor, "lift legal holds")
        now = self._clock()
        with self._engine.begin() as connection:
            row = connection.execute(select(legal_holds).where(legal_holds.c.id == hold_id)).first()
            if row is None:
                raise NotFound(f"no legal hold {hold_id}")
            if row.lifted_at is not None:
                raise Conflict(f"legal hold {hold_id} was lifted on {row.lifted_at:%Y-%m-%d}")
            connection.execute(
                update(legal_holds).where(legal_holds.c.id == hold_id).values(lifted_at=now)
            )
            record(
                connection,
                actor,
                "legal_hold_lifted",
                subject_id=row.subject_id,
                at=now,
                detail={"hold_id": hold_id, "category": row.category},
            )
        return replace(_hold(row), lifted_at=now)

    def list(self, actor: Actor, *, lifted: bool = False) -> list[Hold]:
        """Holds in force (with ``lifted``, every hold), the latest first."""
        require_hold_role(actor, "read legal holds")
        query = select(legal_holds).order_by(legal_holds.c.id.desc())
        if not lifted:
            query = query.where(legal_holds.c.lifted_at.is_(None))
        with self._engine.connect() as connection:
            return [_hold(row) for row in connection.execute(query)]


def _hold(row: Row[Any]) -> Hold:
    return Hold(
        id=row.id,
        subject_id=row.subject_id,
        category=row.category,
        reason=row.reason,
        owner=row.owner,
        placed_at=row.placed_at,
        lifted_at=row.lifted_at,
    )
