"""R-16: every API caller is identified by a key bound to one role; wrong or revoked keys fail."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, text

from hogo.audit.chain import verify as verify_chain
from hogo.auth.cache import VerifiedKeys
from hogo.auth.keys import KeyVerifier, create_key, list_keys, parse_key, revoke_key
from hogo.auth.principal import Principal
from hogo.errors import AuditFailure, Conflict, NotFound, Unauthenticated, ValidationFailed
from hogo.store.tables import api_keys, audit_log

ROLES = ("privacy_office", "support", "marketing")
NOW = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def new_key(engine: Engine, role: str = "support", label: str | None = "helpdesk") -> str:
    with engine.begin() as connection:
        return create_key(
            connection, role, label=label, roles_known=ROLES, now=NOW, actor="t", hasher=CHEAP
        )


@pytest.fixture
def verifier(engine: Engine) -> KeyVerifier:
    return KeyVerifier(engine, hasher=CHEAP)


def test_r16_a_key_identifies_its_role(engine: Engine, verifier: KeyVerifier) -> None:
    key = new_key(engine)
    assert re.fullmatch(r"hogo_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}", key)
    key_id, _secret = parse_key(key)
    assert verifier.verify(key) == Principal(key_id=key_id, role="support")


def test_r16_each_key_is_different(engine: Engine) -> None:
    keys = {new_key(engine) for _ in range(5)}
    assert len(keys) == 5
    assert len({parse_key(key)[0] for key in keys}) == 5


@pytest.mark.parametrize(
    "tamper",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # wrong secret
        lambda key: key[:5] + "Z" * 12 + key[17:],  # unknown id
        lambda key: key[:30],  # truncated
        lambda key: key + "\n",
        lambda key: "Bearer " + key,
        lambda key: "",
        lambda key: key.replace("hogo_", "hogə_"),
    ],
    ids=["wrong-secret", "unknown-id", "truncated", "newline", "prefixed", "empty", "non-ascii"],
)
def test_r16_a_wrong_key_is_unauthenticated(
    engine: Engine, verifier: KeyVerifier, tamper: object
) -> None:
    key = new_key(engine)
    assert callable(tamper)
    with pytest.raises(Unauthenticated):
        verifier.verify(tamper(key))


def test_r16_an_unknown_role_is_refused_with_the_valid_ones(engine: Engine) -> None:
    with pytest.raises(ValidationFailed, match="valid roles: marketing, privacy_office, support"):
        new_key(engine, role="admin")
    with engine.connect() as connection:
        assert list_keys(connection) == []


def test_the_database_holds_no_plain_secret(engine: Engine) -> None:
    key = new_key(engine)
    key_id, secret = parse_key(key)
    with engine.connect() as connection:
        stored = connection.execute(select(api_keys)).one()
        audit_bodies = connection.execute(select(audit_log.c.body)).scalars().all()
    assert stored.secret_hash.startswith("$argon2id$")
    assert stored.id == key_id
    values = [str(value) for value in stored] + list(audit_bodies)
    assert not any(secret in value or secret[:16] in value for value in values)


def test_the_default_hasher_is_argon2id(engine: Engine) -> None:
    with engine.begin() as connection:
        key = create_key(connection, "support", roles_known=ROLES, now=NOW)
    with engine.connect() as connection:
        stored = connection.execute(select(api_keys.c.secret_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert KeyVerifier(engine).verify(key).role == "support"


def test_r16_a_revoked_key_is_refused_at_once(engine: Engine, verifier: KeyVerifier) -> None:
    key = new_key(engine)
    key_id, _ = parse_key(key)
    verifier.verify(key)  # now cached
    verifier.revoke(key_id, NOW + dt.timedelta(hours=1), actor="t")
    with pytest.raises(Unauthenticated, match="revoked"):
        verifier.verify(key)
    with engine.connect() as connection:
        (info,) = list_keys(connection)
    assert info.revoked_at == NOW + dt.timedelta(hours=1)


def test_a_key_revoked_elsewhere_is_refused_when_the_cache_entry_expires(engine: Engine) -> None:
    clock = [0.0]
    cache = VerifiedKeys(ttl=60.0, clock=lambda: clock[0])
    verifier = KeyVerifier(engine, hasher=CHEAP, cache=cache)
    key = new_key(engine)
    verifier.verify(key)
    with engine.begin() as connection:  # another process revokes it
        revoke_key(connection, parse_key(key)[0], NOW)
    assert verifier.verify(key).role == "support"  # still cached here
    clock[0] = 60.0
    with pytest.raises(Unauthenticated, match="revoked"):
        verifier.verify(key)


def test_revoking_an_unknown_or_revoked_key(engine: Engine) -> None:
    key_id, _ = parse_key(new_key(engine))
    with engine.begin() as connection, pytest.raises(NotFound):
        revoke_key(connection, "nosuchkey000", NOW)
    with engine.begin() as connection:
        revoke_key(connection, key_id, NOW)
    with engine.begin() as connection, pytest.raises(Conflict, match="already revoked"):
        revoke_key(connection, key_id, NOW)


def test_creating_and_revoking_keys_leaves_audit_entries(engine: Engine) -> None:
    """R-15: the key's lifecycle is in the hash-chained audit log."""
    key_id, _ = parse_key(new_key(engine, role="privacy_office", label="小林さん"))
    with engine.begin() as connection:
        revoke_key(connection, key_id, NOW, actor="cli:admin")
    with engine.connect() as connection:
        rows = connection.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        assert verify_chain(connection).intact
    assert [(row.action, row.actor) for row in rows] == [
        ("key_created", "t"),
        ("key_revoked", "cli:admin"),
    ]
    assert '"label":"小林さん"' in rows[0].body
    assert f'"key_id":"{key_id}"' in rows[1].body


def test_a_failed_audit_write_creates_no_key(engine: Engine) -> None:
    """Fail closed: a key whose creation cannot be audited is not created."""
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE audit_log"))
    with pytest.raises(AuditFailure), engine.begin() as connection:
        create_key(connection, "support", roles_known=ROLES, now=NOW, hasher=CHEAP)
    with engine.connect() as connection:
        assert list_keys(connection) == []


def test_list_shows_no_secrets(engine: Engine) -> None:
    new_key(engine, role="support", label=None)
    new_key(engine, role="marketing", label="newsletter")
    with engine.connect() as connection:
        keys = list_keys(connection)
    assert sorted((key.role, key.label) for key in keys) == [
        ("marketing", "newsletter"),
        ("support", None),
    ]
    assert not hasattr(keys[0], "secret_hash")


def test_a_label_too_long_is_refused(engine: Engine) -> None:
    with pytest.raises(ValidationFailed, match="label"):
        new_key(engine, label="x" * 201)


class CountingHasher(PasswordHasher):
    calls = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        CountingHasher.calls += 1
        return super().verify(hash, password)


def test_a_cached_key_skips_argon2(engine: Engine) -> None:
    hasher = CountingHasher(time_cost=1, memory_cost=8, parallelism=1)
    cache = VerifiedKeys()
    verifier = KeyVerifier(engine, hasher=hasher, cache=cache)
    key = new_key(engine)
    CountingHasher.calls = 0
    principal = verifier.verify(key)
    assert verifier.verify(key) == principal
    assert CountingHasher.calls == 1
    # the cache holds the SHA-256 of the key and the principal, not the key
    assert len(cache) == 1
    assert cache.get(hashlib.sha256(key.encode()).digest()) == principal


def test_a_cached_verification_is_much_faster(engine: Engine) -> None:
    with engine.begin() as connection:
        key = create_key(connection, "support", roles_known=ROLES, now=NOW)
    verifier = KeyVerifier(engine)  # argon2id at its full, deliberately slow cost
    started = time.perf_counter()
    verifier.verify(key)
    first = time.perf_counter() - started
    started = time.perf_counter()
    verifier.verify(key)
    second = time.perf_counter() - started
    assert second * 20 < first, f"first {first * 1000:.1f} ms, cached {second * 1000:.3f} ms"


def test_failed_verifications_are_not_cached(engine: Engine, verifier: KeyVerifier) -> None:
    key = new_key(engine)
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            verifier.verify(wrong)
    assert verifier.verify(key).role == "support"
