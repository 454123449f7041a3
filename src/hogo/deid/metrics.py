"""Utility and risk of a released node, computed from its class table.

- GCP: the mean normalised certainty penalty over all quasi-identifier cells. A cell generalised
  to a value with ``u`` leaves under it in a hierarchy of ``n`` leaves costs ``(u - 1) / (n - 1)``
  (the original value 0, ``*`` 1); a suppressed row costs 1 per cell.
- Discernibility: the sum of the squared sizes of the released classes, plus the number of rows
  for each suppressed row.
- Average class size: released rows over released classes.
- Prosecutor risk: highest ``1 / smallest released class``; average ``released classes /
  released rows`` (the mean over released rows of ``1 / class size``).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Metrics:
    gcp: float
    discernibility: int
    average_class_size: float
    suppressed: int
    highest_risk: float
    average_risk: float


def gcp(classes: pl.DataFrame, rows: int, columns: int) -> float:
    """GCP of a class table (``size``, ``cost``, ``ok``) over ``rows`` rows and ``columns`` QIs."""
    totals = classes.select(
        kept=pl.col("cost").filter(pl.col("ok")).sum(),
        suppressed=pl.col("size").filter(~pl.col("ok")).sum(),
    ).row(0)
    kept, suppressed = float(totals[0] or 0.0), int(totals[1] or 0)
    return (kept + suppressed * columns) / (rows * columns) if rows and columns else 0.0


def measure(classes: pl.DataFrame, rows: int, columns: int) -> Metrics:
    """Every metric of a class table."""
    released = classes.filter(pl.col("ok"))
    kept = int(released.get_column("size").sum())
    suppressed = rows - kept
    sizes = released.get_column("size")
    count = released.height
    return Metrics(
        gcp=gcp(classes, rows, columns),
        discernibility=int((sizes.cast(pl.Int64) ** 2).sum()) + suppressed * rows,
        average_class_size=kept / count if count else 0.0,
        suppressed=suppressed,
        highest_risk=1 / int(sizes.min()) if count else 0.0,  # type: ignore[arg-type]
        average_risk=count / kept if kept else 0.0,
    )
