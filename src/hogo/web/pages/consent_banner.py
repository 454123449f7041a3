"""``/consent.js``: the consent banner, one static script served by hogo itself.

Sites add ``<script src="https://<hogo>/consent.js" defer></script>`` and mark their tags
inert (``docs/consent.md``); the script asks ``/v1/consent/config`` on the same origin for
its texts and records each choice with ``POST /v1/consent``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)

SCRIPT = "/consent.js"
SCRIPT_FILE = Path(__file__).parents[1] / "static" / "consent.js"


@router.get(SCRIPT)
def consent_script() -> FileResponse:
    return FileResponse(
        SCRIPT_FILE,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
