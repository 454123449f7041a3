"""The master key: where it comes from, the subkeys derived from it, and the database's check.

The master key is 32 random bytes, given base64-encoded in ``HOGO_MASTER_KEY`` or kept in a
key file that ``hogo init`` creates. It never encrypts data itself: HKDF-SHA256 derives one
subkey per job (wrapping data keys, the blind index, card tokens, the keyring check), so a
key used for one job can never be confused with another (R-18 key management).

The ``keyring`` table holds an AES-GCM check value made with the first master key a database
saw. A different key fails on that check with :class:`~hogo.errors.KeyMismatch` before it
can touch a data key or write anything.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from hogo.errors import KeyMismatch, KeyMissing
from hogo.store.tables import keyring as keyring_table

KEY_BYTES = 32
NONCE_BYTES = 12
CHECK_TEXT = b"hogo keyring check v1"
CHECK_AAD = b"keyring"
CREATE_HINT = "create one with `hogo init` or set HOGO_MASTER_KEY"
MISMATCH = "the master key does not match the one this database was created with"


def load_master_key(master_key_b64: str | None, key_file: Path) -> bytes:
    """The master key from ``HOGO_MASTER_KEY`` if set, else from ``key_file``."""
    if master_key_b64:
        return decode_master_key(master_key_b64, "HOGO_MASTER_KEY")
    try:
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyMissing(f"no master key: {key_file} does not exist; {CREATE_HINT}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise KeyMissing(f"the master key file {key_file} cannot be read: {error}") from None
    return decode_master_key(text, str(key_file))


def decode_master_key(text: str, origin: str) -> bytes:
    """Base64 of exactly 32 bytes, or :class:`KeyMissing` naming where the bad key came from."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyMissing(f"the master key in {origin} is not valid base64; {CREATE_HINT}") from None
    if len(key) != KEY_BYTES:
        raise KeyMissing(
            f"the master key in {origin} is {len(key)} bytes, not {KEY_BYTES}; {CREATE_HINT}"
        )
    return key


def create_key_file(path: Path) -> bool:
    """Write a new random master key to ``path`` (mode 0600); ``False`` if the file exists.

    ``O_CREAT | O_EXCL`` makes creation atomic: an existing key is never overwritten, even by
    two ``hogo init`` runs at once.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(base64.b64encode(os.urandom(KEY_BYTES)) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True


def _derive(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(master)


class KeyRing:
    """The subkeys derived from one master key. Its ``repr`` shows no key material."""

    __slots__ = (
        "card_key",
        "check_key",
        "code_key",
        "index_key",
        "member_key",
        "tombstone_key",
        "wrap",
    )

    def __init__(self, master: bytes) -> None:
        if len(master) != KEY_BYTES:
            raise KeyMissing(f"the master key is {len(master)} bytes, not {KEY_BYTES}")
        self.wrap = AESGCM(_derive(master, b"hogo/v1/wrap-data-keys"))
        self.index_key = _derive(master, b"hogo/v1/blind-index")
        self.card_key = _derive(master, b"hogo/v1/card-token")
        self.check_key = _derive(master, b"hogo/v1/keyring-check")
        self.code_key = _derive(master, b"hogo/v1/one-time-codes")
        self.tombstone_key = _derive(master, b"hogo/v1/tombstone")
        self.member_key = _derive(master, b"hogo/v1/member-token")

    def __repr__(self) -> str:
        return "KeyRing(<hidden>)"

    def check_value(self) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.check_key).encrypt(nonce, CHECK_TEXT, CHECK_AAD)

    def matches(self, check_value: bytes) -> bool:
        nonce, sealed = check_value[:NONCE_BYTES], check_value[NONCE_BYTES:]
        try:
            return AESGCM(self.check_key).decrypt(nonce, sealed, CHECK_AAD) == CHECK_TEXT
        except InvalidTag:
            return False


def ensure_keyring(connection: Connection, keyring: KeyRing) -> None:
    """Record the check value on first use; afterwards raise :class:`KeyMismatch` on a wrong key.

    Two processes starting on a new database at once both insert with ``ON CONFLICT DO
    NOTHING``; whichever row won is then verified, so the loser with the same key passes.
    """
    stored = _stored_check_value(connection)
    if stored is None:
        _insert_check_value(connection, keyring.check_value())
        stored = _stored_check_value(connection)
    if stored is None or not keyring.matches(stored):
        raise KeyMismatch(MISMATCH)


def _stored_check_value(connection: Connection) -> bytes | None:
    query = select(keyring_table.c.check_value).where(keyring_table.c.id == 1)
    value = connection.execute(query).scalar_one_or_none()
    return None if value is None else bytes(value)


def _insert_check_value(connection: Connection, check_value: bytes) -> None:
    row = {"id": 1, "check_value": check_value, "created_at": dt.datetime.now(dt.UTC)}
    if connection.dialect.name == "postgresql":
        pg = postgresql.insert(keyring_table).values(row)
        connection.execute(pg.on_conflict_do_nothing(index_elements=["id"]))
    else:
        lite = sqlite.insert(keyring_table).values(row)
        connection.execute(lite.on_conflict_do_nothing(index_elements=["id"]))
