"""Generalisation hierarchies: ARX's CSV files and built-in ones for numbers, codes and dates.

A :class:`Hierarchy` is a frame with one row per original value and one string column per level,
``"0"`` (the value itself) to ``str(height - 1)`` (``"*"``, everything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hogo.deid.errors import DeidError

TOP = "*"


@dataclass(frozen=True)
class Hierarchy:
    """Levels of one quasi-identifier; ``source`` names where it came from, for errors."""

    levels: pl.DataFrame
    source: str

    @property
    def height(self) -> int:
        return self.levels.width

    @property
    def leaves(self) -> int:
        return self.levels.height

    def column(self, level: int) -> pl.Series:
        return self.levels.get_column(str(level))


def load_arx(path: Path) -> Hierarchy:
    """Read an ARX hierarchy file (``;``-separated, LF or CRLF); errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DeidError(f"{path}: cannot read hierarchy file ({error})") from error
    lines = text.splitlines()
    rows = [line.split(";") for line in lines]
    if not rows:
        raise DeidError(f"{path}: empty hierarchy file")
    width = len(rows[0])
    for number, row in enumerate(rows, start=1):
        _check_row(path, number, row, width)
    levels = pl.DataFrame({str(level): [row[level] for row in rows] for level in range(width)})
    duplicated = levels.filter(pl.col("0").is_duplicated())
    if duplicated.height:
        value = duplicated.item(0, "0")
        number = [i for i, row in enumerate(rows, start=1) if row[0] == value][1]
        raise DeidError(f"{path}:{number}: value {value!r} appears more than once")
    return Hierarchy(levels, str(path))


def _check_row(path: Path, number: int, row: list[str], width: int) -> None:
    if len(row) != width:
        raise DeidError(f"{path}:{number}: {len(row)} levels where line 1 has {width}")
    if any(cell.strip() == "" for cell in row):
        raise DeidError(f"{path}:{number}: empty level")


def _distinct(values: pl.Series) -> pl.Series:
    return values.drop_nulls().unique().sort()


def intervals(values: pl.Series, widths: Sequence[int] = (5, 10, 20)) -> Hierarchy:
    """Integer intervals of each width (``"20-24"``), then ``"*"``."""
    if any(width < 1 for width in widths):
        raise DeidError(f"column {values.name!r}: interval widths must be positive")
    try:
        numbers = _distinct(values).cast(pl.Int64)
    except pl.exceptions.InvalidOperationError as error:
        raise DeidError(f"column {values.name!r}: intervals need whole numbers") from error
    number = pl.col("0").cast(pl.Int64)
    columns = [number.cast(pl.String).alias("0")]
    for level, width in enumerate(widths, start=1):
        low = (number // width) * width
        label = pl.format("{}-{}", low, low + width - 1)
        columns.append(label.alias(str(level)))
    columns.append(pl.lit(TOP).alias(str(len(widths) + 1)))
    return Hierarchy(pl.DataFrame({"0": numbers}).select(columns), f"intervals of {values.name}")


def masking(values: pl.Series) -> Hierarchy:
    """Postal codes: one more trailing character masked per level, then ``"*"``."""
    codes = _distinct(values.cast(pl.String))
    longest = int(codes.str.len_chars().max() or 1)  # type: ignore[arg-type]
    value = pl.col("0")
    length = value.str.len_chars()
    columns = [value]
    for level in range(1, longest):
        kept = value.str.slice(0, (length - level).clip(0))
        masked = pl.lit(TOP).repeat_by(pl.min_horizontal(length, level)).list.join("")
        columns.append(pl.concat_str(kept, masked).alias(str(level)))
    columns.append(pl.lit(TOP).alias(str(max(longest, 1))))
    return Hierarchy(pl.DataFrame({"0": codes}).select(columns), f"masking of {values.name}")


def birth_dates(values: pl.Series) -> Hierarchy:
    """Dates of birth (``YYYY-MM-DD`` or ``YYYY``): year, 5-year band, 10-year band, ``"*"``."""
    dates = _distinct(values.cast(pl.String))
    year = pl.col("0").str.slice(0, 4).cast(pl.Int64, strict=False)
    frame = pl.DataFrame({"0": dates}).with_columns(year=year)
    bad = frame.filter(pl.col("year").is_null())
    if bad.height:
        raise DeidError(f"value {bad.item(0, '0')!r} of column {values.name!r} is not a date")

    def band(width: int) -> pl.Expr:
        low = (pl.col("year") // width) * width
        return pl.format("{}-{}", low, low + width - 1)

    levels = frame.select(
        pl.col("0"),
        pl.col("year").cast(pl.String).alias("1"),
        band(5).alias("2"),
        band(10).alias("3"),
        pl.lit(TOP).alias("4"),
    )
    return Hierarchy(levels, f"birth dates of {values.name}")
