"""The file a provision sends: CSV, JSON lines or Parquet, optionally sealed with age.

Formats are interchangeable parts behind :class:`ExportFormat`, listed in :data:`FORMATS`, with
:func:`register` for more. Each turns a Polars frame (one row per person: ``subject`` — the
person's reference — and one list column per category) into bytes in memory, so a sealed
export never touches the disk in clear. CSV joins a person's several values of a category
with ``"; "``; the other formats keep them as lists.

:func:`place_file` writes the bytes beside the destination under a hidden name, flushes them
to disk, and hands back a :class:`PlacedFile` whose :meth:`~PlacedFile.publish` links them to
the destination, atomically and only if nothing is there yet; the caller publishes inside the
transaction that writes the records, so either both exist or neither does.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import polars as pl
import pyrage

from hogo.errors import Conflict, ValidationFailed

LIST_SEPARATOR = "; "


class ExportFormat(ABC):
    """One file format of a provision."""

    name: ClassVar[str]
    suffix: ClassVar[str]

    @abstractmethod
    def render(self, frame: pl.DataFrame) -> bytes:
        """The whole file; ``frame`` is not changed."""


class CsvFormat(ExportFormat):
    name = "csv"
    suffix = ".csv"

    def render(self, frame: pl.DataFrame) -> bytes:
        flat = frame.with_columns(pl.col(pl.List(pl.String)).list.join(LIST_SEPARATOR))
        buffer = io.BytesIO()
        flat.write_csv(buffer)
        return buffer.getvalue()


class JsonLinesFormat(ExportFormat):
    name = "jsonl"
    suffix = ".jsonl"

    def render(self, frame: pl.DataFrame) -> bytes:
        buffer = io.BytesIO()
        frame.write_ndjson(buffer)
        return buffer.getvalue()


class ParquetFormat(ExportFormat):
    name = "parquet"
    suffix = ".parquet"

    def render(self, frame: pl.DataFrame) -> bytes:
        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="zstd")
        return buffer.getvalue()


FORMATS: dict[str, ExportFormat] = {
    part.name: part for part in (CsvFormat(), JsonLinesFormat(), ParquetFormat())
}


def register(part: ExportFormat) -> None:
    """Add a format; a name already taken is refused."""
    if part.name in FORMATS:
        raise ValidationFailed(f"export format {part.name!r} is already registered")
    FORMATS[part.name] = part


def export_format(name: str) -> ExportFormat:
    found = FORMATS.get(name)
    if found is None:
        raise ValidationFailed(f"unknown export format {name!r}; expected {', '.join(FORMATS)}")
    return found


def sealed(data: bytes, public_key: str) -> bytes:
    """``data`` encrypted to an age X25519 recipient (``age1…``): only its holder opens it."""
    try:
        recipient = pyrage.x25519.Recipient.from_str(public_key.strip())
    except pyrage.RecipientError:
        raise ValidationFailed("the recipient's public key is not an age key (age1…)") from None
    encrypted: bytes = pyrage.encrypt(data, [recipient])
    return encrypted


def check_destination(destination: Path) -> Path:
    """The destination as an absolute path, if it is free and its folder can be written."""
    target = destination.expanduser().absolute()
    if target.exists() or target.is_symlink():
        raise Conflict(f"{target} exists; a provision never overwrites a file")
    if not target.parent.is_dir():
        raise ValidationFailed(f"{target.parent} is not a folder")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise ValidationFailed(f"{target.parent} cannot be written")
    return target


@dataclass
class PlacedFile:
    """Bytes on disk beside the destination, not yet visible under its name."""

    destination: Path
    hidden: Path
    published: bool = False

    def publish(self) -> None:
        """Link the file to its destination; refused if something appeared there meanwhile."""
        try:
            os.link(self.hidden, self.destination)
        except FileExistsError:
            raise Conflict(f"{self.destination} appeared meanwhile; nothing provided") from None
        self.published = True

    def withdraw(self) -> None:
        """Undo :meth:`publish` (the records could not be written)."""
        if self.published:
            self.destination.unlink(missing_ok=True)
            self.published = False

    def discard_hidden(self) -> None:
        self.hidden.unlink(missing_ok=True)


def place_file(destination: Path, data: bytes) -> PlacedFile:
    """Write ``data`` beside ``destination`` under a hidden name and flush it to disk."""
    hidden = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}.partial")
    try:
        with hidden.open("xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        hidden.unlink(missing_ok=True)
        raise ValidationFailed(f"{destination} cannot be written: {error.strerror}") from None
    return PlacedFile(destination, hidden)


@dataclass(frozen=True, slots=True)
class FileFacts:
    """The file of a provision and the facts its provision row keeps."""

    placed: PlacedFile
    sha256: str
    format: str
    encrypted: bool
    method: str
    facts_id: int
    statutory: bool
    retain_until: dt.datetime

    def values(self) -> dict[str, object]:
        return {
            "facts_id": self.facts_id,
            "method": self.method,
            "format": self.format,
            "encrypted": self.encrypted,
            "file_name": str(self.placed.destination),
            "file_sha256": self.sha256,
            "statutory": self.statutory,
            "retain_until": self.retain_until,
        }
