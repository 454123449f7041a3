"""One-time codes, challenge ids and status tokens, and the keyed hashes that stand for them.

Only keyed hashes are stored (HMAC-SHA256 under the master key's ``hogo/v1/one-time-codes``
subkey), so a copy of the database reveals no code, no token and no client address. Each kind
of value is hashed with its own prefix, so a hash of one kind never matches another; a code's
hash also covers its challenge id, so a code hash copied onto another challenge never matches.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

CODE_DIGITS = 6
_SEPARATORS = re.compile(r"[\s\-‐－ー]")


def new_code() -> str:
    """A six-digit one-time code, uniformly random."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_challenge_id() -> str:
    return secrets.token_urlsafe(24)


def new_status_token() -> str:
    return secrets.token_urlsafe(32)


def normalise_code(typed: str) -> str:
    """The code as typed, with full-width digits made ASCII and spaces or hyphens removed."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed))


class IntakeHasher:
    """Keyed hashes of codes, status tokens and client addresses. Its ``repr`` hides the key."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = key

    def code(self, challenge_id: str, code: str) -> bytes:
        return self._mac(b"code", challenge_id.encode(), normalise_code(code).encode())

    def status_token(self, token: str) -> bytes:
        return self._mac(b"status-token", token.encode())

    def client(self, client: str) -> bytes:
        """Stands for a client (an IP address) in the rate-limit counts."""
        return self._mac(b"client", client.strip().lower().encode())

    def matches(self, expected: bytes, challenge_id: str, code: str) -> bool:
        """Constant-time comparison of a typed code with the stored hash."""
        return hmac.compare_digest(expected, self.code(challenge_id, code))

    def _mac(self, kind: bytes, *parts: bytes) -> bytes:
        message = b"\x00".join((kind, *parts))
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def __repr__(self) -> str:
        return "IntakeHasher(<hidden>)"
