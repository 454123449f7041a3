"""Who a request acts as once its API key is verified: the key and the policy role (R-16)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: the key's public id and the role of the policy it is bound to."""

    key_id: str
    role: str
