"""``/privacy-center/status?token=…``: the person's requests, and the answer to download.

The page shows only the progress of a request: its kind, status, the day it arrived, when it
is due, from when the person may sue (APPI A39; R-46), when it closed and, for a refusal or a
partial answer, why (R-43). A request the token does not follow, like an unknown token, is a
404 page; the answer is given only for a request the token follows, and its download is
audited under the requester.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hogo.errors import HogoError
from hogo.services.actor import Actor
from hogo.services.rights.deadlines import Regime, arrival_date
from hogo.services.rights.fulfilment import DISCLOSURE_SCOPES
from hogo.services.rights.requests import RightsRequest
from hogo.web.api.deps import HogoDep
from hogo.web.pages.privacy_center import rights
from hogo.web.pages.privacy_center.render import (
    HEADERS,
    HOME,
    LangDep,
    Page,
    href,
    message_page,
    render,
)
from hogo.web.pages.privacy_center.words import Lang, words

router = APIRouter(include_in_schema=False)

ANSWERED = ("fulfilled", "partially_fulfilled")
EXPLAINED = ("refused", "partially_fulfilled")  # a reason goes with these


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One request as the person sees it."""

    id: int
    kind: str
    regime: str
    status: str
    status_label: str
    received: dt.date
    due: dt.date
    extended: bool
    may_sue_from: dt.date | None
    closed: dt.date | None
    reason: str | None
    answer_href: str | None


def status_row(request: RightsRequest, lang: Lang, token: str) -> StatusRow:
    regime: Regime = "gdpr" if request.regime == "gdpr" else "appi"
    answered = request.status in ANSWERED and request.kind in DISCLOSURE_SCOPES
    answer = href(f"{HOME}/status/answer/{request.id}", lang, token=token) if answered else None
    return StatusRow(
        id=request.id,
        kind=rights.label(request.kind, lang),
        regime=rights.pick(rights.REGIMES, request.regime, lang),
        status=request.status,
        status_label=rights.pick(rights.STATUSES, request.status, lang),
        received=arrival_date(request.received_at, regime),
        due=request.effective_due,
        extended=request.extended_due_at is not None,
        may_sue_from=request.may_sue_from,
        closed=arrival_date(request.closed_at, regime) if request.closed_at else None,
        reason=request.reason if request.status in EXPLAINED else None,
        answer_href=answer,
    )


def _not_found(page: Page, message: str) -> HTMLResponse:
    labels = words(page.lang)
    return message_page(page, 404, labels["not_found_title"], labels[message])


@router.get("/privacy-center/status")
def status_page(request: Request, hogo: HogoDep, lang: LangDep, token: str = "") -> HTMLResponse:
    """The requests the token follows; a 404 page for a token that follows none."""
    found = hogo.intake.status(token)
    if not found:
        return _not_found(Page(request, hogo.policy, lang, f"{HOME}/status"), "status_not_found")
    page = Page(request, hogo.policy, lang, f"{HOME}/status", {"token": token})
    rows = [status_row(r, lang, token) for r in found]
    context = {"rows": rows, "refused": any(row.status == "refused" for row in rows)}
    return render(page, "status.html", context)


@router.get("/privacy-center/status/answer/{request_id}")
def download_answer(
    request_id: str, request: Request, hogo: HogoDep, lang: LangDep, token: str = ""
) -> Response:
    """The answer of a request the token follows, as a download."""
    page = Page(request, hogo.policy, lang, f"{HOME}/status", {"token": token} if token else {})
    wanted = int(request_id) if request_id.isascii() and request_id.isdigit() else None
    if wanted is None or wanted not in {found.id for found in hogo.intake.status(token)}:
        return _not_found(page, "status_not_found")
    requester = Actor(id=f"requester:request-{wanted}", role="requester")
    try:
        answer = hogo.fulfilment.answer_for_requester(wanted, requester)
    except HogoError:  # none was kept, or it went with the person's erased data
        return _not_found(page, "answer_not_found")
    disposition = {"Content-Disposition": f'attachment; filename="{answer.filename}"'}
    return Response(answer.data, media_type=answer.media_type, headers={**HEADERS, **disposition})
