"""``hogo keys``: create, list and revoke API keys, each bound to a role of the policy (R-16).

A new key is printed once, alone on stdout (``KEY=$(hogo keys create --role office)``); only
its argon2id hash is stored. Errors are one line on stderr with exit code 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from hogo.auth.keys import KeyInfo, create_key, list_keys, revoke_key
from hogo.cli.common import (
    DatabaseUrl,
    cli_actor_id,
    group_app,
    one_line_errors,
    open_existing,
)
from hogo.policy.load import load_policy
from hogo.settings import Settings

EXIT_ERROR = 1

keys_app = group_app("API keys, each bound to one role of the policy.")


@keys_app.command()
def create(
    role: Annotated[str, typer.Option("--role", help="A role declared in the policy.")],
    label: Annotated[str | None, typer.Option("--label", help="Who or what uses it.")] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: HOGO_POLICY_PATH).")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a key for ROLE and print it; it is shown this once only."""
    with one_line_errors():
        settings = Settings()
        roles = load_policy(policy or settings.policy_path).roles
        engine = open_existing(database_url or settings.database_url)
        try:
            with engine.begin() as connection:
                key = create_key(
                    connection,
                    role,
                    label=label,
                    roles_known=roles,
                    now=_now(),
                    actor=cli_actor_id(),
                )
        finally:
            engine.dispose()
    typer.echo(key)
    typer.echo(f"API key for role {role} created; store it now, it is not shown again.", err=True)


@keys_app.command("list")
def list_(database_url: DatabaseUrl = None) -> None:
    """List keys: id, role, label, created, revoked. Secrets are never shown."""
    with one_line_errors():
        engine = open_existing(database_url or Settings().database_url)
        try:
            with engine.connect() as connection:
                keys = list_keys(connection)
        finally:
            engine.dispose()
    for line in _table(keys):
        typer.echo(line)


@keys_app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="The id of the key (the part after hogo_).")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a key; it is refused from then on."""
    with one_line_errors():
        engine = open_existing(database_url or Settings().database_url)
        try:
            with engine.begin() as connection:
                revoke_key(connection, key_id, _now(), actor=cli_actor_id())
        finally:
            engine.dispose()
    typer.echo(f"API key {key_id} revoked")


def _table(keys: Sequence[KeyInfo]) -> list[str]:
    if not keys:
        return ["no API keys"]
    rows = [("ID", "ROLE", "LABEL", "CREATED", "REVOKED")]
    rows += [
        (key.id, key.role, key.label or "-", _when(key.created_at), _when(key.revoked_at))
        for key in keys
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _when(value: dt.datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%SZ")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
