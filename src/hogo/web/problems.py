"""RFC 9457 problem documents: the one error shape of the API."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

from hogo.errors import HogoError

MEDIA_TYPE = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, **extensions: Any) -> JSONResponse:
    """A problem document; ``type`` points at this API's description of ``code``."""
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extensions,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def from_error(error: HogoError) -> JSONResponse:
    response = problem(error.status, error.code, error.title, error.detail, **error.extensions)
    retry_after = error.extensions.get("retry_after")
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)  # RFC 9110 §10.2.3 (rate_limited)
    return response


def from_status(status: int, detail: str) -> JSONResponse:
    phrase = HTTPStatus(status).phrase
    return problem(status, phrase.lower().replace(" ", "_").replace("-", "_"), phrase, detail)
