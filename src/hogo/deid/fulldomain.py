"""Optimal full-domain generalisation with a suppression limit.

:func:`search` visits the lattice in order of each node's GCP without suppression, a lower bound
of its GCP with suppression that only grows with generalisation. It stops at the first node whose
bound reaches the best GCP found, and never evaluates a node known to fail: for a monotone model
a node below a failing node fails too. :func:`exhaustive` evaluates every node; both return the
node of least GCP (ties: fewest levels, then the first in lattice order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from hogo.deid.errors import DeidError
from hogo.deid.frame import Encoded, encode
from hogo.deid.hierarchies import TOP, Hierarchy
from hogo.deid.lattice import all_nodes, classes, key_of, lower_bounds
from hogo.deid.metrics import Metrics, gcp, measure
from hogo.deid.models import PrivacyModel


@dataclass(frozen=True)
class Evaluation:
    node: tuple[int, ...]
    classes: pl.DataFrame
    gcp: float
    satisfied: bool


@dataclass(frozen=True)
class Result:
    """The chosen node (level per quasi-identifier), the released frame and its metrics."""

    node: dict[str, int]
    frame: pl.DataFrame
    metrics: Metrics
    evaluated: int


def evaluate(
    encoded: Encoded, node: Sequence[int], model: PrivacyModel, limit: float
) -> Evaluation:
    table = classes(encoded, node, model)
    suppressed = int(table.get_column("size").filter(~table.get_column("ok")).sum())
    allowed = math.floor(limit * encoded.rows + 1e-9)
    score = gcp(table, encoded.rows, len(encoded.quasi))
    return Evaluation(tuple(int(level) for level in node), table, score, suppressed <= allowed)


def _better(candidate: Evaluation, best: Evaluation | None) -> bool:
    if not candidate.satisfied:
        return False
    if best is None:
        return True
    rank = (round(candidate.gcp, 12), sum(candidate.node), candidate.node)
    return rank < (round(best.gcp, 12), sum(best.node), best.node)


def search(encoded: Encoded, model: PrivacyModel, limit: float) -> tuple[Evaluation, int]:
    """The optimal node and how many nodes were evaluated."""
    nodes = all_nodes(encoded.heights)
    bounds = lower_bounds(encoded, nodes)
    order = np.lexsort((nodes.sum(axis=1), bounds))
    failing = np.zeros(len(nodes), dtype=bool)
    best: Evaluation | None = None
    evaluated = 0
    for index in order:
        node = nodes[index]
        if best is not None and bounds[index] > best.gcp + 1e-12:
            break
        if failing[index]:
            continue
        result = evaluate(encoded, node, model, limit)
        evaluated += 1
        if not result.satisfied and model.monotone:
            failing |= (nodes <= node).all(axis=1)
        elif _better(result, best):
            best = result
    if best is None:
        raise DeidError("no generalisation meets the model within the suppression limit")
    return best, evaluated


def exhaustive(encoded: Encoded, model: PrivacyModel, limit: float) -> Evaluation:
    """Evaluate every node of the lattice; the optimum, for checking :func:`search`."""
    best: Evaluation | None = None
    for node in all_nodes(encoded.heights):
        result = evaluate(encoded, node, model, limit)
        if _better(result, best):
            best = result
    if best is None:
        raise DeidError("no generalisation meets the model within the suppression limit")
    return best


def generalise(frame: pl.DataFrame, encoded: Encoded, chosen: Evaluation) -> pl.DataFrame:
    """A new frame: quasi-identifiers at the node's levels, suppressed rows' ones ``"*"``."""
    released = chosen.classes.filter(pl.col("ok")).select("key", kept=pl.lit(True))
    keys = encoded.table.select(key_of(chosen.node).alias("key"))
    kept = keys.join(released, on="key", how="left", maintain_order="left").get_column("kept")
    columns = []
    for name, hierarchy, level in zip(encoded.quasi, encoded.hierarchies, chosen.node, strict=True):
        label = (
            pl.col(name)
            .cast(pl.String)
            .replace_strict(hierarchy.column(0), hierarchy.column(level))
        )
        columns.append(pl.when(kept.is_not_null()).then(label).otherwise(pl.lit(TOP)).alias(name))
    return frame.with_columns(columns)


def anonymise(
    frame: pl.DataFrame,
    hierarchies: Mapping[str, Hierarchy],
    model: PrivacyModel,
    limit: float = 0.0,
    sensitive: Sequence[str] = (),
) -> Result:
    """The optimal full-domain generalisation of ``frame`` (which is left as it is)."""
    if not 0 <= limit <= 1:
        raise DeidError(f"the suppression limit must lie between 0 and 1, not {limit}")
    encoded = encode(frame, hierarchies, sensitive)
    model.check(encoded.rows, encoded.sensitive)
    best, evaluated = search(encoded, model, limit)
    metrics = measure(best.classes, encoded.rows, len(encoded.quasi))
    node = dict(zip(encoded.quasi, best.node, strict=True))
    return Result(node, generalise(frame, encoded, best), metrics, evaluated)
