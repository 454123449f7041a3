"""``hogo policy``: check a policy file, and show what it declares.

``check FILE`` prints one ``OK`` line and exits 0, or prints each problem on its own line
(``FILE:LINE: key.path: message``) on standard error and exits 1. ``show FILE --json`` prints
the normalised JSON of :mod:`hogo.policy.normalise`; without ``--json`` it prints a summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hogo.errors import PolicyError
from hogo.policy.load import load_policy
from hogo.policy.model import Policy
from hogo.policy.normalise import normalise

EXIT_INVALID = 1

policy_app = typer.Typer(
    help="Check and show policy files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PolicyFile = Annotated[Path, typer.Argument(help="The policy file (YAML).", show_default=False)]


def load_or_exit(file: Path) -> Policy:
    """The policy at ``file``, or each of its problems on stderr and exit code 1."""
    try:
        return load_policy(file)
    except PolicyError as error:
        for problem in error.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(EXIT_INVALID) from None


@policy_app.command()
def check(file: PolicyFile) -> None:
    """Validate a policy file: schema, then cross-references. Exit 1 if it has problems."""
    policy = load_or_exit(file)
    typer.echo(
        f"{file}: OK (version {policy.version}, {len(policy.categories)} categories, "
        f"{len(policy.purposes)} purposes, {len(policy.recipients)} recipients)"
    )


@policy_app.command()
def show(
    file: PolicyFile,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the normalised JSON (docs/policy.md).")
    ] = False,
) -> None:
    """Show what a policy declares: a summary, or with --json the whole normalised policy."""
    policy = load_or_exit(file)
    if as_json:
        typer.echo(json.dumps(normalise(policy), ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(overview(policy))
    console.print(purposes_table(policy))


def overview(policy: Policy) -> Table:
    table = Table(title=f"{policy.controller.name.en}: policy {policy.version}")
    table.add_column("section", overflow="fold")
    table.add_column("declared", justify="right")
    rows = {
        "subject groups": len(policy.subject_groups),
        "categories": len(policy.categories),
        "purposes": len(policy.purposes),
        "recipients": len(policy.recipients),
        "provision exceptions": len(policy.provision_exceptions),
        "roles": len(policy.roles),
        "retention rules": len(policy.retention),
        "cookie categories": len(policy.cookies),
        "access-log uses": len(policy.access_logs.uses),
        "storage locations": len(policy.storage_locations),
        "rights offered": len(policy.rights.offered),
    }
    for section, count in rows.items():
        table.add_row(section, str(count))
    table.caption = f"effective from {policy.effective_from.isoformat()}"
    return table


def purposes_table(policy: Policy) -> Table:
    table = Table(title="Purposes (利用目的)")
    table.add_column("id", no_wrap=True)
    for column in ("section", "items", "consent", "GDPR basis"):
        table.add_column(column, overflow="fold")
    for pid, purpose in sorted(policy.purposes.items()):
        table.add_row(
            pid,
            purpose.section,
            str(len(purpose.categories)),
            purpose.consent,
            purpose.legal_basis.gdpr,
        )
    return table
