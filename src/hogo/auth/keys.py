"""API keys, each bound to one role of the policy (R-16: identify and authenticate every caller).

A key reads ``hogo_<id>_<secret>``: ``id`` is 12 letters and digits, public, the row's primary
key; ``secret`` is 43 URL-safe characters (256 bits from :mod:`secrets`). The full key is shown
once, when it is created. The database keeps the id, the role and an argon2id hash of the
secret, never the secret itself. Creating and revoking a key each leave an audit entry in the
same transaction (R-15).

:class:`KeyVerifier` turns a presented key into a :class:`~hogo.auth.principal.Principal`.
argon2 is slow on purpose, so successful verifications are kept for a while in
:class:`~hogo.auth.cache.VerifiedKeys`, keyed by a SHA-256 of the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import string
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import Connection, Engine, insert, select, update

from hogo.audit.chain import append
from hogo.audit.entry import AuditEntry
from hogo.auth.cache import VerifiedKeys
from hogo.auth.principal import Principal
from hogo.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from hogo.store.tables import api_keys

KEY_PREFIX = "hogo"
ID_LENGTH = 12
SECRET_BYTES = 32
MAX_LABEL = 200
_ID_ALPHABET = string.ascii_letters + string.digits
_KEY_FORMAT = re.compile(rf"{KEY_PREFIX}_([A-Za-z0-9]{{{ID_LENGTH}}})_([A-Za-z0-9_-]{{32,128}})")


def default_hasher() -> PasswordHasher:
    """argon2id with RFC 9106's second recommended profile: t=3, 64 MiB, 4 lanes."""
    return PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown about a key: everything but its secret."""

    id: str
    role: str
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def create_key(
    connection: Connection,
    role: str,
    *,
    label: str | None = None,
    roles_known: Collection[str],
    now: dt.datetime,
    actor: str = "system",
    hasher: PasswordHasher | None = None,
) -> str:
    """Create a key for ``role`` in the caller's transaction; return the full key, once.

    ``roles_known`` are the roles of the policy; any other role is refused with the list of
    valid ones. ``hasher`` defaults to :func:`default_hasher`.
    """
    _check_new_key(role, label, roles_known, now)
    key_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(ID_LENGTH))
    secret = secrets.token_urlsafe(SECRET_BYTES)
    secret_hash = (hasher if hasher is not None else default_hasher()).hash(secret)
    detail = {"key_id": key_id, "role": role, "label": label}
    audit = AuditEntry(actor, "key_created", None, None, detail, now)
    connection.execute(
        insert(api_keys).values(
            id=key_id, secret_hash=secret_hash, role=role, label=label, created_at=now
        )
    )
    append(connection, [audit])
    return f"{KEY_PREFIX}_{key_id}_{secret}"


def _check_new_key(
    role: str, label: str | None, roles_known: Collection[str], now: dt.datetime
) -> None:
    if role not in roles_known:
        valid = ", ".join(sorted(roles_known)) or "(none: the policy declares no roles)"
        raise ValidationFailed(f"unknown role {role!r}; valid roles: {valid}")
    if label is not None and not 0 < len(label) <= MAX_LABEL:
        raise ValidationFailed(f"a key label must be 1 to {MAX_LABEL} characters")
    if now.tzinfo is None:
        raise ValidationFailed("key creation time must be an aware datetime")


def revoke_key(
    connection: Connection, key_id: str, now: dt.datetime, *, actor: str = "system"
) -> None:
    """Revoke ``key_id`` in the caller's transaction. Unknown → NotFound; twice → Conflict.

    A :class:`KeyVerifier` in another process keeps accepting the key until its cache entry
    expires; use :meth:`KeyVerifier.revoke` in a process that verifies keys.
    """
    row = connection.execute(
        select(api_keys.c.role, api_keys.c.revoked_at).where(api_keys.c.id == key_id)
    ).first()
    if row is None:
        raise NotFound(f"no API key {key_id!r}")
    if row.revoked_at is not None:
        raise Conflict(f"API key {key_id!r} was already revoked at {row.revoked_at:%Y-%m-%d}")
    audit = AuditEntry(actor, "key_revoked", None, None, {"key_id": key_id, "role": row.role}, now)
    still_valid = (api_keys.c.id == key_id) & api_keys.c.revoked_at.is_(None)
    if connection.execute(update(api_keys).where(still_valid).values(revoked_at=now)).rowcount != 1:
        raise Conflict(f"API key {key_id!r} was revoked meanwhile")
    append(connection, [audit])


def list_keys(connection: Connection) -> list[KeyInfo]:
    """All keys, oldest first, without their secret hashes."""
    columns = (api_keys.c[name] for name in ("id", "role", "label", "created_at", "revoked_at"))
    query = select(*columns).order_by(api_keys.c.created_at, api_keys.c.id)
    return [KeyInfo(**row._asdict()) for row in connection.execute(query)]


def parse_key(key: str) -> tuple[str, str]:
    """Split a presented key into ``(id, secret)``; a malformed key is Unauthenticated."""
    match = _KEY_FORMAT.fullmatch(key)
    if match is None:
        raise Unauthenticated("malformed API key")
    return match.group(1), match.group(2)


class _Stored(NamedTuple):
    secret_hash: str
    role: str
    revoked_at: dt.datetime | None


class KeyVerifier:
    """Checks presented keys against the database, keeping successful checks in ``cache``.

    The default cache holds 1024 keys for 60 seconds: a key revoked by another process is
    refused here within a minute; one revoked through :meth:`revoke` at once.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        hasher: PasswordHasher | None = None,
        cache: VerifiedKeys | None = None,
    ) -> None:
        self._engine = engine
        self._hasher = hasher if hasher is not None else default_hasher()
        self._cache = cache if cache is not None else VerifiedKeys()

    def verify(self, key: str) -> Principal:
        """The principal the key stands for; Unauthenticated if malformed, unknown, wrong or
        revoked (R-16)."""
        key_id, secret = parse_key(key)
        digest = hashlib.sha256(key.encode()).digest()
        cached = self._cache.get(digest)
        if cached is not None:
            return cached
        generation = self._cache.generation
        principal = self._check(key_id, secret, self._lookup(key_id))
        self._cache.put(digest, principal, generation)
        return principal

    def _lookup(self, key_id: str) -> _Stored | None:
        query = select(api_keys.c.secret_hash, api_keys.c.role, api_keys.c.revoked_at)
        with self._engine.connect() as connection:
            row = connection.execute(query.where(api_keys.c.id == key_id)).first()
        return None if row is None else _Stored(row.secret_hash, row.role, row.revoked_at)

    def _check(self, key_id: str, secret: str, stored: _Stored | None) -> Principal:
        if stored is None:
            raise Unauthenticated("invalid API key")
        try:
            self._hasher.verify(stored.secret_hash, secret)
        except (VerificationError, InvalidHashError) as error:
            raise Unauthenticated("invalid API key") from error
        if stored.revoked_at is not None:
            raise Unauthenticated("API key revoked")
        return Principal(key_id=key_id, role=stored.role)

    def revoke(self, key_id: str, now: dt.datetime, *, actor: str = "system") -> None:
        """Revoke the key in its own transaction; this verifier refuses it from now on."""
        with self._engine.begin() as connection:
            revoke_key(connection, key_id, now, actor=actor)
        self.forget(key_id)

    def forget(self, key_id: str) -> None:
        """Drop cached verifications of ``key_id`` (after revoking it elsewhere in-process)."""
        self._cache.forget(key_id)
