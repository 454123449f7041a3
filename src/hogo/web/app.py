"""The FastAPI application, built by a factory; the one place errors become HTTP."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hogo import __version__
from hogo.auth.keys import KeyVerifier
from hogo.errors import HogoError
from hogo.runtime import Hogo
from hogo.web import problems
from hogo.web.api import access, health, inquiries, intake, requests, subjects
from hogo.web.pages import datamap
from hogo.web.pages.console import routes as console
from hogo.web.pages.console.sessions import SessionStore
from hogo.web.pages.privacy_center import routes as privacy_center

log = logging.getLogger("hogo.web")


async def _hogo_error(_request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, HogoError):
        raise TypeError(error)
    return problems.from_error(error)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RequestValidationError):
        raise TypeError(error)
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


def create_app(hogo: Hogo, verifier: KeyVerifier) -> FastAPI:
    """An application over an open hogo; API keys are checked by ``verifier``."""
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
        access.router,
        requests.router,
        inquiries.router,
        intake.router,
        datamap.router,
        console.router,
        privacy_center.router,
    )
    for router in routers:
        app.include_router(router)
    return app
