"""``hogo policy``: check a policy file, and show what it declares.

``check FILE`` prints one ``OK`` line and exits 0, or prints each problem on its own line
(``FILE:LINE: key.path: message``) on standard error and exits 1. ``show FILE --json`` prints
the normalised JSON of :mod:`hogo.policy.normalise`; without ``--json`` it prints a summary.
``diff OLD NEW`` classifies the changes between two files (R-64) without a database;
``publish FILE --effective DATE`` records a version with its changes, and ``versions`` lists
the versions published (:mod:`hogo.services.policy_versions`). ``render FILE --lang ja|en
--format md|html`` writes the published policy text (R-37, :mod:`hogo.policy.render`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hogo.cli.common import DatabaseUrl, cli_actor_id, one_line_errors, open_existing
from hogo.errors import PolicyError
from hogo.policy.diff import PolicyDiff, diff
from hogo.policy.load import load_policy
from hogo.policy.model import Policy
from hogo.policy.normalise import normalise
from hogo.policy.render import render_policy
from hogo.policy.wording import Format, Lang
from hogo.services.actor import Actor
from hogo.services.policy_versions import PolicyVersions, PublishedVersion
from hogo.settings import Settings

EXIT_INVALID = 1

policy_app = typer.Typer(
    help="Check, show, compare and publish policy files.",
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


EffectiveDate = Annotated[
    dt.datetime,
    typer.Option(
        "--effective",
        formats=["%Y-%m-%d"],
        help="The day the version takes effect (YYYY-MM-DD).",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CLASS_STYLE = {"consent": "bold red", "notice": "yellow", "editorial": "dim"}


@policy_app.command("diff")
def diff_files(
    old: Annotated[Path, typer.Argument(help="The earlier policy file.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later policy file.", show_default=False)],
    as_json: AsJson = False,
) -> None:
    """Classify every change from OLD to NEW: consent, notice or editorial (R-64).

    No database is used. Exit 1 with one line if either file fails `hogo policy check`.
    """
    with one_line_errors():
        changes = diff(load_policy(old), load_policy(new))
    if as_json:
        typer.echo(json.dumps(changes.to_json(), ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(changes_table(changes))
    console.print(verdict(changes))


@policy_app.command()
def render(
    file: PolicyFile,
    lang: Annotated[Lang, typer.Option("--lang", help="The language of the text.")] = Lang.ja,
    fmt: Annotated[Format, typer.Option("--format", help="Markdown or HTML.")] = Format.md,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file, not standard output.", dir_okay=False),
    ] = None,
) -> None:
    """Write the published privacy policy (R-37): fifteen sections, in Japanese or English.

    Exit 1 with one line if the file fails `hogo policy check`.
    """
    with one_line_errors():
        text = render_policy(load_policy(file), lang, fmt)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"{out}: policy {lang.value} {fmt.value} written")


@policy_app.command()
def publish(
    file: PolicyFile,
    effective: EffectiveDate,
    role: Annotated[str, typer.Option("--role", help="The role you act in.")] = "privacy_office",
    database_url: DatabaseUrl = None,
) -> None:
    """Publish FILE as a new version taking effect on --effective, with its changes.

    The file must pass `hogo policy check`; a version already published, or an effective
    date before the previous version's, is refused, and nothing is stored.
    """
    with one_line_errors():
        engine = open_existing(database_url or Settings().database_url)
        try:
            actor = Actor(id=cli_actor_id(), role=role)
            published = PolicyVersions(engine).publish(actor, file, effective.date())
        finally:
            engine.dispose()
    console = Console()
    if published.changes.old_version is None:
        console.print(f"policy version {escape(published.version)} published (the first).")
    else:
        console.print(changes_table(published.changes))
        console.print(verdict(published.changes))
    console.print(
        f"version {escape(published.version)} takes effect on "
        f"{published.effective_from.isoformat()} (sha256 {published.digest[:12]}…)"
    )


@policy_app.command()
def versions(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """List the published versions, the earliest first, and the one in force today."""
    with one_line_errors():
        engine = open_existing(database_url or Settings().database_url)
        try:
            register = PolicyVersions(engine)
            published = register.list()
            current = register.current()
        finally:
            engine.dispose()
    if as_json:
        rows = [version_json(version) for version in published]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not published:
        typer.echo("No policy version is published.")
        return
    Console().print(versions_table(published, current.version if current else None))


def changes_table(changes: PolicyDiff) -> Table:
    table = Table(title=f"Changes from {changes.old_version} to {changes.new_version}")
    for column in ("class", "kind", "path"):
        table.add_column(column, no_wrap=True)
    table.add_column("reason", overflow="fold")
    for change in changes.changes:
        style = CLASS_STYLE[change.classification]
        table.add_row(
            f"[{style}]{change.classification}[/{style}]",
            change.kind,
            escape(change.path),
            escape(change.reason),
        )
    return table


def verdict(changes: PolicyDiff) -> str:
    counts = {c: len(changes.of_class(c)) for c in ("consent", "notice", "editorial")}
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    if changes.requires_consent:
        return f"{summary}: consent is required before the new processing (R-64)."
    if changes.requires_notice:
        return f"{summary}: announce before the effective date (R-04)."
    return f"{summary}: wording only." if changes.changes else "No changes."


def version_json(version: PublishedVersion) -> dict[str, object]:
    return {
        "version": version.version,
        "effective_from": version.effective_from.isoformat(),
        "published_at": version.published_at.isoformat(),
        "published_by": version.published_by,
        "digest": version.digest,
        "changes": version.changes.to_json(),
    }


def versions_table(published: list[PublishedVersion], current: str | None) -> Table:
    table = Table(title="Published policy versions")
    for column in ("version", "effective", "published", "by", "changes", "in force"):
        table.add_column(column, overflow="fold")
    for version in published:
        counts = [len(version.changes.of_class(c)) for c in ("consent", "notice", "editorial")]
        table.add_row(
            escape(version.version),
            version.effective_from.isoformat(),
            version.published_at.isoformat(timespec="seconds"),
            escape(version.published_by),
            "first" if version.changes.old_version is None else "/".join(map(str, counts)),
            "yes" if version.version == current else "",
        )
    table.caption = "changes: consent/notice/editorial"
    return table
