"""A log file as a frame of numbered lines, plain or gzip, and which format it is in.

The whole file is read at once (the gzip magic number, not the name, decides whether it is
compressed) and split into lines by Polars; blank lines are skipped but keep the numbering, so
a rejected line's number is its line in the file. Bytes that are not UTF-8 are replaced, which
leaves such a line to be rejected by the parser rather than the whole file.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Literal

import polars as pl

Format = Literal["combined", "json"]
GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data.startswith(GZIP_MAGIC) else data


def numbered_lines(data: bytes) -> pl.DataFrame:
    """Columns ``number`` (from 1) and ``line`` (no line end), blank lines left out.

    Polars' CSV reader splits the lines, with a NUL byte as the field separator and no
    quoting, so a line arrives whole (one with a NUL in it is cut there and then rejected).
    """
    if not data.strip():
        return pl.DataFrame(schema={"number": pl.Int64, "line": pl.String})
    frame = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        separator="\x00",
        quote_char=None,
        schema={"line": pl.String},
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
    )
    return (
        frame.with_row_index("number", offset=1)
        .with_columns(pl.col("number").cast(pl.Int64), pl.col("line").str.strip_suffix("\r"))
        .filter(pl.col("line").str.strip_chars() != "")
    )


def detect_format(lines: pl.DataFrame) -> Format:
    """``json`` when the first non-blank line opens a JSON object, else ``combined``."""
    if lines.height and lines["line"][0].lstrip().startswith("{"):
        return "json"
    return "combined"
