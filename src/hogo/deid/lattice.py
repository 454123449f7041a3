"""The generalisation lattice: one level per quasi-identifier; a node's classes in one group_by."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from hogo.deid.frame import Encoded, code, cost
from hogo.deid.models import PrivacyModel, judge

Nodes = npt.NDArray[np.int64]


def all_nodes(heights: Sequence[int]) -> Nodes:
    """Every node, one row each, one column per quasi-identifier."""
    grid = np.indices(tuple(heights), dtype=np.int64)
    return grid.reshape(len(heights), -1).T.copy()


def lower_bounds(encoded: Encoded, nodes: Nodes) -> npt.NDArray[np.float64]:
    """GCP of each node with nothing suppressed: a lower bound of its GCP with suppression."""
    total = np.zeros(len(nodes), dtype=np.float64)
    for column, sums in enumerate(encoded.cost_sums):
        total += np.asarray(sums, dtype=np.float64)[nodes[:, column]]
    cells = encoded.rows * len(encoded.quasi)
    return total / cells if cells else total


def key_of(node: Sequence[int]) -> pl.Expr:
    return pl.sum_horizontal(pl.col(code(column, level)) for column, level in enumerate(node))


def cost_of(node: Sequence[int]) -> pl.Expr:
    return pl.sum_horizontal(pl.col(cost(column, level)) for column, level in enumerate(node))


def classes(encoded: Encoded, node: Sequence[int], model: PrivacyModel) -> pl.DataFrame:
    """The class table of ``node``: ``key``, ``size``, ``cost`` (summed penalty), ``ok``."""
    rows = encoded.table.lazy().select(
        key_of(node).alias("key"), cost_of(node).alias("cost"), *encoded.sensitive
    )
    return judge(rows, model, encoded.sensitive).collect()
