"""Envelope encryption for the inquiry desk: one data key per ticket.

What a person writes to the desk, and the name and address to answer them at, is personal data
(§1 "details entered in inquiry forms"). Each ticket gets its own random 256-bit data key,
stored wrapped under the master key's wrap subkey with the ticket's id as associated data, so
a wrapped key copied onto another ticket no longer opens. Each message is sealed with AES-GCM
under that key and stored as ``nonce ‖ ciphertext``; its associated data names the ticket, the
direction and the author, so a message moved to another ticket, or turned from a note into a
reply, fails to decrypt.

Destroying the wrapped key (crypto-shredding, :data:`SHREDDED`) leaves every message of the
ticket unreadable, copies in backups included.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hogo.errors import KeyMismatch
from hogo.vault.envelope import new_data_keys, nonces, wrap_data_key
from hogo.vault.keys import NONCE_BYTES, KeyRing

SHREDDED = b""  # the wrapped key of a ticket whose messages were destroyed


def ticket_aad(ticket_id: int) -> bytes:
    return b"ticket\x00" + str(ticket_id).encode()


def message_aad(ticket_id: int, direction: str, author: str) -> bytes:
    # Direction and author are plain identifiers (no NUL), so the separators keep them apart.
    return ticket_aad(ticket_id) + b"\x00" + direction.encode() + b"\x00" + author.encode()


class TicketCipher:
    """Seals and opens the messages of one ticket; its ``repr`` shows no key material."""

    __slots__ = ("_aes", "_ticket_id")

    def __init__(self, ticket_id: int, data_key: bytes) -> None:
        self._ticket_id = ticket_id
        self._aes = AESGCM(data_key)

    def __repr__(self) -> str:
        return f"TicketCipher(ticket={self._ticket_id}, <hidden>)"

    @classmethod
    def create(cls, keyring: KeyRing, ticket_id: int) -> tuple[TicketCipher, bytes]:
        """A cipher under a fresh data key, and that key wrapped for the ticket's row."""
        (data_key,) = new_data_keys(1)
        (nonce,) = nonces(1)
        wrapped = wrap_data_key(keyring, data_key, ticket_aad(ticket_id), nonce)
        return cls(ticket_id, data_key), wrapped

    @classmethod
    def unwrap(cls, keyring: KeyRing, ticket_id: int, wrapped: bytes) -> TicketCipher:
        """The cipher of a ticket; :class:`KeyMismatch` if its key was altered or moved."""
        nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
        try:
            data_key = keyring.wrap.decrypt(nonce, sealed, ticket_aad(ticket_id))
        except InvalidTag:
            raise KeyMismatch(
                f"the data key of ticket {ticket_id} does not open: the row was altered or moved"
            ) from None
        return cls(ticket_id, data_key)

    def seal(self, direction: str, author: str, text: str) -> bytes:
        (nonce,) = nonces(1)
        aad = message_aad(self._ticket_id, direction, author)
        return nonce + self._aes.encrypt(nonce, text.encode(), aad)

    def open(self, stored: bytes, direction: str, author: str, message_id: int) -> str:
        nonce, sealed = stored[:NONCE_BYTES], stored[NONCE_BYTES:]
        aad = message_aad(self._ticket_id, direction, author)
        try:
            return self._aes.decrypt(nonce, sealed, aad).decode()
        except InvalidTag:
            raise KeyMismatch(
                f"message {message_id} of ticket {self._ticket_id} does not decrypt: "
                "it was altered or moved"
            ) from None
