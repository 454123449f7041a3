"""Who is acting: every service call names an actor and the policy role it acts in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated caller: ``id`` goes into audit entries, ``role`` into decisions."""

    id: str
    role: str
