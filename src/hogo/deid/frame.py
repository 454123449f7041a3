"""Encode quasi-identifiers once into integer codes and penalties per generalisation level.

For quasi-identifier ``j`` at level ``l`` the encoded frame holds ``code:j:l`` (the dense rank of
the generalised label, multiplied by ``j``'s place value so that summing one code per column
gives a unique class key) and ``cost:j:l`` (the cell's normalised certainty penalty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from hogo.deid.errors import DeidError
from hogo.deid.hierarchies import Hierarchy

KEY_LIMIT = 2**62


def code(column: int, level: int) -> str:
    return f"code:{column}:{level}"


def cost(column: int, level: int) -> str:
    return f"cost:{column}:{level}"


@dataclass(frozen=True)
class Encoded:
    """The frame's quasi-identifiers as codes and penalties, plus its sensitive columns."""

    table: pl.DataFrame
    quasi: tuple[str, ...]
    hierarchies: tuple[Hierarchy, ...]
    sensitive: tuple[str, ...]
    cost_sums: tuple[tuple[float, ...], ...]  # per column, per level: total penalty of its cells

    @property
    def rows(self) -> int:
        return self.table.height

    @property
    def heights(self) -> tuple[int, ...]:
        return tuple(hierarchy.height for hierarchy in self.hierarchies)


def check_columns(frame: pl.DataFrame, names: Sequence[str], what: str) -> None:
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise DeidError(f"{what} {missing[0]!r} is not a column of the data")


def encode(
    frame: pl.DataFrame, hierarchies: Mapping[str, Hierarchy], sensitive: Sequence[str] = ()
) -> Encoded:
    """Codes and penalties for every quasi-identifier at every level of its hierarchy."""
    quasi = tuple(hierarchies)
    check_columns(frame, quasi, "quasi-identifier")
    check_columns(frame, sensitive, "sensitive attribute")
    place = 1
    columns: list[pl.Series] = []
    sums: list[tuple[float, ...]] = []
    for index, name in enumerate(quasi):
        hierarchy = hierarchies[name]
        mapped = _map_column(frame.get_column(name), hierarchy, index, place)
        columns.extend(mapped.iter_columns())
        sums.append(
            tuple(
                float(mapped.get_column(cost(index, level)).sum())
                for level in range(hierarchy.height)
            )
        )
        place *= hierarchy.leaves
        if place >= KEY_LIMIT:
            raise DeidError("too many combinations of quasi-identifier values to encode")
    table = pl.DataFrame([*columns, *(frame.get_column(name) for name in sensitive)])
    return Encoded(
        table, quasi, tuple(hierarchies[name] for name in quasi), tuple(sensitive), tuple(sums)
    )


def _mapping(hierarchy: Hierarchy, index: int, place: int) -> pl.DataFrame:
    leaves = hierarchy.leaves
    columns: list[pl.Expr] = [pl.col("0").alias("value")]
    for level in range(hierarchy.height):
        label = pl.col(str(level))
        rank = (label.rank("dense").cast(pl.UInt64) - 1) * place
        under = pl.len().over(label).cast(pl.Float64)
        penalty = (under - 1) / (leaves - 1) if leaves > 1 else pl.lit(0.0)
        columns += [rank.alias(code(index, level)), penalty.alias(cost(index, level))]
    return hierarchy.levels.select(columns)


def _map_column(values: pl.Series, hierarchy: Hierarchy, index: int, place: int) -> pl.DataFrame:
    strings = values.cast(pl.String)
    if strings.null_count():
        raise DeidError(f"column {values.name!r} has an empty value")
    missing = strings.filter(~strings.is_in(hierarchy.column(0).implode()))
    if missing.len():
        where = f"column {values.name!r}"
        raise DeidError(
            f"value {missing[0]!r} of {where} is not in its hierarchy ({hierarchy.source})"
        )
    joined = pl.DataFrame({"value": strings}).join(
        _mapping(hierarchy, index, place), on="value", how="left", maintain_order="left"
    )
    return joined.drop("value")
