"""The FastAPI application, built by a factory; the one place errors become HTTP."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from hogo import __version__
from hogo.auth.keys import KeyVerifier
from hogo.errors import HogoError
from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.auditing import record_refused
from hogo.web import problems
from hogo.web.api import access, health, inquiries, intake, provisions, requests, subjects
from hogo.web.api import consent as consent_api
from hogo.web.api import policy_versions as policy_versions_api
from hogo.web.api import receipts as receipts_api
from hogo.web.api import recipients as recipients_api
from hogo.web.api import subject_events as subject_events_api
from hogo.web.consent_cors import ConsentCors
from hogo.web.pages import consent_banner, datamap, demo_shop
from hogo.web.pages.console import routes as console
from hogo.web.pages.console.sessions import SessionStore
from hogo.web.pages.privacy_center import routes as privacy_center

log = logging.getLogger("hogo.web")


def _audit_refusal(request: Request, status: int, code: str) -> None:
    """A refused attempt by a known caller is audited: who, what, and why (nothing changed)."""
    actor = getattr(request.state, "actor", None)
    if not isinstance(actor, Actor) or not 400 <= status < 500:
        return
    hogo: Hogo = request.app.state.hogo
    target = f"{request.method} {request.url.path}"
    try:
        record_refused(hogo.engine, actor, code=code, target=target, at=utc_now())
    except HogoError as failure:  # the answer still goes out; the failure is logged
        log.warning("refused attempt %s not audited: %s", target, failure.detail)


async def _hogo_error(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, HogoError):
        raise TypeError(error)
    await run_in_threadpool(_audit_refusal, request, error.status, error.code)
    return problems.from_error(error)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RequestValidationError):
        raise TypeError(error)
    await run_in_threadpool(_audit_refusal, request, 422, "request_invalid")
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in error.errors()
    ]
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return problems.problem(422, "request_invalid", "Invalid request", detail, errors=errors)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, StarletteHTTPException):
        raise TypeError(error)
    return problems.from_status(error.status_code, str(error.detail))


async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=error)
    return problems.problem(500, "internal", "Internal error", "the error was logged")


def create_app(hogo: Hogo, verifier: KeyVerifier, consent_origins: Sequence[str] = ()) -> FastAPI:
    """An application over an open hogo; API keys are checked by ``verifier``.

    ``consent_origins`` are the other origins whose pages may use the consent banner's
    endpoints (:mod:`hogo.web.consent_cors`); by default only hogo's own.
    """
    app = FastAPI(
        title="hogo",
        version=__version__,
        summary="Personal data held to the privacy policy: decisions, reads, audit.",
    )
    app.state.hogo = hogo
    app.state.verifier = verifier
    app.state.console_sessions = SessionStore()
    app.add_exception_handler(HogoError, _hogo_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    routers = (
        health.router,
        subjects.router,
        subject_events_api.router,
        access.router,
        requests.router,
        inquiries.router,
        policy_versions_api.router,
        provisions.router,
        recipients_api.router,
        receipts_api.router,
        intake.router,
        datamap.router,
        console.router,
        privacy_center.router,
        consent_api.router,
        consent_banner.router,
        demo_shop.router,
    )
    for router in routers:
        app.include_router(router)
    if consent_origins:
        app.add_middleware(ConsentCors, origins=consent_origins)
    return app
