"""The queue of open rights requests, one request with its timeline, and its answer file.

A role sees the requests of the subject groups it covers (R-16); a request of another group
is answered with a 403 page, as the API answers ``forbidden``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hogo.errors import HogoError
from hogo.runtime import Hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.rights.fulfilment import RESTRICTING
from hogo.services.rights.kinds import DECISION_GROUNDS
from hogo.services.rights.requests import RightsRequest
from hogo.vault.items import SubjectRow
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import signed_in
from hogo.web.pages.console.i18n import A35_GROUNDS, GROUNDS, Lang, pick, words
from hogo.web.pages.console.render import HEADERS, LangDep, Page, error_page, href, render
from hogo.web.pages.console.views import counts, outcome, request_row, timeline

router = APIRouter(include_in_schema=False)

PURPOSE_KINDS = (*RESTRICTING, "consent_withdrawal")
DONE = ("verify", "fulfil", "refuse", "extend")


def load(hogo: Hogo, actor: Actor, request_id: int) -> tuple[RightsRequest, SubjectRow]:
    """The request and its subject, if the actor's role covers the subject's group (R-16)."""
    request = hogo.requests.get(request_id)
    subject = hogo.subjects.get(request.subject_id)
    hogo.subjects.require_group(actor, subject.group)
    return request, subject


def failure(page: Page, error: HogoError) -> HTMLResponse:
    """A page for an error that leaves nothing to show: not found, not allowed."""
    labels = words(page.lang)
    title = {403: labels["forbidden"], 404: labels["not_found"]}.get(error.status)
    return error_page(page, error.status, title or labels["error"], error.detail)


def _forms(hogo: Hogo, request: RightsRequest, group: str, lang: Lang) -> dict[str, Any]:
    """Which action forms the request's status allows, and the choices they offer."""
    purposes = [
        {"id": pid, "title": getattr(p.title, lang)}
        for pid, p in hogo.policy.purposes.items()
        if group in p.groups
    ]
    return {
        "can_verify": request.status == "received",
        "can_fulfil": request.status in ("verified", "in_progress"),
        "can_refuse": request.is_open,
        "can_extend": request.is_open
        and request.regime == "gdpr"
        and request.extended_due_at is None,
        "asks_change": request.kind == "correction",
        "purposes": purposes if request.kind in PURPOSE_KINDS else [],
        "grounds": [{"id": g, "title": pick(GROUNDS, g, lang)} for g in DECISION_GROUNDS],
    }


def request_page(
    page: Page,
    hogo: Hogo,
    request_id: int,
    *,
    error: HogoError | None = None,
    done: str | None = None,
    form: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """The request, its timeline and its forms; ``error`` shown on top with its status."""
    if page.session is None:
        raise RuntimeError("the request page is for a signed-in session")
    try:
        request, subject = load(hogo, page.session.actor, request_id)
    except HogoError as failed:
        return failure(page, failed)
    events = hogo.requests.history(request_id)
    base = f"/console/requests/{request_id}"
    context = {
        "rights": request_row(request, utc_now(), page.lang),
        "stored": request,
        "group": getattr(hogo.policy.subject_groups[subject.group].title, page.lang),
        "a35_ground": pick(A35_GROUNDS, request.ground or "", page.lang),
        "timeline": timeline(events, page.lang),
        "outcome": outcome(request, events, page.lang),
        "answer_href": href(f"{base}/answer", page.lang),
        "back": href("/console/requests", page.lang),
        "action": {step: href(f"{base}/{step}", page.lang) for step in DONE},
        "error": error,
        "done": words(page.lang).get(f"done_{done}") if done in DONE else None,
        "form": form or {},
        **_forms(hogo, request, subject.group, page.lang),
    }
    return render(page, "request.html", context, error.status if error else 200)


@router.get("/console/requests")
def queue(request: Request, hogo: HogoDep, lang: LangDep) -> Response:
    """Open requests of the role's subject groups, the one due first at the top."""
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    role = session.actor.role
    covered = hogo.policy.role_groups(role) if role in hogo.policy.roles else []
    now = utc_now()
    rows = [request_row(r, now, lang) for r in hogo.requests.list_open(covered)]
    page = Page(request, lang, "/console/requests", session, "requests")
    context = {
        "rows": rows,
        "counts": counts(rows),
        "links": {row.id: href(f"/console/requests/{row.id}", lang) for row in rows},
    }
    return render(page, "requests.html", context)


@router.get("/console/requests/{request_id}")
def show_request(
    request_id: int, request: Request, hogo: HogoDep, lang: LangDep, done: str = ""
) -> Response:
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    page = Page(request, lang, f"/console/requests/{request_id}", session, "requests")
    return request_page(page, hogo, request_id, done=done or None)


@router.get("/console/requests/{request_id}/answer")
def download_answer(request_id: int, request: Request, hogo: HogoDep, lang: LangDep) -> Response:
    """The answer made for a fulfilled request; the download is audited by the service."""
    session = signed_in(request, lang)
    if isinstance(session, Response):
        return session
    try:
        load(hogo, session.actor, request_id)
        answer = hogo.fulfilment.answer(session.actor, request_id)
    except HogoError as error:
        page = Page(request, lang, f"/console/requests/{request_id}", session, "requests")
        return failure(page, error)
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{answer.filename}"'}
    return Response(answer.data, media_type=answer.media_type, headers=headers)
