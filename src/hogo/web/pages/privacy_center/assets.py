"""The privacy center's style sheet, served by the app itself (no inline styles, no outside
hosts), so the pages keep working under a strict Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from hogo.web.pages.privacy_center.render import STYLESHEET

router = APIRouter(include_in_schema=False)

STYLESHEET_FILE = Path(__file__).parents[2] / "static" / "privacy-center.css"


@router.get(STYLESHEET)
def stylesheet() -> FileResponse:
    return FileResponse(
        STYLESHEET_FILE,
        media_type="text/css",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
