"""Cross-origin access to the consent banner's endpoints, and to nothing else.

A site that loads ``/consent.js`` from hogo on another origin (``https://privacy.example.jp``
for pages of ``https://shop.example.jp``) needs the browser to let the script read
``/v1/consent/config`` and post to ``/v1/consent``. The origins allowed are named one by one
(``HOGO_CONSENT_ORIGINS``); none by default. No credentials travel (the visitor id is in the
body, the cookie stays the site's own), and every other path of hogo is untouched: the API,
the console and the privacy center stay same-origin.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PATHS = ("/v1/consent",)  # the config and the choice
MAX_AGE_SECONDS = 86_400


def parse_origins(value: str | None) -> tuple[str, ...]:
    """``"https://a.example, https://b.example"`` as a tuple; ``None`` or blank: none."""
    return tuple(
        origin.strip().rstrip("/") for origin in (value or "").split(",") if origin.strip()
    )


class ConsentCors:
    """CORS for the consent endpoints from ``origins``; other paths pass straight through."""

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self._app = app
        self._cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            allow_credentials=False,
            max_age=MAX_AGE_SECONDS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(PATHS):
            await self._cors(scope, receive, send)
        else:
            await self._app(scope, receive, send)
