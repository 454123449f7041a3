"""The consent banner's two public routes (no API key): its configuration and its choices.

- ``GET /v1/consent/config?lang=ja|en``: the policy and notice versions, the banner's words
  and the cookie uses with every tag's external-transmission facts (R-60), in both languages.
- ``POST /v1/consent``: one choice, appended to the ledger (R-63, G-20, G-02); ``201`` with
  what was recorded. A ``Sec-GPC: 1`` header counts as GPC whatever the body says (G-10).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from hogo.web.api.deps import HogoDep

router = APIRouter(prefix="/v1/consent", tags=["consent banner"])


class ConsentIn(BaseModel):
    """A visitor's choice, as the banner sends it."""

    model_config = ConfigDict(extra="forbid")

    visitor_id: Annotated[str, Field(max_length=64)]
    choices: Annotated[dict[Annotated[str, Field(max_length=64)], StrictBool], Field(max_length=16)]
    gpc: StrictBool = False
    page: Annotated[str | None, Field(max_length=2000)] = None
    notice_version: Annotated[str, Field(max_length=64)]
    member_token: Annotated[str | None, Field(max_length=200)] = None
    channel: Literal["banner", "preferences", "privacy_center"] = "banner"


class ConsentOut(BaseModel):
    """What was recorded: the choices after GPC, and what GPC turned off."""

    policy_version: str
    notice_version: str
    choices: dict[str, bool]
    gpc: bool
    gpc_overrode: list[str]
    recorded_at: dt.datetime


@router.get("/config")
def banner_config(
    hogo: HogoDep, response: Response, lang: Annotated[Literal["ja", "en"], Query()] = "ja"
) -> dict[str, Any]:
    """The banner's texts and cookie uses with their tags (R-60), in Japanese and English."""
    response.headers["Cache-Control"] = "no-cache"
    return {**hogo.cookie_consent.config(), "lang": lang}


@router.post("", status_code=status.HTTP_201_CREATED)
def record_consent(
    body: ConsentIn,
    request: Request,
    hogo: HogoDep,
    response: Response,
    sec_gpc: Annotated[str | None, Header(alias="Sec-GPC")] = None,
    user_agent: Annotated[str | None, Header(alias="User-Agent")] = None,
) -> ConsentOut:
    """Append the visitor's choice to the ledger (R-63, G-20, G-02); GPC refuses ads (G-10)."""
    receipt = hogo.cookie_consent.record(
        body.visitor_id,
        body.choices,
        gpc=body.gpc or (sec_gpc or "").strip() == "1",
        channel=body.channel,
        page=body.page,
        user_agent=user_agent,
        client_ip=request.client.host if request.client else None,
        notice_version=body.notice_version,
        member_token=body.member_token,
    )
    response.headers["Cache-Control"] = "no-store"
    return ConsentOut(
        policy_version=receipt.policy_version,
        notice_version=receipt.notice_version,
        choices=receipt.choices,
        gpc=receipt.gpc,
        gpc_overrode=list(receipt.gpc_overrode),
        recorded_at=receipt.recorded_at,
    )
