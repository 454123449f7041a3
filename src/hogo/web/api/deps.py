"""What routes receive: the open hogo and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from hogo.auth.keys import KeyVerifier
from hogo.errors import Unauthenticated
from hogo.runtime import Hogo
from hogo.services.actor import Actor

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer hogo_…`")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_hogo(request: Request) -> Hogo:
    """The hogo of the policy version in force (a publication takes effect within a second)."""
    hogo: Hogo = request.app.state.hogo
    return hogo.follow()


def get_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    header_key: Annotated[str | None, Depends(api_key_header)],
) -> Actor:
    """The caller, from an API key bound to a role of the policy (R-16)."""
    key = credentials.credentials if credentials else header_key
    if not key:
        raise Unauthenticated("an API key is required: send `Authorization: Bearer <key>`")
    verifier: KeyVerifier = request.app.state.verifier
    principal = verifier.verify(key)
    actor = Actor(id=f"key:{principal.key_id}", role=principal.role)
    request.state.actor = actor  # a refused attempt is audited under it (web.app)
    return actor


HogoDep = Annotated[Hogo, Depends(get_hogo)]
ActorDep = Annotated[Actor, Depends(get_actor)]
