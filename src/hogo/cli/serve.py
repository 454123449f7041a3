"""``hogo serve``: the API and the pages over a database, and sweeps on a schedule if asked."""

from __future__ import annotations

import copy
import logging.config
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
import uvicorn.config

from hogo.auth.keys import KeyVerifier
from hogo.cli.common import one_line_errors
from hogo.runtime import Hogo, open_hogo
from hogo.services.access import utc_now
from hogo.services.actor import Actor
from hogo.services.retention.schedule import SweepSchedule, parse_every, sweep_once
from hogo.settings import Settings
from hogo.web.app import create_app
from hogo.web.consent_cors import parse_origins

SCHEDULER = Actor("scheduler", "privacy_office")  # the actor of scheduled sweeps


def run_server(
    hogo: Hogo,
    host: str,
    port: int,
    settings: Settings | None = None,
    sweep_every: float | None = None,
) -> None:
    """Serve until interrupted; the engine is closed on the way out.

    Forwarded client addresses are believed only from ``HOGO_FORWARDED_ALLOW_IPS``: without
    it, the public endpoints' rate limits key on the connection's own address, which a header
    cannot change. ``HOGO_CONSENT_ORIGINS`` names the other sites that may use the banner.
    With ``sweep_every`` (seconds), one thread of this process sweeps at start and then at that
    interval, and stops with the server.
    """
    settings = settings or Settings()
    forwarded_allow_ips = settings.forwarded_allow_ips
    origins = parse_origins(settings.consent_origins)
    app = create_app(hogo, KeyVerifier(hogo.engine), consent_origins=origins)
    log_config = _log_config()
    schedule = None if sweep_every is None else scheduled_sweeps(hogo, sweep_every)
    if schedule is not None:
        logging.config.dictConfig(log_config)  # the first sweep logs before uvicorn starts
        schedule.start()
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="info",
            log_config=log_config,
            proxy_headers=bool(forwarded_allow_ips),
            forwarded_allow_ips=forwarded_allow_ips,
        )
    finally:
        if schedule is not None:
            schedule.stop()
        hogo.close()


def scheduled_sweeps(hogo: Hogo, every: float) -> SweepSchedule:
    """A schedule that sweeps the items, then the ledgers, under the policy in force."""

    def tick(stopping: threading.Event) -> str:
        current = hogo.follow()
        return sweep_once(current.sweeper, current.ledgers, SCHEDULER, utc_now(), stopping)

    return SweepSchedule(every, tick)


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with hogo's own lines (``hogo.*``) printed the same way."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["hogo"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: HOGO_DATABASE_URL or ./hogo.db)")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="Policy file (default: HOGO_POLICY_PATH)")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    sweep_every: Annotated[
        str | None,
        typer.Option(
            "--sweep-every",
            metavar="DURATION",
            help="Sweep at start and then every DURATION (30m, 1h, 1d): the items past their "
            "retention, then the ledgers past their periods (default: HOGO_SWEEP_EVERY; off).",
        ),
    ] = None,
) -> None:
    """Serve the API (/docs) and the data map (/) over an existing database."""
    with one_line_errors():
        settings = Settings()
        every_text = sweep_every or settings.sweep_every
        every = parse_every(every_text) if every_text else None
        hogo = open_hogo(
            database_url or settings.database_url,
            policy or settings.policy_path,
            settings=settings,
        )
    run_server(hogo, host, port, settings, every)
