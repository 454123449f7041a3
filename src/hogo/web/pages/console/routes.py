"""Every route of the console, in one router for :func:`hogo.web.app.create_app`."""

from __future__ import annotations

from fastapi import APIRouter

from hogo.web.pages.console import (
    actions,
    assets,
    auth,
    inquiries,
    joint_use,
    provisions,
    recipients,
    requests,
    retention,
    subject_records,
)

router = APIRouter(include_in_schema=False)
for part in (assets.router, auth.router, requests.router, actions.router, inquiries.router):
    router.include_router(part)
for part in (recipients.router, provisions.router, subject_records.router, joint_use.router):
    router.include_router(part)
router.include_router(retention.router)
