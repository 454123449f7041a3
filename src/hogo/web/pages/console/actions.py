"""The forms of the request page: verify, fulfil, refuse, extend.

Each POST checks the session and its CSRF token first (403 page, nothing done), then the role's
subject group (R-16), then hands the step to the service. A :class:`~hogo.errors.HogoError`
(a refusal without a reason, a step the status does not allow …) is shown on the request page
with nothing changed, since every step is one transaction; success goes back to the request
page (303), which shows the new status and, once closed, the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from hogo.errors import HogoError, ValidationFailed
from hogo.runtime import Hogo
from hogo.services.actor import Actor
from hogo.services.rights.correction import Change
from hogo.web.api.deps import HogoDep
from hogo.web.pages.console.auth import checked
from hogo.web.pages.console.i18n import Lang
from hogo.web.pages.console.render import LangDep, Page, href, see_other
from hogo.web.pages.console.requests import load, request_page

router = APIRouter(include_in_schema=False)

Field = Annotated[str, Form()]
Choices = Annotated[list[str] | None, Form()]
Step = Callable[[Actor], object]


def _act(
    request: Request,
    hogo: Hogo,
    lang: Lang,
    request_id: int,
    token: str,
    done: str,
    step: Step,
    form: Mapping[str, Any] | None = None,
) -> Response:
    path = f"/console/requests/{request_id}"
    session = checked(request, lang, token, path)
    if isinstance(session, Response):
        return session
    try:
        load(hogo, session.actor, request_id)
        step(session.actor)
    except HogoError as error:
        page = Page(request, lang, path, session, "requests")
        return request_page(page, hogo, request_id, error=error, form=form)
    return see_other(href(path, lang, done=done))


def _text(value: str) -> str | None:
    return value.strip() or None


def one_change(item_id: str, value: str) -> list[Change]:
    """The correction form's one change, or none when both fields are empty."""
    if not item_id.strip() and not value.strip():
        return []
    try:
        item = int(item_id.strip())
    except ValueError as error:
        raise ValidationFailed(f"the item id must be a number, not {item_id.strip()!r}") from error
    return [Change(kind="correct", item_id=item, value=value)]


@router.post("/console/requests/{request_id}/verify")
def verify(
    request_id: int, request: Request, hogo: HogoDep, lang: LangDep, csrf: Field = ""
) -> Response:
    """The requester's identity, or the agent's authority, is confirmed (R-44)."""

    def step(actor: Actor) -> None:
        hogo.requests.verify(actor, request_id)

    return _act(request, hogo, lang, request_id, csrf, "verify", step)


@router.post("/console/requests/{request_id}/fulfil")
def fulfil(
    request_id: int,
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    csrf: Field = "",
    item_id: Field = "",
    value: Field = "",
    purposes: Choices = None,
    partial_reason: Field = "",
    ground: Field = "",
) -> Response:
    """Do what the request asks and close it (R-38–R-43, G-06–G-10)."""
    form = {"item_id": item_id, "partial_reason": partial_reason, "ground": ground}

    def step(actor: Actor) -> None:
        hogo.fulfilment.fulfil(
            actor,
            request_id,
            changes=one_change(item_id, value),
            purposes=purposes or None,
            partial_reason=_text(partial_reason),
            ground=_text(ground),
        )

    return _act(request, hogo, lang, request_id, csrf, "fulfil", step, form)


@router.post("/console/requests/{request_id}/refuse")
def refuse(
    request_id: int,
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    csrf: Field = "",
    reason: Field = "",
    ground: Field = "",
) -> Response:
    """Close as refused, with the reason and its ground (R-43, R-39, D27)."""

    def step(actor: Actor) -> None:
        hogo.requests.refuse(actor, request_id, reason, ground)

    form = {"refuse_reason": reason, "refuse_ground": ground}
    return _act(request, hogo, lang, request_id, csrf, "refuse", step, form)


@router.post("/console/requests/{request_id}/extend")
def extend(
    request_id: int,
    request: Request,
    hogo: HogoDep,
    lang: LangDep,
    csrf: Field = "",
    reason: Field = "",
) -> Response:
    """G-05: extend a GDPR request by two months, with the reason told to the person."""

    def step(actor: Actor) -> None:
        hogo.requests.extend(actor, request_id, reason)

    return _act(request, hogo, lang, request_id, csrf, "extend", step, {"extend_reason": reason})
