"""Member tokens: a site's proof that a consenting visitor is a signed-in member.

A site that knows who is signed in asks hogo for a token (``hogo consent member-token`` or
:meth:`MemberTokens.issue`) and hands it to the consent banner; the banner sends it with the
visitor's choice, and the ledger then names the subject (G-02: the consent is demonstrably
that person's). A token is ``<subject id>.<expiry, Unix seconds>.<HMAC-SHA256>`` under a key
derived from the master key for this job alone (``hogo/v1/member-token``); it holds no
personal data and cannot be forged or extended without the key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re

from hogo.errors import ValidationFailed

TOKEN = re.compile(r"^([1-9][0-9]{0,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")
MAX_TTL = dt.timedelta(days=1)


class MemberTokens:
    """Issues and verifies member tokens under one key. Its ``repr`` hides the key."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = key

    def issue(self, subject_id: int, ttl: dt.timedelta, now: dt.datetime) -> str:
        """A token naming ``subject_id``, valid for ``ttl`` (at most a day) from ``now``."""
        if subject_id < 1:
            raise ValidationFailed(f"{subject_id} is not a subject id")
        if not dt.timedelta(0) < ttl <= MAX_TTL:
            raise ValidationFailed(f"a member token lives more than 0 s and at most {MAX_TTL}")
        expiry = int((now + ttl).timestamp())
        return f"{subject_id}.{expiry}.{self._mac(subject_id, expiry)}"

    def verify(self, token: str, now: dt.datetime) -> int:
        """The subject id the token names, or :class:`ValidationFailed` if forged or expired."""
        found = TOKEN.match(token)
        if found is None:
            raise ValidationFailed("the member token is malformed")
        subject_id, expiry, given = int(found.group(1)), int(found.group(2)), found.group(3)
        if not hmac.compare_digest(given, self._mac(subject_id, expiry)):
            raise ValidationFailed("the member token does not verify")
        if expiry <= now.timestamp():
            raise ValidationFailed("the member token has expired")
        return subject_id

    def _mac(self, subject_id: int, expiry: int) -> str:
        message = f"member-token\x00{subject_id}\x00{expiry}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def __repr__(self) -> str:
        return "MemberTokens(<hidden>)"
