"""The pseudonymisation key: "deleted information" kept apart from the data (R-49).

The key is 32 random bytes, base64-encoded, in its own file (``HOGO_DEID_KEY_FILE``, by
default the master key file's name with the suffix ``.deid``). It is created with mode 0600
on first use, and a file that anyone but its owner may read or write is refused: whoever may
use pseudonymised data has no access to the key that made it (R-49 (3)). The key is not the
master key and is not in the database, so neither a copy of the database nor a pseudonymised
output carries it.
"""

from __future__ import annotations

import base64
import binascii
import stat
from pathlib import Path

from hogo.errors import KeyMissing
from hogo.vault.keys import KEY_BYTES, create_key_file

OWNER_ONLY = 0o077  # bits that must be clear: no access for the group or for others


def load_deid_key(path: Path, *, create: bool = True) -> bytes:
    """The key in ``path``, made (0600) first if it does not exist and ``create`` is set."""
    if create and not path.exists():
        try:
            create_key_file(path)
        except OSError as error:
            reason = error.strerror or str(error)
            raise KeyMissing(f"cannot create the pseudonymisation key {path}: {reason}") from None
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyMissing(f"no pseudonymisation key: {path} does not exist") from None
    if not stat.S_ISREG(mode):
        raise KeyMissing(f"the pseudonymisation key {path} is not a regular file")
    if mode & OWNER_ONLY:
        raise KeyMissing(
            f"the pseudonymisation key {path} has mode {stat.S_IMODE(mode):04o}; "
            "it must be readable by its owner only (chmod 600)"
        )
    return _decode(path)


def _decode(path: Path) -> bytes:
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (OSError, UnicodeDecodeError, binascii.Error, ValueError) as error:
        raise KeyMissing(f"the pseudonymisation key {path} cannot be read: {error}") from None
    if len(key) != KEY_BYTES:
        raise KeyMissing(f"the pseudonymisation key {path} is {len(key)} bytes, not {KEY_BYTES}")
    return key
