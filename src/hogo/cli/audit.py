"""``hogo audit``: check the audit log's hash chain (R-17: the logs are reviewable).

Exit codes: 0 the chain is intact, 1 it is broken (the first broken entry is named), 2 the
check could not run (no database, no audit table, a database error). Output is one line.
"""

from __future__ import annotations

import typer

from hogo.audit.chain import verify as verify_chain
from hogo.cli.common import DatabaseUrl, group_app, one_line_errors, open_existing
from hogo.settings import Settings

EXIT_BROKEN = 1
EXIT_ERROR = 2

audit_app = group_app("Check the hash-chained audit log.")


@audit_app.callback()
def audit() -> None:
    """Check the hash-chained audit log."""


@audit_app.command()
def verify(database_url: DatabaseUrl = None) -> None:
    """Recompute every entry's hash and link; name the first broken entry."""
    with one_line_errors(EXIT_ERROR):
        engine = open_existing(database_url or Settings().database_url)
        try:
            with engine.connect() as connection:
                result = verify_chain(connection)
        finally:
            engine.dispose()
    if result.first_broken_seq is not None:
        typer.echo(f"audit chain broken at entry {result.first_broken_seq}: {result.problem}")
        raise typer.Exit(EXIT_BROKEN)
    typer.echo(f"audit chain intact: {result.count} entries checked")
