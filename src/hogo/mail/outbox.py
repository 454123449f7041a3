"""A sender that writes each message as an ``.eml`` file into a folder: the demo's outbox.

Each file is complete or absent: it is written under a temporary name (a dot file, which
readers skip) and renamed into place with :func:`os.replace`. Names start with the UTC time
to the microsecond and a per-process counter, so listing the folder sorted by name lists the
messages in the order they were sent.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import secrets
import tempfile
import threading
from pathlib import Path
from urllib.parse import SplitResult, unquote

from hogo.errors import MailFailed, ValidationFailed
from hogo.mail.message import Mail, to_bytes, to_email
from hogo.mail.sender import MailSender

SUFFIX = ".eml"


class FileSender(MailSender):
    """Writes each message to ``folder`` (created on the first message)."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender
        self._counter = itertools.count()
        self._lock = threading.Lock()

    def send(self, message: Mail) -> None:
        now = dt.datetime.now(dt.UTC)
        data = to_bytes(to_email(message, self.sender, now=now))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.folder / self._name(now), data)
        except OSError as error:
            raise MailFailed(f"cannot write to the outbox {self.folder}: {error}") from None

    def messages(self) -> list[Path]:
        """The files of the outbox, oldest first."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(f"[!.]*{SUFFIX}"))

    def _name(self, now: dt.datetime) -> str:
        with self._lock:
            sequence = next(self._counter)
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
        return f"{stamp}-{sequence:06d}-{secrets.token_hex(4)}{SUFFIX}"

    def __repr__(self) -> str:
        return f"FileSender({str(self.folder)!r})"


def _write_atomically(path: Path, data: bytes) -> None:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
        dir=path.parent, prefix=".", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def from_url(url: SplitResult, sender: str) -> FileSender:
    """``file:///abs/dir`` (absolute) or ``file://relative/dir`` (from the working directory)."""
    folder = unquote(url.netloc + url.path)
    if not folder:
        raise ValidationFailed("a file mail URL names a folder: file:///abs/dir or file://dir")
    return FileSender(Path(folder), sender)
