"""The suppression list: erasures recorded outside the database, so no restore undoes them.

A backup taken before an erasure still holds the person. The database cannot remember what
happened after its own backup was taken, so the list lives in a file next to the master key
(one JSON line per erasure, appended and flushed to disk before the erasure commits). When
hogo opens a database it re-applies every entry before anything can be read (R-14): a
restored subject whose tombstone matches is erased again, and restored items are deleted.

An entry holds ids and a keyed hash, nothing of the person.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from hogo.errors import HogoError


class SuppressionUnavailable(HogoError):
    """The suppression list cannot be written, so the erasure does not happen."""

    status = 503
    code = "suppression_unavailable"
    title = "Suppression list unavailable"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One erasure: the whole subject (``item_ids`` empty) or some of its items."""

    subject_id: int
    tombstone: bytes
    item_ids: tuple[int, ...]
    erased_at: str  # ISO 8601
    reason: str = "erasure"  # erasure (a request or a status change) | retention (a sweep)

    @property
    def whole_subject(self) -> bool:
        return not self.item_ids


class SuppressionList:
    """An append-only JSON-lines file of :class:`Suppression` entries."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entries: Sequence[Suppression]) -> None:
        """Write ``entries`` and force them to disk; raises if that is not possible."""
        if not entries:
            return
        tails: dict[tuple[str, str], str] = {}
        lines = "".join(_line(entry, tails) for entry in entries)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, lines.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise SuppressionUnavailable(
                f"cannot write the suppression list {self.path}: {error.strerror}"
            ) from None

    def __iter__(self) -> Iterator[Suppression]:
        return iter(self.read_from(0)[0])

    def read_from(self, offset: int) -> tuple[list[Suppression], int]:
        """The whole entries from byte ``offset`` on, and the offset just after the last one.

        An offset beyond the end (the list was replaced) reads from the start. A last line
        without its newline is being written by another process: it is left for next time.
        """
        if not self.path.exists():
            return [], 0
        with self.path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            start = offset if 0 <= offset <= size else 0
            file.seek(start)
            data = file.read()
        complete = data[: data.rfind(b"\n") + 1]
        entries = []
        for number, line in enumerate(complete.splitlines(), start=1):
            if line.strip():
                entries.append(_parse(line, self.path, partial(self._line_at, start, number)))
        return entries, start + len(complete)

    def _line_at(self, start: int, number: int) -> int:
        """The line number in the file of line ``number`` after byte ``start``."""
        with self.path.open("rb") as file:
            return file.read(start).count(b"\n") + number


def _line(entry: Suppression, tails: dict[tuple[str, str], str] | None = None) -> str:
    """The entry as one JSON line; written by hand, as ``json.dumps`` would write it (every
    field is a number, hex, or a text JSON-escaped once per batch in ``tails``), because a
    sweep writes one per person."""
    key = (entry.erased_at, entry.reason)
    tail = None if tails is None else tails.get(key)
    if tail is None:
        tail = f'"erased_at":{json.dumps(entry.erased_at)},"reason":{json.dumps(entry.reason)}}}\n'
        if tails is not None:
            tails[key] = tail
    item_ids = ",".join(map(str, entry.item_ids))
    return (
        f'{{"subject_id":{int(entry.subject_id)},"tombstone":"{entry.tombstone.hex()}",'
        f'"item_ids":[{item_ids}],{tail}'
    )


def _parse(line: bytes, path: Path, line_number: Callable[[], int]) -> Suppression:
    try:
        body = json.loads(line)
        return Suppression(
            subject_id=int(body["subject_id"]),
            tombstone=bytes.fromhex(body["tombstone"]),
            item_ids=tuple(int(item) for item in body["item_ids"]),
            erased_at=str(body["erased_at"]),
            reason=str(body.get("reason", "erasure")),
        )
    except (ValueError, KeyError, TypeError):
        raise SuppressionUnavailable(
            f"{path}:{line_number()}: not a suppression entry; the list was altered"
        ) from None
