"""Card numbers (PANs): validated, then kept only as a keyed token and a masked form.

- PCI DSS 3.5.1 (a): the PAN is rendered unreadable by a one-way *keyed* hash of the whole
  number (HMAC-SHA256 under the card-token subkey). The same card always gives the same
  token, so it can be matched, never read back.
- PCI DSS 3.4.1: what may be shown is ``************1234``, the last four digits only, below
  the first-6-plus-last-4 ceiling of FAQ 1091.
- 3.5.1 asks that a hash and a truncated form of the same PAN cannot be correlated: the hash
  is keyed and the key lives outside the database, so the last four digits do not let anyone
  search the token space.

The plain number is held only in local variables while the token is computed; it is never
stored, logged, or put into an error message.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass

from hogo.errors import ValidationFailed

MIN_DIGITS = 12
MAX_DIGITS = 19
MASK = "*" * 12
_SEPARATORS = re.compile(r"[\s-]")


@dataclass(frozen=True, slots=True)
class CardToken:
    """What is kept of a card number: ``token`` (keyed hash) and ``display`` (last 4)."""

    token: bytes
    display: str


def normalise_pan(value: str, category: str) -> str:
    """The digits of a valid card number; :class:`ValidationFailed` (without the number) if not."""
    pan = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if not (pan.isascii() and pan.isdigit() and MIN_DIGITS <= len(pan) <= MAX_DIGITS):
        raise ValidationFailed(
            f"category {category!r}: a card number has {MIN_DIGITS} to {MAX_DIGITS} digits"
        )
    if not luhn_valid(pan):
        raise ValidationFailed(f"category {category!r}: not a valid card number (Luhn check)")
    return pan


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def tokenise(key: bytes, value: str, category: str) -> CardToken:
    """Validate a card number and keep only its keyed token and its last four digits."""
    pan = normalise_pan(value, category)
    token = hmac.digest(key, pan.encode(), "sha256")
    return CardToken(token=token, display=MASK + pan[-4:])
