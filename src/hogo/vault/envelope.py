"""Envelope encryption: a data key per subject, wrapped under the master key's wrap subkey.

Each subject gets its own random 256-bit data key. The key is stored wrapped with AES-GCM,
with the subject's group and reference as associated data, so a wrapped key copied onto
another subject's row no longer opens. Item values are encrypted with AES-GCM under the
subject's data key and stored as ``nonce ‖ ciphertext``; the category name is the associated
data, so a value moved to another category fails to decrypt (R-18 at-rest encryption).

Random bytes are drawn in blocks (one ``os.urandom`` call per batch) and sliced, which costs
far less than a system call per key or nonce.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hogo.errors import KeyMismatch
from hogo.vault.keys import KEY_BYTES, NONCE_BYTES, KeyRing


def random_block(size: int) -> bytes:
    """Random bytes to slice keys and nonces from: one system call for a whole batch."""
    return os.urandom(size)


def random_slices(count: int, size: int) -> list[bytes]:
    """``count`` independent random byte strings of ``size`` bytes, from one system call."""
    block = random_block(count * size)
    return [block[start : start + size] for start in range(0, count * size, size)]


def new_data_keys(count: int) -> list[bytes]:
    return random_slices(count, KEY_BYTES)


def nonces(count: int) -> list[bytes]:
    return random_slices(count, NONCE_BYTES)


def subject_aad(group: str, ref: str) -> bytes:
    # A group is an identifier (no NUL), so the separator keeps the pair unambiguous.
    return group.encode() + b"\x00" + ref.encode()


def wrap_data_key(keyring: KeyRing, data_key: bytes, aad: bytes, nonce: bytes) -> bytes:
    return nonce + keyring.wrap.encrypt(nonce, data_key, aad)


def unwrap_data_key(keyring: KeyRing, wrapped: bytes, group: str, ref: str) -> bytes:
    """The subject's data key; :class:`KeyMismatch` if the wrapped key was altered or moved."""
    nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
    try:
        return keyring.wrap.decrypt(nonce, sealed, subject_aad(group, ref))
    except InvalidTag:
        raise KeyMismatch(
            f"a data key of subject group {group!r} does not open: the row was altered or moved"
        ) from None


class ValueCipher:
    """Encrypts and decrypts one subject's item values; build one per subject, not per item."""

    __slots__ = ("_aes",)

    def __init__(self, data_key: bytes) -> None:
        self._aes = AESGCM(data_key)

    def seal(self, nonce: bytes, value: str, category: bytes) -> bytes:
        return nonce + self._aes.encrypt(nonce, value.encode(), category)

    def open(self, stored: bytes, category: str, item_id: int) -> str:
        nonce, sealed = stored[:NONCE_BYTES], stored[NONCE_BYTES:]
        try:
            return self._aes.decrypt(nonce, sealed, category.encode()).decode()
        except InvalidTag:
            raise KeyMismatch(
                f"item {item_id} ({category}) does not decrypt: it was altered or moved"
            ) from None
