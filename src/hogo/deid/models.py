"""Privacy models, judged per equivalence class in one pass of Polars expressions.

A class that fails the model is suppressed; a node satisfies the model when the rows suppressed
fit the suppression limit. Every model here is judged on the class table of a node: ``key`` (the
class), ``size`` (its rows) and ``ok`` (whether it may be released as it is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import polars as pl

from hogo.deid.errors import DeidError

Diversity = Literal["distinct", "entropy"]
Distance = Literal["equal", "ordered"]


@dataclass(frozen=True)
class PrivacyModel:
    """k-anonymity, optionally with ℓ-diversity and t-closeness over each sensitive column."""

    k: int
    l: int | None = None  # noqa: E741 (the model's name)
    diversity: Diversity = "distinct"
    t: float | None = None
    distance: Distance = "equal"

    @property
    def monotone(self) -> bool:
        """Whether a generalisation of a satisfying node always satisfies too (with suppression).

        True for k-anonymity and distinct ℓ-diversity; entropy ℓ-diversity and t-closeness
        can lose a class when a failing class merges into a passing one.
        """
        return self.t is None and (self.l is None or self.diversity == "distinct")

    def check(self, rows: int, sensitive: tuple[str, ...]) -> None:
        if self.k < 1:
            raise DeidError(f"k must be at least 1, not {self.k}")
        if self.k > rows:
            raise DeidError(f"k = {self.k} is larger than the {rows} rows of the data")
        if (self.l is not None or self.t is not None) and not sensitive:
            raise DeidError("ℓ-diversity and t-closeness need a sensitive attribute")
        if self.t is not None and not 0 <= self.t <= 1:
            raise DeidError(f"t must lie between 0 and 1, not {self.t}")


def judge(rows: pl.LazyFrame, model: PrivacyModel, sensitive: tuple[str, ...]) -> pl.LazyFrame:
    """The class table of ``rows`` (columns ``key``, ``cost`` and the sensitive ones)."""
    classes = rows.group_by("key").agg(size=pl.len(), cost=pl.col("cost").sum())
    ok = pl.col("size") >= model.k
    for index, column in enumerate(sensitive):
        if model.l is not None:
            name = f"diverse:{index}"
            classes = classes.join(_diversity(rows, column, model).rename({"ok": name}), on="key")
            ok = ok & pl.col(name)
        if model.t is not None:
            name = f"close:{index}"
            classes = classes.join(_closeness(rows, column, model).rename({"ok": name}), on="key")
            ok = ok & pl.col(name)
    return classes.select("key", "size", "cost", ok.alias("ok"))


def _shares(rows: pl.LazyFrame, column: str) -> pl.LazyFrame:
    counts = rows.group_by("key", column).agg(count=pl.len())
    return counts.with_columns(share=pl.col("count") / pl.col("count").sum().over("key"))


def _diversity(rows: pl.LazyFrame, column: str, model: PrivacyModel) -> pl.LazyFrame:
    level = float(model.l or 1)
    if model.diversity == "distinct":
        return rows.group_by("key").agg(ok=pl.col(column).n_unique() >= level)
    entropy = -(pl.col("share") * pl.col("share").log()).sum()
    return _shares(rows, column).group_by("key").agg(ok=entropy >= math.log(level) - 1e-12)


def _closeness(rows: pl.LazyFrame, column: str, model: PrivacyModel) -> pl.LazyFrame:
    limit = float(model.t if model.t is not None else 1.0) + 1e-12
    overall = rows.group_by(column).agg(whole=pl.len().cast(pl.Float64))
    overall = overall.with_columns(pl.col("whole") / pl.col("whole").sum())
    shares = _shares(rows, column)
    if model.distance == "equal":
        gap = (pl.col("share") - pl.col("whole")).abs().sum() + 1 - pl.col("whole").sum()
        joined = shares.join(overall, on=column)
        return joined.group_by("key").agg(ok=0.5 * gap <= limit)
    values = overall.sort(column).with_row_index("place")
    grid = shares.select("key").unique().join(values, how="cross")
    full = grid.join(shares.select("key", column, "share"), on=["key", column], how="left")
    full = full.with_columns(pl.col("share").fill_null(0.0)).sort("key", "place")
    steps = (pl.col("share") - pl.col("whole")).cum_sum().over("key").abs()
    denominator = max(values.select(pl.len()).collect().item() - 1, 1)
    distance = pl.col("step").sum() / denominator
    return full.with_columns(step=steps).group_by("key").agg(ok=distance <= limit)
