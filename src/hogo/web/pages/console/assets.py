"""The console's style sheet, served by the app itself (no inline styles, no outside hosts)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parents[2] / "static"
STYLESHEET = STATIC / "console.css"


@router.get("/console/static/console.css")
def stylesheet() -> FileResponse:
    return FileResponse(
        STYLESHEET,
        media_type="text/css",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
