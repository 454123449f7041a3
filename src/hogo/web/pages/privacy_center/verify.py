"""``/privacy-center/verify/{challenge_id}``: the person enters the code they were mailed.

A wrong, expired, used or locked code, or an unknown challenge, is told in the page's
language. The right code confirms the requests and shows the status link once; nothing else
is kept in the browser. R-42: a request on the ground "no longer needed" for data that is all
past its retention is then approved at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from hogo.errors import HogoError
from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.web.api.deps import HogoDep
from hogo.web.pages.privacy_center import problems
from hogo.web.pages.privacy_center.problems import Problem
from hogo.web.pages.privacy_center.render import HOME, LangDep, Page, href, moment, render
from hogo.web.pages.privacy_center.words import Lang, words

log = logging.getLogger("hogo.privacy_center")
router = APIRouter(include_in_schema=False)

PRIVACY_CENTER = Actor("privacy-center", "privacy_office")
CODE = re.compile(r"\d{6}")
MAX_CHALLENGE = 64
MAX_UNTIL = 40


def normal_code(typed: str) -> str:
    """The code as typed, with full-width digits made ASCII and spaces and hyphens dropped."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", typed))


def _until(value: str) -> dt.datetime | None:
    """The code's expiry as the redirect to this page carried it, if it reads as a time."""
    if not value or len(value) > MAX_UNTIL:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def code_page(page: Page, problem: Problem | None = None) -> HTMLResponse:
    """The form for the code, with the problem of the last try if any."""
    expires = _until(page.params.get("until", ""))
    labels = words(page.lang)
    context = {
        "action": href(page.path, page.lang, **page.params),
        "until": labels["sent_until"].format(until=moment(expires, page.lang)) if expires else "",
        "problem": problem.text(page.lang) if problem else None,
    }
    return render(page, "verify.html", context, problem.status if problem else 200)


def _page(request: Request, hogo: Hogo, lang: Lang, challenge_id: str, until: str) -> Page:
    params = {"until": until} if _until(until) else {}
    return Page(request, hogo.policy, lang, f"{HOME}/verify/{quote(challenge_id, safe='')}", params)


@router.get("/privacy-center/verify/{challenge_id}")
def code_form(
    challenge_id: str, request: Request, hogo: HogoDep, lang: LangDep, until: str = ""
) -> HTMLResponse:
    return code_page(_page(request, hogo, lang, challenge_id, until))


def _approve_if_established(hogo: Hogo, request_ids: tuple[int, ...]) -> None:
    """R-42: approve at once what the policy itself shows is no longer needed."""
    for request_id in request_ids:
        try:
            hogo.fulfilment.fulfil_if_ground_established(PRIVACY_CENTER, request_id)
        except HogoError as error:
            log.warning("request %s was not approved at once: %s", request_id, error.detail)


@router.post("/privacy-center/verify/{challenge_id}")
def confirm(
    challenge_id: str,
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    code: Annotated[str, Form()] = "",
    until: str = "",
) -> HTMLResponse:
    """Check the code; on success show the status link, once."""
    page = _page(request, hogo, lang, challenge_id, until)
    typed = normal_code(code)
    if not CODE.fullmatch(typed):
        return code_page(page, Problem("code_format"))
    if len(challenge_id) > MAX_CHALLENGE:
        return code_page(page, Problem("challenge_unknown", 404))
    try:
        verified = hogo.intake.verify(challenge_id, typed)
    except HogoError as error:
        return code_page(page, problems.from_error(error))
    _approve_if_established(hogo, verified.request_ids)
    token = verified.status_token
    followed = hogo.intake.status(token)
    status_path = href(f"{HOME}/status", lang, token=token)
    shown = Page(request, hogo.policy, lang, f"{HOME}/status", {"token": token})
    context = {
        "count": words(lang)["verified_lead"].format(count=len(verified.request_ids)),
        "status_href": status_path,
        "status_url": str(request.base_url).rstrip("/") + status_path,
        "agent_pending": any(
            found.status == "received" and "agent" in found.details for found in followed
        ),
    }
    return render(shown, "verified.html", context)
