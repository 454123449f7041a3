"""Optimal full-domain generalisation with a suppression limit.

:func:`search` visits the lattice in order of each node's GCP without suppression, a lower bound
of its GCP with suppression that only grows with generalisation. It stops at the first node whose
bound reaches the best GCP found, and never evaluates a node known to fail: for a monotone model
a node below a failing node fails too, and a binary search up a chain of the lattice finds such
nodes high up, in the spirit of Flash. :func:`exhaustive` evaluates every node; both return the
node of least GCP (ties: fewest levels, then the first in lattice order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
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
    """The optimal node and how many nodes were evaluated.

    Nodes are taken in order of their lower bound. Before a node is evaluated, the chain from
    it up to the top of the lattice is searched for the first node that meets a monotone model
    (a binary search: along a chain the model fails, then holds): the nodes below the last
    failing one all fail, and are never evaluated. Without suppression a node's GCP is its
    bound, which only grows with generalisation, so the nodes above one that holds can never be
    better and are skipped too.
    """
    nodes = all_nodes(encoded.heights)
    bounds = lower_bounds(encoded, nodes)
    order = np.lexsort((nodes.sum(axis=1), bounds))
    position = {tuple(int(v) for v in node): index for index, node in enumerate(nodes)}
    failing = np.zeros(len(nodes), dtype=bool)
    dominated = np.zeros(len(nodes), dtype=bool)
    known: dict[int, Evaluation] = {}
    exact = limit == 0  # GCP is the bound: monotone in generalisation
    best: Evaluation | None = None

    def judged(index: int) -> Evaluation:
        found = known.get(index)
        if found is None:
            found = known[index] = evaluate(encoded, nodes[index], model, limit)
            if not found.satisfied and model.monotone:
                failing[(nodes <= nodes[index]).all(axis=1)] = True
            elif found.satisfied and exact:
                above = (nodes >= nodes[index]).all(axis=1)
                above[index] = False
                dominated[above] = True
        return found

    for index in order:
        if best is not None and bounds[index] > best.gcp + 1e-12:
            break
        if failing[index] or dominated[index]:
            continue
        if model.monotone:
            _climb(judged, failing, _chain(nodes[index], encoded.heights, position))
            if failing[index] or dominated[index]:
                continue
        result = judged(int(index))
        if _better(result, best):
            best = result
    if best is None:
        raise DeidError("no generalisation meets the model within the suppression limit")
    return best, len(known)


def _chain(
    start: npt.NDArray[np.int64], heights: Sequence[int], position: Mapping[tuple[int, ...], int]
) -> list[int]:
    """The nodes from ``start`` to the top, one level at a time, the least generalised
    quasi-identifier (relative to its height) first."""
    node = [int(level) for level in start]
    chain = [position[tuple(node)]]
    while True:
        open_ = [i for i, level in enumerate(node) if level < heights[i] - 1]
        if not open_:
            return chain
        step = min(open_, key=lambda i: (node[i] / max(heights[i] - 1, 1), i))
        node[step] += 1
        chain.append(position[tuple(node)])


def _climb(
    judged: Callable[[int], Evaluation], failing: npt.NDArray[np.bool_], chain: list[int]
) -> None:
    """Binary search along ``chain`` (the model fails, then holds) for where it starts to hold;
    each evaluation tags the nodes below a failing one."""
    low, high = 0, len(chain) - 1
    while low <= high:
        middle = (low + high) // 2
        if failing[chain[middle]]:
            low = middle + 1
        elif judged(chain[middle]).satisfied:
            high = middle - 1
        else:
            low = middle + 1


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
