"""Every route of the privacy center's pages, in one router for :func:`hogo.web.app.create_app`."""

from __future__ import annotations

from fastapi import APIRouter

from hogo.web.pages.privacy_center import (
    assets,
    choices,
    home,
    inquiry,
    policy,
    recipients,
    status,
    verify,
)

router = APIRouter(include_in_schema=False)
for part in (
    assets.router,
    home.router,
    verify.router,
    status.router,
    inquiry.router,
    policy.router,
    choices.router,
    recipients.router,
):
    router.include_router(part)
