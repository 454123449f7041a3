"""Tables in and out: CSV (``;`` or ``,``, told from the header) and Parquet; the notice (R-56)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from hogo.deid.errors import DeidError

FORMATS = (".csv", ".parquet")


def read_table(path: Path) -> pl.DataFrame:
    """Every column of a CSV file as text, or a Parquet file as it is."""
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path)
        with path.open(encoding="utf-8-sig") as file:
            header = file.readline()
        separator = ";" if header.count(";") > header.count(",") else ","
        return pl.read_csv(path, separator=separator, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise DeidError(f"{path}: cannot read data ({str(error).splitlines()[0]})") from error


def output_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DeidError(f"{path}: the output must end in {' or '.join(FORMATS)}")
    return suffix


def notice_path(path: Path) -> Path:
    return path.with_name(path.name + ".notice.json")


def notice(columns: Sequence[str], made_at: dt.datetime) -> dict[str, object]:
    """The published notice of the categories of information a release contains (R-56)."""
    return {
        "categories": list(columns),
        "made_at": made_at.isoformat(timespec="seconds"),
        "kind": "anonymously processed information",
    }


def write_release(frame: pl.DataFrame, path: Path, made_at: dt.datetime) -> Path:
    """Write ``frame`` and its notice beside it; each file appears whole or not at all."""
    suffix = output_format(path)
    partial = path.with_name(path.name + ".partial")
    notice_file = notice_path(path)
    notice_partial = notice_file.with_name(notice_file.name + ".partial")
    try:
        if suffix == ".parquet":
            frame.write_parquet(partial)
        else:
            frame.write_csv(partial)
        notice_partial.write_text(
            json.dumps(notice(frame.columns, made_at), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        os.replace(partial, path)
        os.replace(notice_partial, notice_file)
    except OSError as error:
        partial.unlink(missing_ok=True)
        notice_partial.unlink(missing_ok=True)
        raise DeidError(f"{path}: cannot write ({error})") from error
    return notice_file
