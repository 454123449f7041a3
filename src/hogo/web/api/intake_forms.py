"""The bodies of the privacy center's routes, and reading them within their size limits.

``POST /v1/intake`` takes JSON, or ``multipart/form-data`` with flat fields and a ``proof``
file for an agent. Bodies are read up to a limit before anything is parsed, so an oversized
upload is refused with ``413`` however it is sent (with or without ``Content-Length``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from hogo.errors import TooLarge, ValidationFailed
from hogo.services.rights.attachments import MAX_BYTES, Proof
from hogo.services.rights.deadlines import Regime, arrival_date
from hogo.services.rights.kinds import RequestKind
from hogo.services.rights.requests import RightsRequest
from hogo.services.rights.submission import MAX_DESCRIPTION, MAX_EMAIL, MAX_NAME

MAX_JSON_BYTES = 64 * 1024
MAX_FORM_BYTES = MAX_BYTES + 64 * 1024  # the proof and the fields around it
FORM_FIELDS = (
    "email",
    "kind",
    "regime",
    "ground",
    "lang",
    "method",
    "description",
    "agent_type",
    "agent_name",
)

Email = Annotated[str, StringConstraints(min_length=3, max_length=MAX_EMAIL)]
Ground = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Description = Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION)]
AgentName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
Lang = Literal["ja", "en"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DetailsIn(Body):
    """What helps find the data asked about (R-44), and how a disclosure is wanted (A33(1))."""

    method: Literal["electronic", "paper"] | None = None
    description: Description | None = None


class AgentIn(Body):
    """A legal representative (of a minor or adult ward) or an attorney with a proxy (R-44)."""

    type: Literal["legal_representative", "attorney"]
    name: AgentName


class IntakeIn(Body):
    """A rights request from the privacy center."""

    email: Email = Field(description="The address the company holds for the person")
    kind: RequestKind
    regime: Regime
    ground: Ground | None = Field(default=None, description="The A35 ground of an APPI request")
    details: DetailsIn = Field(default_factory=DetailsIn)
    lang: Lang = "ja"
    agent: AgentIn | None = None


class IntakeForm(Body):
    """The same request as flat form fields, sent with a ``proof`` file by an agent."""

    email: Email
    kind: RequestKind
    regime: Regime
    ground: Ground | None = None
    lang: Lang = "ja"
    method: Literal["electronic", "paper"] | None = None
    description: Description | None = None
    agent_type: Literal["legal_representative", "attorney"] | None = None
    agent_name: AgentName | None = None

    def to_intake(self) -> IntakeIn:
        agent = None
        if self.agent_type is not None or self.agent_name is not None:
            if self.agent_type is None or self.agent_name is None:
                raise ValidationFailed("an agent gives both agent_type and agent_name")
            agent = AgentIn(type=self.agent_type, name=self.agent_name)
        return IntakeIn(
            email=self.email,
            kind=self.kind,
            regime=self.regime,
            ground=self.ground,
            details=DetailsIn(method=self.method, description=self.description),
            lang=self.lang,
            agent=agent,
        )


class ChallengeOut(BaseModel):
    challenge_id: str = Field(
        description="Where to send the code: /v1/intake/{challenge_id}/verify"
    )
    expires_at: dt.datetime


class CodeIn(Body):
    code: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class VerifiedOut(BaseModel):
    request_ids: list[int]
    status_token: str = Field(description="Shown once: follow the requests with it")


class StatusItem(BaseModel):
    """What the person may see of a request: nothing beyond its progress."""

    kind: str
    status: str
    received_on: dt.date
    due_on: dt.date = Field(description="The due date in force (after any extension)")
    closed_on: dt.date | None
    reason: str | None = Field(description="Why the request was refused; null otherwise")

    @classmethod
    def of(cls, request: RightsRequest) -> StatusItem:
        regime: Regime = "gdpr" if request.regime == "gdpr" else "appi"
        closed = request.closed_at
        return cls(
            kind=request.kind,
            status=request.status,
            received_on=arrival_date(request.received_at, regime),
            due_on=request.effective_due,
            closed_on=arrival_date(closed, regime) if closed else None,
            reason=request.reason if request.status == "refused" else None,
        )


class StatusOut(BaseModel):
    requests: list[StatusItem]


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or :class:`TooLarge` as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the request body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"the request body is larger than {limit} bytes")
    return bytes(body)


def parse_json(body: bytes) -> IntakeIn:
    try:
        return IntakeIn.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(_with_body_loc(error)) from None


async def parse_form(request: Request, body: bytes) -> tuple[IntakeIn, Proof | None]:
    """The form's fields as an :class:`IntakeIn`, and its ``proof`` file if any."""
    fields, proof = await read_form(request, body)
    return intake_of(fields), proof


async def read_form(request: Request, body: bytes) -> tuple[dict[str, str], Proof | None]:
    """The form's text fields as sent (stripped; empty ones left out) and its ``proof`` file;
    :class:`ValidationFailed` for a field the form does not have."""
    form = await _replayed(request, body).form(max_files=1, max_fields=len(FORM_FIELDS) + 1)
    try:
        unknown = sorted(set(form.keys()) - {*FORM_FIELDS, "proof"})
        if unknown:
            raise ValidationFailed(
                f"unknown form field {unknown[0]!r}; expected {', '.join(FORM_FIELDS)}, proof"
            )
        fields = {name: value for name in FORM_FIELDS if (value := _text(form, name))}
        return fields, await _proof(form)
    finally:
        await form.close()


def intake_of(fields: Mapping[str, str]) -> IntakeIn:
    """The flat form fields checked as an :class:`IntakeIn` (422 ``request_invalid`` if not)."""
    try:
        return IntakeForm.model_validate(fields).to_intake()
    except ValidationError as error:
        raise RequestValidationError(_with_body_loc(error)) from None


def _replayed(request: Request, body: bytes) -> Request:
    """The request again, its body served from ``body`` (already read within the limit)."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"form field {name!r} is text, not a file")
    return value.strip() or None


async def _proof(form: FormData) -> Proof | None:
    value = form.get("proof")
    if value is None:
        return None
    if not isinstance(value, UploadFile):
        raise ValidationFailed("the form field 'proof' is a file")
    content = await value.read()
    media_type = value.content_type or "application/octet-stream"
    return Proof(content=content, filename=value.filename or "", media_type=media_type)


def _with_body_loc(error: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors, located in the body as FastAPI's own are."""
    return [{**item, "loc": ("body", *item.get("loc", ()))} for item in error.errors()]


def openapi_body() -> dict[str, Any]:
    """The request body of ``POST /v1/intake`` for the API description: JSON or a form."""
    form = _inline(IntakeForm.model_json_schema())
    form["properties"]["proof"] = {
        "type": "string",
        "format": "binary",
        "description": "An agent's proof of authority: PDF, PNG or JPEG, at most 5 MB",
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _inline(IntakeIn.model_json_schema())},
                "multipart/form-data": {"schema": form},
            },
        }
    }


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its ``$defs`` references replaced by the definitions themselves."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return resolve(definitions[reference.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved
