"""``hogo consent``: the cookie consent banner's server side, for site operators.

``hogo consent member-token SUBJECT_ID`` prints a member token, alone on stdout, for the site
to put in the banner's ``data-member-token`` attribute while that member is signed in; the
banner's choices are then recorded against the subject (G-02). Sites that run Python call
``hogo.open(...).cookie_consent.issue_member_token`` instead.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from hogo.cli.common import DatabaseUrl, group_app, one_line_errors
from hogo.runtime import open_hogo
from hogo.settings import Settings

consent_app = group_app("The cookie consent banner: member tokens for signed-in visitors.")


@consent_app.callback()
def consent() -> None:
    """The cookie consent banner: member tokens for signed-in visitors."""


@consent_app.command("member-token")
def member_token(
    subject_id: Annotated[int, typer.Argument(help="The signed-in member's subject id.")],
    minutes: Annotated[
        int, typer.Option("--minutes", min=1, max=1440, help="How long the token is valid.")
    ] = 60,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: HOGO_POLICY_PATH).")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Print a token that links banner choices to SUBJECT_ID for --minutes."""
    with one_line_errors():
        settings = Settings()
        with open_hogo(
            database_url or settings.database_url,
            policy or settings.policy_path,
            settings=settings,
        ) as hogo:
            token = hogo.cookie_consent.issue_member_token(
                subject_id, dt.timedelta(minutes=minutes)
            )
    typer.echo(token)
