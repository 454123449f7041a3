"""Pseudonymisation of a table by each column's de-identification role (R-48, PPC Rules Art. 31).

The role of a column is its category's ``deid`` in the policy:

- ``direct_identifier`` (name, address, e-mail …): replaced by a keyed token
  (:mod:`hogo.deid.tokens`; R-48 (1)), or deleted when the caller asks for it;
- ``identification_code`` (individual identification codes): deleted (R-48 (2));
- ``property_damage`` (card numbers, payment logins): deleted (R-48 (3));
- ``quasi_identifier``, ``sensitive``, ``other``: kept as they are.

A column without a role is an error, never silently kept. The caller's frame is not changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

import polars as pl

from hogo.deid.tokens import METHOD, token_key, tokenise
from hogo.errors import ValidationFailed
from hogo.policy.model import DeidRole, Policy

ROLES: tuple[str, ...] = get_args(DeidRole)
DELETED_ROLES = frozenset({"identification_code", "property_damage"})
KEPT_ROLES = frozenset({"quasi_identifier", "sensitive", "other"})


@dataclass(frozen=True)
class PseudonymisationReport:
    """What happened to each column, in the frame's column order."""

    tokenised: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...]
    roles: Mapping[str, str]
    rows: int
    method: str = METHOD

    def treatment(self) -> dict[str, dict[str, str]]:
        """``{column: {"role": …, "treatment": "tokenised" | "removed" | "kept"}}``."""
        done = dict.fromkeys(self.tokenised, "tokenised")
        done |= dict.fromkeys(self.removed, "removed")
        done |= dict.fromkeys(self.kept, "kept")
        return {name: {"role": self.roles[name], "treatment": done[name]} for name in self.roles}


def pseudonymise(
    frame: pl.DataFrame,
    roles: Mapping[str, str],
    secret: bytes,
    *,
    drop_identifiers: bool = False,
) -> tuple[pl.DataFrame, PseudonymisationReport]:
    """A pseudonymised copy of ``frame`` and what was done to each column.

    ``roles`` gives every column's role; ``secret`` is the pseudonymisation key
    (:func:`hogo.deid.keyfile.load_deid_key`). With ``drop_identifiers`` direct identifiers are
    deleted instead of tokenised.
    """
    check_roles(frame.columns, roles)
    ordered = {name: roles[name] for name in frame.columns}
    identifiers = [n for n, role in ordered.items() if role == "direct_identifier"]
    to_tokenise = [] if drop_identifiers else identifiers
    removed = [n for n, r in ordered.items() if r in DELETED_ROLES or n in identifiers]
    removed = [n for n in removed if n not in to_tokenise]
    key = token_key(secret)
    tokens = [tokenise(frame.get_column(name), key) for name in to_tokenise]
    out = frame.with_columns(tokens).drop(removed)
    report = PseudonymisationReport(
        tokenised=tuple(to_tokenise),
        removed=tuple(removed),
        kept=tuple(n for n, r in ordered.items() if r in KEPT_ROLES),
        roles=ordered,
        rows=frame.height,
    )
    return out, report


def check_roles(columns: list[str], roles: Mapping[str, str]) -> None:
    """Every column has a known role; else :class:`ValidationFailed` naming the columns."""
    unknown = sorted(f"{name}={role}" for name, role in roles.items() if role not in ROLES)
    if unknown:
        valid = ", ".join(ROLES)
        raise ValidationFailed(f"unknown de-identification role {', '.join(unknown)}; use {valid}")
    missing = [name for name in columns if name not in roles]
    if missing:
        raise ValidationFailed(
            f"no de-identification role for column {', '.join(missing)}; "
            "name its category with --category-map or give --column NAME=ROLE"
        )
    absent = sorted(name for name in roles if name not in columns)
    if absent:
        raise ValidationFailed(f"no column {', '.join(absent)} in the data")


def roles_from_policy(
    policy: Policy,
    columns: list[str],
    category_map: Mapping[str, str] | None = None,
    explicit: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each column's role: an explicit role, else its mapped category's, else its namesake's.

    A column named in ``category_map`` must map to a category of the policy.
    """
    roles: dict[str, str] = {}
    mapped = dict(category_map or {})
    unknown = sorted(f"{col}={cat}" for col, cat in mapped.items() if cat not in policy.categories)
    if unknown:
        raise ValidationFailed(f"category map names no category of the policy: {unknown[0]}")
    for name in columns:
        category = mapped.get(name, name)
        if category in policy.categories:
            roles[name] = policy.categories[category].deid
    roles |= dict(explicit or {})
    return roles
