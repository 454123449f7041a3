"""Every route of the console, in one router for :func:`hogo.web.app.create_app`."""

from __future__ import annotations

from fastapi import APIRouter

from hogo.web.pages.console import actions, assets, auth, inquiries, requests

router = APIRouter(include_in_schema=False)
for part in (assets.router, auth.router, requests.router, actions.router, inquiries.router):
    router.include_router(part)
