"""Tables in and out of pseudonymisation, and the marker on every output (R-52, R-53).

Every pseudonymised output is marked as pseudonymously processed information twice: a
sidecar ``OUT.pseudonymised.json`` beside it, and for Parquet the same record in the file's
own key-value metadata, so the mark travels with the file. :func:`is_pseudonymised` sees
either; provision refuses such files to third parties (R-52) and contact channels refuse
their addresses (R-53). The marker names no key and no key file.

An output is written to temporary files first and renamed into place, so a failure leaves
nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from hogo.deid.pseudonymise import PseudonymisationReport
from hogo.errors import ValidationFailed

KIND = "pseudonymously_processed_information"
SIDECAR_SUFFIX = ".pseudonymised.json"
METADATA_KEY = "hogo.deid"
SUFFIXES = (".csv", ".parquet")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_table(path: Path) -> pl.DataFrame:
    """A CSV (``,`` or ``;``, from the header line; every value as text) or Parquet file."""
    suffix = _suffix(path, "input")
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
        separator = ";" if header.count(";") > header.count(",") else ","
        return pl.read_csv(path, separator=separator, infer_schema=False, encoding="utf8")
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValidationFailed(f"cannot read {path}: {first}") from None


def check_output(path: Path, source: Path) -> None:
    """The output's suffix is known and it is not the input (checked before any work)."""
    _suffix(path, "output")
    if not path.parent.is_dir():
        raise ValidationFailed(f"the folder of the output {path} does not exist")
    if path.resolve() == source.resolve():
        raise ValidationFailed(f"the output {path} is the input; choose another file")


def marker(report: PseudonymisationReport, purposes: Sequence[str]) -> dict[str, Any]:
    """The record that marks an output as pseudonymously processed information."""
    return {
        "kind": KIND,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "purposes": list(purposes),
        "method": report.method,
        "rows": report.rows,
        "columns": report.treatment(),
        "removed": list(report.removed),
    }


def write_marked(
    frame: pl.DataFrame, path: Path, report: PseudonymisationReport, purposes: Sequence[str]
) -> dict[str, Any]:
    """Write ``frame`` to ``path`` with its marker (sidecar, and Parquet metadata)."""
    record = marker(report, purposes)
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    side = sidecar_path(path)
    data_tmp, side_tmp = _temporary(path), _temporary(side)
    try:
        if _suffix(path, "output") == ".parquet":
            frame.write_parquet(data_tmp, metadata={METADATA_KEY: json.dumps(record)})
        else:
            frame.write_csv(data_tmp)
        side_tmp.write_text(text, encoding="utf-8")
        os.replace(side_tmp, side)  # the mark first: never an unmarked output
        os.replace(data_tmp, path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise ValidationFailed(f"cannot write {path}: {error}") from None
    finally:
        data_tmp.unlink(missing_ok=True)
        side_tmp.unlink(missing_ok=True)
    return record


def is_pseudonymised(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` carries a pseudonymisation marker (sidecar or Parquet metadata)."""
    target = Path(path)
    if _marked(sidecar_path(target)):
        return True
    if target.suffix.lower() != ".parquet" or not target.is_file():
        return False
    try:
        metadata = pl.read_parquet_metadata(target)
    except (OSError, pl.exceptions.PolarsError):
        return False
    return _kind(metadata.get(METADATA_KEY)) == KIND


def _marked(side: Path) -> bool:
    try:
        return _kind(side.read_text(encoding="utf-8")) == KIND
    except (OSError, UnicodeDecodeError):
        return False


def _kind(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    kind = record.get("kind") if isinstance(record, dict) else None
    return kind if isinstance(kind, str) else None


def _suffix(path: Path, what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed(f"the {what} {path} must be a .csv or .parquet file")
    return suffix


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")
