"""A keyed blind index, so a subject can be found by e-mail or phone without decrypting.

The index of a value is HMAC-SHA256 under the blind-index subkey, truncated to 16 bytes, over
the kind and the normalised value (:class:`BlindIndex` keys the HMAC once, then copies it).
Without the key the index reveals nothing, not even that two databases hold the same address.
Normalising first makes different spellings of one
address or number meet:

- e-mail: NFKC (full-width letters become ASCII), surrounding space removed, lower case;
- phone: NFKC (full-width digits and ``＋`` become ASCII), digits only, in international form.
  Japan is the home country: a national number with its trunk ``0`` (``03-1234-5678``)
  becomes ``+81…``, a ``(0)`` written after ``+81`` is dropped, and the Japanese
  international call prefix ``010`` becomes ``+``. Digits without ``+`` or a leading ``0``
  are kept as they are.
"""

from __future__ import annotations

import re
import unicodedata

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.hmac import HMAC

from hogo.errors import ValidationFailed
from hogo.vault.items import LookupKind

INDEX_BYTES = 16
HOME_COUNTRY_CODE = "81"
INTERNATIONAL_PREFIX = "010"
_NOT_DIGIT = re.compile(r"\D")
_PREFIX: dict[str, bytes] = {"email": b"email\x00", "phone": b"phone\x00"}


def normalise_email(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if not text:
        raise ValidationFailed("an e-mail address to index is empty")
    return text


def normalise_phone(value: str) -> str:
    """The number in international form, e.g. ``+81312345678``."""
    text = unicodedata.normalize("NFKC", value).strip().lstrip("(")
    digits = _digits(text)
    if not digits:
        raise ValidationFailed("a phone number to index has no digits")
    if text.startswith("+"):
        if digits.startswith(HOME_COUNTRY_CODE + "0"):
            digits = HOME_COUNTRY_CODE + digits[len(HOME_COUNTRY_CODE) + 1 :]
        return "+" + digits
    if digits.startswith(INTERNATIONAL_PREFIX):
        return "+" + digits[len(INTERNATIONAL_PREFIX) :]
    if digits.startswith("0"):
        return "+" + HOME_COUNTRY_CODE + digits[1:]
    return digits


def _digits(text: str) -> str:
    digits = _NOT_DIGIT.sub("", text)
    if digits.isascii():
        return digits
    # Decimal digits of other scripts (NFKC leaves them alone) count as their values.
    return "".join(str(unicodedata.decimal(char)) for char in digits)


NORMALISERS = {"email": normalise_email, "phone": normalise_phone}


class BlindIndex:
    """The blind index under one key; keyed once, then copied for each value (cheap)."""

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes) -> None:
        self._keyed = HMAC(key, SHA256())

    def __call__(self, kind: LookupKind, value: str) -> bytes:
        """The 16-byte keyed index of ``value`` looked up as ``kind``."""
        mac = self._keyed.copy()
        mac.update(_PREFIX[kind] + NORMALISERS[kind](value).encode())
        return mac.finalize()[:INDEX_BYTES]


def blind_index(key: bytes, kind: LookupKind, value: str) -> bytes:
    """The 16-byte keyed index of ``value`` looked up as ``kind``."""
    return BlindIndex(key)(kind, value)
