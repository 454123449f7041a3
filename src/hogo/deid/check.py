"""Independent check of a released table: the k it reaches over its quasi-identifiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from hogo.deid.errors import DeidError
from hogo.deid.frame import check_columns
from hogo.deid.hierarchies import TOP


@dataclass(frozen=True)
class Check:
    k: int
    classes: int
    rows: int
    suppressed: int


def smallest_class(frame: pl.DataFrame, quasi: Sequence[str]) -> Check:
    """The smallest class over ``quasi``; rows with every quasi-identifier ``*`` are suppressed."""
    if not quasi:
        raise DeidError("no quasi-identifiers to check")
    check_columns(frame, quasi, "quasi-identifier")
    values = [pl.col(name).cast(pl.String) for name in quasi]
    suppressed = pl.all_horizontal(value == TOP for value in values)
    released = frame.filter(~suppressed)
    sizes = released.group_by(quasi).agg(size=pl.len()).get_column("size")
    smallest = int(sizes.min()) if sizes.len() else 0  # type: ignore[arg-type]
    return Check(smallest, sizes.len(), frame.height, frame.height - released.height)
