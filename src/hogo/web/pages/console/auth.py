"""Signing in to the console with an API key, signing out, and the checks every page makes.

The key is checked once by the app's :class:`~hogo.auth.keys.KeyVerifier`; it is never put in
a page, a cookie or a log. What comes back is a session (see :mod:`.sessions`) whose id is the
only thing the browser holds, in a cookie that scripts cannot read (HttpOnly), that no other
site can make the browser send (SameSite=Strict), that only the console receives
(Path=/console) and that travels only over TLS when the console is served over https.

Every form carries the session's CSRF token in a hidden field; a POST whose token does not
match is refused with a 403 page before anything is done. The sign-in form, which comes before
any session, is protected the same way by a token kept in a short-lived cookie of its own.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from hogo.auth.keys import KeyVerifier
from hogo.errors import Unauthenticated
from hogo.services.actor import Actor
from hogo.web.pages.console.i18n import Lang, words
from hogo.web.pages.console.render import (
    LangDep,
    Page,
    error_page,
    href,
    render,
    see_other,
)
from hogo.web.pages.console.sessions import TOKEN_BYTES, Session, SessionStore

router = APIRouter(include_in_schema=False)

COOKIE = "hogo_console"
LOGIN_COOKIE = "hogo_console_login"
COOKIE_PATH = "/console"
LOGIN_SECONDS = 30 * 60
HOME = "/console/requests"
CONSOLE_PATH = re.compile(r"/console(/[A-Za-z0-9_-]+)+")

Field = Annotated[str, Form()]
NextField = Annotated[str, Form(alias="next")]
NextQuery = Annotated[str, Query(alias="next")]


def session_store(request: Request) -> SessionStore:
    """The app's sessions, set up by :func:`hogo.web.app.create_app`."""
    store = getattr(request.app.state, "console_sessions", None)
    if not isinstance(store, SessionStore):
        raise RuntimeError("app.state.console_sessions is not a SessionStore")
    return store


def current_session(request: Request) -> Session | None:
    return session_store(request).find(request.cookies.get(COOKIE))


def _set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _forget_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a console page, never another site."""
    return value if value and CONSOLE_PATH.fullmatch(value) else HOME


def to_sign_in(request: Request, lang: Lang) -> Response:
    """The redirect a page answers with when nobody is signed in; back to it afterwards."""
    back = request.url.path if request.method == "GET" else HOME
    return see_other(href("/console/login", lang, next=back))


def signed_in(request: Request, lang: Lang) -> Session | Response:
    """The session of a page's request, or the redirect to the sign-in page."""
    session = current_session(request)
    return session if session is not None else to_sign_in(request, lang)


def csrf_refused(page: Page) -> HTMLResponse:
    labels = words(page.lang)
    return error_page(page, 403, labels["forbidden"], labels["csrf"])


def checked(request: Request, lang: Lang, token: str, path: str) -> Session | Response:
    """The session of a form's POST if its CSRF token is the session's; else what to answer."""
    session = current_session(request)
    if session is None:
        return to_sign_in(request, lang)
    if not session.accepts(token):
        return csrf_refused(Page(request, lang, path, session))
    return session


def _login_form(
    request: Request, lang: Lang, next_page: str, *, failed: bool = False
) -> HTMLResponse:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(TOKEN_BYTES)
    page = Page(request, lang, "/console/login")
    context = {
        "action": href("/console/login", lang),
        "login_token": token,
        "next": safe_next(next_page),
        "failed": failed,
    }
    response = render(page, "login.html", context, 401 if failed else 200)
    _set_cookie(request, response, LOGIN_COOKIE, token, LOGIN_SECONDS)
    return response


@router.get("/console")
def console_home(lang: LangDep) -> Response:
    return see_other(href(HOME, lang))


@router.get("/console/login")
def login_page(request: Request, lang: LangDep, next_page: NextQuery = HOME) -> Response:
    if current_session(request) is not None:
        return see_other(href(safe_next(next_page), lang))
    return _login_form(request, lang, next_page)


@router.post("/console/login")
def login(
    request: Request, lang: LangDep, key: Field = "", csrf: Field = "", next_page: NextField = HOME
) -> Response:
    """Check the key, open a session, and go on to the page that was asked for."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf, expected):
        return csrf_refused(Page(request, lang, "/console/login"))
    verifier: KeyVerifier = request.app.state.verifier
    try:
        principal = verifier.verify(key.strip())
    except Unauthenticated:
        return _login_form(request, lang, next_page, failed=True)
    store = session_store(request)
    previous = request.cookies.get(COOKIE)
    if previous:
        store.close(previous)
    session = store.open(Actor(id=f"key:{principal.key_id}", role=principal.role))
    response = see_other(href(safe_next(next_page), lang))
    _set_cookie(request, response, COOKIE, session.id, int(store.lifetime.total_seconds()))
    _forget_cookie(request, response, LOGIN_COOKIE)
    return response


@router.post("/console/logout")
def logout(request: Request, lang: LangDep, csrf: Field = "") -> Response:
    session = checked(request, lang, csrf, "/console/requests")
    if not isinstance(session, Session):
        return session
    session_store(request).close(session.id)
    response = see_other(href("/console/login", lang))
    _forget_cookie(request, response, COOKIE)
    return response
