"""Tables in and out: CSV (``;`` or ``,``, told from the header) and Parquet; the notice (R-56)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DeidError(f"{path}: cannot read data ({first})") from error


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
    notice_file = notice_path(path)
    write_with_sidecar(frame, path, notice_file, notice(frame.columns, made_at))
    return notice_file


def write_with_sidecar(
    frame: pl.DataFrame,
    path: Path,
    sidecar: Path,
    record: dict[str, Any],
    metadata: dict[str, str] | None = None,
) -> None:
    """Write ``frame`` to ``path`` (Parquet with ``metadata``, or CSV) and ``record`` as JSON to
    ``sidecar``, through temporary files renamed into place: each appears whole or not at all,
    the sidecar first, so the data never stands without it."""
    suffix = output_format(path)
    data_tmp, side_tmp = _temporary(path), _temporary(sidecar)
    try:
        if suffix == ".parquet":
            frame.write_parquet(data_tmp, metadata=metadata)
        else:
            frame.write_csv(data_tmp)
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        side_tmp.write_text(text, encoding="utf-8")
        os.replace(side_tmp, sidecar)
        os.replace(data_tmp, path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise DeidError(f"{path}: cannot write ({error})") from error
    finally:
        data_tmp.unlink(missing_ok=True)
        side_tmp.unlink(missing_ok=True)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")
