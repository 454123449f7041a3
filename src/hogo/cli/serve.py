"""``hogo serve``: the API and the pages over a database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from hogo.auth.keys import KeyVerifier
from hogo.runtime import Hogo, open_hogo
from hogo.settings import Settings
from hogo.web.app import create_app
from hogo.web.consent_cors import parse_origins


def run_server(hogo: Hogo, host: str, port: int, settings: Settings | None = None) -> None:
    """Serve until interrupted; the engine is closed on the way out.

    Forwarded client addresses are believed only from ``HOGO_FORWARDED_ALLOW_IPS``: without
    it, the public endpoints' rate limits key on the connection's own address, which a header
    cannot change. ``HOGO_CONSENT_ORIGINS`` names the other sites that may use the banner.
    """
    settings = settings or Settings()
    forwarded_allow_ips = settings.forwarded_allow_ips
    origins = parse_origins(settings.consent_origins)
    app = create_app(hogo, KeyVerifier(hogo.engine), consent_origins=origins)
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="info",
            proxy_headers=bool(forwarded_allow_ips),
            forwarded_allow_ips=forwarded_allow_ips,
        )
    finally:
        hogo.close()


def serve(
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: HOGO_DATABASE_URL or ./hogo.db)")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="Policy file (default: HOGO_POLICY_PATH)")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the API (/docs) and the data map (/) over an existing database."""
    settings = Settings()
    hogo = open_hogo(
        database_url or settings.database_url, policy or settings.policy_path, settings=settings
    )
    run_server(hogo, host, port, settings)
