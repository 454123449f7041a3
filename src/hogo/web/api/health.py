"""Liveness, and the problem types the API can answer with."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from hogo import errors
from hogo.errors import HogoError, NotFound
from hogo.web.api.deps import HogoDep
from hogo.web.api.schemas import Health

router = APIRouter(tags=["meta"])


def _problem_types() -> dict[str, str]:
    kinds = [getattr(errors, name) for name in errors.__all__]
    return {kind.code: kind.title for kind in kinds if issubclass(kind, HogoError)}


@router.get("/health")
def health(hogo: HogoDep) -> Health:
    with hogo.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return Health(status="ok", policy_version=hogo.policy.version)


@router.get("/problems/{code}")
def problem_type(code: str) -> dict[str, str]:
    """What a problem document's ``type`` means."""
    types = _problem_types()
    if code not in types:
        raise NotFound(f"no problem type {code!r}")
    return {"type": f"/problems/{code}", "title": types[code]}
