"""The request form as the browser posts it: read within the API's limit, checked field by
field so that each problem has a message of its own, and made into the API's request.

The form has the fields of ``POST /v1/intake`` as a form (:data:`FORM_FIELDS`) and an agent's
``proof`` file, and is parsed by the same code. One thing differs: a body over the limit is
still read to its end (up to :data:`DRAIN_LIMIT`) and the fields before the file are kept, so
the page can say the file is too large and show the form again as the person filled it in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.multipart import parse_options_header
from starlette.exceptions import HTTPException as StarletteHTTPException

from hogo.errors import ValidationFailed
from hogo.policy.model import Policy
from hogo.services.rights.attachments import SIGNATURES, Proof
from hogo.services.rights.deadlines import REGIMES
from hogo.web.api.intake_forms import FORM_FIELDS, MAX_FORM_BYTES, read_form
from hogo.web.pages.privacy_center import rights
from hogo.web.pages.privacy_center.problems import Problem
from hogo.web.pages.privacy_center.words import Lang

DRAIN_LIMIT = 8 * MAX_FORM_BYTES  # beyond this an upload is cut off, not read to its end
KEPT = tuple(name for name in FORM_FIELDS if name != "lang")  # shown again after a problem
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(frozen=True, slots=True)
class Posted:
    """What the form brought: its text fields as typed, the proof file, and whether the body
    was over the limit (then without the file)."""

    fields: dict[str, str] = field(default_factory=dict)
    proof: Proof | None = None
    oversized: bool = False
    unreadable: bool = False


async def _read_within(request: Request, limit: int) -> tuple[bytes, bool]:
    """The body up to ``limit`` bytes, and whether that was all of it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT:
        return b"", False
    body = bytearray()
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if len(body) < limit:
            body += chunk[: limit - len(body)]
        if seen > DRAIN_LIMIT:
            break
    return bytes(body), seen <= limit


def _text_parts(body: bytes, content_type: str) -> bytes:
    """The parts of a cut-off multipart body before its first file, closed as a whole body;
    nothing if it is not multipart. The page's form puts the file last."""
    media_type, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        return b""
    delimiter = b"--" + boundary
    first_file = body.find(b"; filename=")
    end = body.rfind(delimiter, 0, first_file) if first_file >= 0 else body.rfind(delimiter)
    return body[:end] + delimiter + b"--\r\n" if end > 0 else b""


async def read_posted(request: Request) -> Posted:
    """The posted form; an empty file input (no file chosen) is no proof. Of a body over the
    limit, only the text fields before the file are read."""
    body, whole = await _read_within(request, MAX_FORM_BYTES)
    if not whole:
        body = _text_parts(body, request.headers.get("content-type", ""))
    try:
        fields, proof = await read_form(request, body)
    except (ValidationFailed, StarletteHTTPException):
        return Posted(oversized=not whole, unreadable=whole)
    if not whole:
        return Posted(fields, None, oversized=True)
    if proof is not None and not proof.content and not proof.filename:
        proof = None
    return Posted(fields, proof)


def _check_kind(policy: Policy, fields: Mapping[str, str]) -> Problem | None:
    kind, regime = fields.get("kind", ""), fields.get("regime", "")
    if kind not in rights.offered(policy):
        return Problem("kind_missing")
    if regime not in REGIMES:
        return Problem("regime_missing")
    if regime == "appi" and rights.is_gdpr_only(kind):
        return Problem("gdpr_only")
    if rights.takes_ground(kind, regime):
        ground = fields.get("ground")
        if not ground:
            return Problem("ground_missing")
        if ground not in rights.grounds_for(kind):
            return Problem("ground_mismatch")
    return None


def _check_agent(fields: Mapping[str, str], proof: Proof | None) -> Problem | None:
    named = ("agent_type" in fields, "agent_name" in fields)
    if any(named) and not all(named):
        return Problem("agent_incomplete")
    if all(named) and proof is None:
        return Problem("proof_missing")
    if not any(named) and proof is not None:
        return Problem("proof_without_agent")
    if proof is not None:
        media_type = proof.media_type.split(";", 1)[0].strip().lower()
        if media_type not in SIGNATURES:
            return Problem("proof_type")
    return None


def check(policy: Policy, posted: Posted) -> Problem | None:
    """The first problem of the form, in the order the person filled it in; None if none."""
    if posted.oversized:
        return Problem("too_large", 413)
    if posted.unreadable:
        return Problem("invalid")
    fields = posted.fields
    problem = _check_kind(policy, fields)
    if problem is None and not _ADDRESS.fullmatch(fields.get("email", "")):
        problem = Problem("email_invalid")
    return problem or _check_agent(fields, posted.proof)


def prepared(fields: Mapping[str, str], lang: Lang) -> dict[str, str]:
    """The fields the request is made of: a ground only where A35 asks for one, a method only
    for a disclosure (a hidden part of the form may still hold a choice), the page's language."""
    kind, regime = fields.get("kind", ""), fields.get("regime", "")
    ready = {name: value for name, value in fields.items() if name in FORM_FIELDS}
    if not rights.takes_ground(kind, regime):
        ready.pop("ground", None)
    if kind not in rights.METHOD_KINDS:
        ready.pop("method", None)
    ready["lang"] = lang
    return ready


def typed(fields: Mapping[str, str]) -> dict[str, str]:
    """What the person typed, to fill the form in again (never the file)."""
    return {name: fields.get(name, "") for name in KEPT}
