"""``hogo deid pseudonymise``: a CSV or Parquet file made pseudonymously processed information.

Each column's role comes from the policy category of the same name, from ``--category-map``
(a YAML or JSON mapping of column to category) or from ``--column NAME=ROLE``; a column with
no role is an error. The output is marked (R-52, R-53) and states its purposes, which must be
purposes published in the policy (R-50). The key is ``HOGO_DEID_KEY_FILE`` (R-49), made on
first use. Errors are one line on stderr with exit code 1, and then nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from hogo.cli.common import one_line_errors
from hogo.deid.io import read_table
from hogo.deid.keyfile import load_deid_key
from hogo.deid.marking import check_output, write_marked
from hogo.deid.pseudonymise import check_roles, roles_from_policy
from hogo.deid.pseudonymise import pseudonymise as pseudonymise_frame
from hogo.errors import ValidationFailed
from hogo.policy.load import load_policy
from hogo.policy.model import Policy
from hogo.settings import Settings


def pseudonymise(
    data: Annotated[Path, typer.Argument(help="The CSV (, or ;) or Parquet file to read.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write it (.csv or .parquet).")],
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="NAME=ROLE for a column, e.g. customer=direct_identifier."),
    ] = None,
    category_map: Annotated[
        Path | None,
        typer.Option("--category-map", help="YAML/JSON file mapping columns to categories."),
    ] = None,
    purpose: Annotated[
        list[str] | None,
        typer.Option("--purpose", help="A published purpose the output may be used for."),
    ] = None,
    drop_identifiers: Annotated[
        bool,
        typer.Option("--drop-identifiers", help="Delete direct identifiers, do not tokenise."),
    ] = False,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: HOGO_POLICY_PATH).")
    ] = None,
) -> None:
    """Pseudonymise DATA into OUT: tokenise direct identifiers, delete codes and card data."""
    with one_line_errors():
        settings = Settings()
        check_output(out, data)
        rules = load_policy(policy or settings.policy_path)
        purposes = _published(rules, purpose or [])
        explicit = _explicit_roles(column or [])
        mapping = _category_map(category_map) if category_map else None
        frame = read_table(data)
        roles = roles_from_policy(rules, frame.columns, mapping, explicit)
        check_roles(frame.columns, roles)  # before the key file is made
        secret = load_deid_key(settings.deid_key_path)
        result, report = pseudonymise_frame(frame, roles, secret, drop_identifiers=drop_identifiers)
        write_marked(result, out, report, purposes)
    typer.echo(f"pseudonymised {report.rows} rows into {out}")
    typer.echo(f"tokenised: {', '.join(report.tokenised) or '-'}")
    typer.echo(f"removed: {', '.join(report.removed) or '-'}")
    typer.echo(f"kept: {', '.join(report.kept) or '-'}")


def _explicit_roles(pairs: list[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for pair in pairs:
        name, sign, role = pair.partition("=")
        if not sign or not name.strip() or not role.strip():
            raise ValidationFailed(f"--column {pair!r} is not NAME=ROLE")
        roles[name.strip()] = role.strip()
    return roles


def _category_map(path: Path) -> dict[str, str]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0]
        raise ValidationFailed(f"cannot read the category map {path}: {first}") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise ValidationFailed(f"the category map {path} must map column names to category ids")
    return dict(loaded)


def _published(policy: Policy, purposes: list[str]) -> list[str]:
    unknown = [name for name in purposes if name not in policy.purposes]
    if unknown:
        raise ValidationFailed(f"purpose {unknown[0]} is not published in the policy")
    return purposes
