"""What both formats share once fields are found: cleaning and the stored columns.

Query strings and fragments are cut from paths and referrers: they carry search terms, tokens
and e-mail addresses, none of which statistics or troubleshooting need (§13 (i), (ii)).
"""

from __future__ import annotations

import polars as pl

MAX_TEXT = 2000  # characters of a path or referrer that are kept
RAW_COLUMNS = ("number", "at", "ip", "method", "path", "status", "bytes", "referrer", "agent")


def dash_to_null(column: pl.Expr) -> pl.Expr:
    """``-`` and empty, as logs write a missing value, become null."""
    text = column.str.strip_chars()
    return pl.when(text.is_in(["-", ""])).then(None).otherwise(text)


def without_query(column: pl.Expr) -> pl.Expr:
    return dash_to_null(column).str.replace(r"[?#].*$", "").str.slice(0, MAX_TEXT)


def clean(frame: pl.DataFrame, at: pl.Expr, status: pl.Expr, size: pl.Expr) -> pl.DataFrame:
    """The raw text fields as typed columns in :data:`RAW_COLUMNS` order, plus ``member``."""
    return frame.select(
        pl.col("number"),
        at.alias("at"),
        pl.col("ip").fill_null("-"),
        dash_to_null(pl.col("method")).str.to_uppercase().str.slice(0, 16).alias("method"),
        without_query(pl.col("path")).alias("path"),
        status.cast(pl.Int32, strict=False).alias("status"),
        size.cast(pl.Int64, strict=False).alias("bytes"),
        without_query(pl.col("referrer")).alias("referrer"),
        dash_to_null(pl.col("agent")).alias("agent"),
        dash_to_null(pl.col("member")).str.slice(0, 200).alias("member"),
    )
