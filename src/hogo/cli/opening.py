"""Opening hogo for a command: the options every data command takes, and the one opener."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from hogo.cli.common import open_existing
from hogo.runtime import Hogo, open_hogo
from hogo.settings import Settings

PolicyPath = Annotated[
    Path | None, typer.Option("--policy", help="Policy file (default: HOGO_POLICY_PATH).")
]
Role = Annotated[str, typer.Option("--role", help="The policy role you act in.")]


@contextmanager
def opened(database_url: str | None, policy: Path | None) -> Iterator[Hogo]:
    """The hogo of an existing database: a missing SQLite file is an error, not created."""
    settings = Settings()
    url = database_url or settings.database_url
    open_existing(url).dispose()
    hogo = open_hogo(url, policy or settings.policy_path, settings=settings)
    try:
        yield hogo
    finally:
        hogo.close()
