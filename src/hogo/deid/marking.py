"""Tables in and out of pseudonymisation, and the marker on every output (R-52, R-53).

Every pseudonymised output is marked as pseudonymously processed information twice: a
sidecar ``OUT.pseudonymised.json`` beside it, and for Parquet the same record in the file's
own key-value metadata, so the mark travels with the file. :func:`is_pseudonymised` sees
either; provision refuses such files to third parties (R-52) and contact channels refuse
their addresses (R-53). The marker names no key and no key file.

An output is written through :func:`hogo.deid.io.write_with_sidecar`: temporary files renamed
into place, the marker first, so a failure leaves nothing behind and no output stands unmarked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from hogo.deid.io import write_with_sidecar
from hogo.deid.pseudonymise import PseudonymisationReport
from hogo.errors import ValidationFailed

KIND = "pseudonymously_processed_information"
SIDECAR_SUFFIX = ".pseudonymised.json"
METADATA_KEY = "hogo.deid"
SUFFIXES = (".csv", ".parquet")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


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
    metadata = {METADATA_KEY: json.dumps(record)}
    write_with_sidecar(frame, path, sidecar_path(path), record, metadata)
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
