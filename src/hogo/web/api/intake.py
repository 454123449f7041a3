"""The public privacy center: rights requests confirmed by a code mailed to the address on
file (APPI A37, R-44; GDPR Art. 12). These routes need no API key.

- ``POST /v1/intake``: file a request (JSON, or a form with an agent's ``proof`` file);
  ``202`` with a challenge, whether or not the address is on file.
- ``POST /v1/intake/{challenge_id}/verify``: the code; ``200`` with the status token, once.
- ``GET /v1/intake/status``: the requests of a status token (``Authorization: Bearer`` or
  ``?token=``), showing only their progress.

The code is mailed after the answer has been sent, so the time the mail server takes never
shows in the answer (only a known address gets a mail).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from hogo.errors import NotFound, Unauthenticated
from hogo.runtime import Hogo
from hogo.services.rights.attachments import Proof
from hogo.services.rights.intake import Challenge, Job
from hogo.web.api.deps import HogoDep
from hogo.web.api.intake_forms import (
    MAX_FORM_BYTES,
    MAX_JSON_BYTES,
    ChallengeOut,
    CodeIn,
    IntakeIn,
    StatusItem,
    StatusOut,
    VerifiedOut,
    openapi_body,
    parse_form,
    parse_json,
    read_body,
)

router = APIRouter(prefix="/v1/intake", tags=["privacy center"])
status_bearer = HTTPBearer(
    auto_error=False, scheme_name="StatusToken", description="The status token from verify"
)
NO_STORE = {"Cache-Control": "no-store"}


def _open(
    hogo: Hogo, intake: IntakeIn, proof: Proof | None, client: str | None, tasks: BackgroundTasks
) -> Challenge:
    def later(job: Job) -> None:
        tasks.add_task(job)

    agent = intake.agent.model_dump() if intake.agent else None
    return hogo.intake.open(
        str(intake.email),
        intake.kind,
        intake.regime,
        ground=intake.ground,
        details=intake.details.model_dump(exclude_none=True),
        lang=intake.lang,
        client=client,
        agent=agent,
        proof=proof,
        defer=later,
    )


@router.post("", status_code=status.HTTP_202_ACCEPTED, openapi_extra=openapi_body())
async def open_request(request: Request, tasks: BackgroundTasks, hogo: HogoDep) -> ChallengeOut:
    """File a rights request; a code goes to the address on file, if there is one (R-44)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    proof: Proof | None = None
    if media_type == "multipart/form-data":
        intake, proof = await parse_form(request, await read_body(request, MAX_FORM_BYTES))
    elif media_type in ("application/json", ""):
        intake = parse_json(await read_body(request, MAX_JSON_BYTES))
    else:
        raise StarletteHTTPException(
            415, f"send application/json or multipart/form-data, not {media_type}"
        )
    client = request.client.host if request.client else None
    challenge = await run_in_threadpool(_open, hogo, intake, proof, client, tasks)
    return ChallengeOut(challenge_id=challenge.id, expires_at=challenge.expires_at)


@router.post("/{challenge_id}/verify")
def verify_code(
    challenge_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: CodeIn,
    hogo: HogoDep,
    response: Response,
) -> VerifiedOut:
    """Confirm the request with the mailed code; the answer holds the status token, once."""
    verified = hogo.intake.verify(challenge_id, body.code)
    response.headers.update(NO_STORE)
    return VerifiedOut(request_ids=list(verified.request_ids), status_token=verified.status_token)


@router.get("/status")
def request_status(
    hogo: HogoDep,
    response: Response,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(status_bearer)],
    token: Annotated[str | None, Query(max_length=200)] = None,
) -> StatusOut:
    """The progress of the token's requests: kind, status, dates, and a refusal's reason."""
    given = credentials.credentials if credentials else token
    if not given:
        raise Unauthenticated(
            "a status token is required: send `Authorization: Bearer <token>` or ?token="
        )
    found = hogo.intake.status(given)
    if not found:
        raise NotFound("no request is followed by this status token")
    response.headers.update(NO_STORE)
    return StatusOut(requests=[StatusItem.of(request) for request in found])
