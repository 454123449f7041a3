"""``hogo holds``: legal holds that stop the sweep for a person or a category (R-13)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import DatabaseUrl, cli_actor_id, group_app, one_line_errors
from hogo.cli.opening import PolicyPath, Role, opened
from hogo.services.actor import Actor

holds_app = group_app("Legal holds: what the sweep must keep, whatever its retention (R-13).")


@holds_app.command("place")
def place(
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. the case or inquiry.")],
    owner: Annotated[str, typer.Option("--owner", help="Who answers for the hold.")],
    subject: Annotated[
        int | None, typer.Option("--subject", help="The subject held (default: everyone).")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="The category held (default: every one).")
    ] = None,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Place a legal hold; the sweep keeps every item it matches until it is lifted."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        hold_id = hogo.holds.place(
            Actor(cli_actor_id(), role), reason, owner, subject_id=subject, category=category
        )
    typer.echo(f"legal hold {hold_id} placed")


@holds_app.command("lift")
def lift(
    hold_id: Annotated[int, typer.Argument(help="The hold's id.")],
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Lift a legal hold; the next sweep takes what it kept and is due."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        hogo.holds.lift(Actor(cli_actor_id(), role), hold_id)
    typer.echo(f"legal hold {hold_id} lifted")


@holds_app.command("list")
def list_holds(
    show_all: Annotated[bool, typer.Option("--all", help="Lifted holds too.")] = False,
    role: Role = "privacy_office",
    database_url: DatabaseUrl = None,
    policy: PolicyPath = None,
) -> None:
    """Legal holds in force (with --all, every hold), the latest first."""
    with one_line_errors(), opened(database_url, policy) as hogo:
        holds = hogo.holds.list(Actor(cli_actor_id(), role), lifted=show_all)
    table = Table("id", "subject", "category", "owner", "placed", "lifted", "reason")
    for hold in holds:
        table.add_row(
            str(hold.id),
            "everyone" if hold.subject_id is None else str(hold.subject_id),
            hold.category or "every",
            escape(hold.owner),
            f"{hold.placed_at:%Y-%m-%d}",
            "—" if hold.lifted_at is None else f"{hold.lifted_at:%Y-%m-%d}",
            escape(hold.reason),
        )
    Console().print(table)
