"""``hogo deid``: anonymise a table by full-domain generalisation, and check a release (R-54)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from hogo.cli.common import group_app, one_line_errors
from hogo.cli.deid_pseudonymise import pseudonymise
from hogo.deid.check import smallest_class
from hogo.deid.config import hierarchies, load_config
from hogo.deid.errors import DeidError
from hogo.deid.frame import check_columns
from hogo.deid.fulldomain import Result, anonymise
from hogo.deid.io import output_format, read_table, write_release

deid_app = group_app("De-identification: anonymise tables and check releases (R-54, R-56).")


@deid_app.command("anonymise")
def anonymise_command(
    data: Annotated[Path, typer.Argument(help="CSV (';' or ',') or Parquet file.")],
    config: Annotated[Path, typer.Option("--config", help="The anonymisation config (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="The release: .csv or .parquet.")],
) -> None:
    """Generalise the quasi-identifiers to the optimal full-domain node; write OUT and a notice."""
    with one_line_errors():
        output_format(out)
        settings = load_config(config)
        frame = read_table(data)
        found = hierarchies(settings, config.parent, frame)
        kept = [*settings.quasi_identifiers, *settings.sensitive, *settings.insensitive]
        check_columns(frame, [*settings.sensitive, *settings.insensitive], "column")
        result = anonymise(
            frame.select(kept),
            found,
            settings.privacy_model(),
            settings.suppression_limit,
            settings.sensitive,
        )
        notice = write_release(result.frame, out, dt.datetime.now(dt.UTC))
    _report(result)
    typer.echo(f"wrote {out} and {notice}")


def _report(result: Result) -> None:
    node = ", ".join(f"{name}={level}" for name, level in result.node.items())
    metrics = result.metrics
    typer.echo(f"node: {node}")
    typer.echo(f"GCP: {metrics.gcp:.4f}")
    typer.echo(f"discernibility: {metrics.discernibility}")
    typer.echo(f"average class size: {metrics.average_class_size:.2f}")
    typer.echo(f"suppressed rows: {metrics.suppressed}")
    typer.echo(
        f"prosecutor risk: highest {metrics.highest_risk:.4f}, average {metrics.average_risk:.4f}"
    )


@deid_app.command("check")
def check_command(
    release: Annotated[Path, typer.Argument(help="The released CSV or Parquet file.")],
    k: Annotated[int, typer.Option("--k", help="The k the release must reach.")],
    quasi: Annotated[
        str | None,
        typer.Option("--quasi", help="Comma-separated quasi-identifiers (default: every column)."),
    ] = None,
) -> None:
    """Check that a release is k-anonymous; rows with every quasi-identifier '*' are suppressed."""
    with one_line_errors():
        frame = read_table(release)
        names = [name.strip() for name in quasi.split(",")] if quasi else frame.columns
        found = smallest_class(frame, names)
        if found.k < k:
            raise DeidError(f"{release}: not {k}-anonymous: the smallest class has {found.k} rows")
    typer.echo(
        f"{release}: {k}-anonymous (smallest class {found.k}, {found.classes} classes, "
        f"{found.suppressed} of {found.rows} rows suppressed)"
    )


deid_app.command("pseudonymise")(pseudonymise)
