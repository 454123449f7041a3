"""The cache of verified keys is bounded, expires, and forgets revoked keys at once."""

from __future__ import annotations

import hashlib

import pytest

from hogo.auth.cache import VerifiedKeys
from hogo.auth.principal import Principal


def digest(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest()


def principal(key_id: str) -> Principal:
    return Principal(key_id=key_id, role="support")


def test_least_recently_used_entries_go_first() -> None:
    cache = VerifiedKeys(max_size=2)
    cache.put(digest("a"), principal("a"), cache.generation)
    cache.put(digest("b"), principal("b"), cache.generation)
    assert cache.get(digest("a")) == principal("a")  # a is now the most recent
    cache.put(digest("c"), principal("c"), cache.generation)
    assert len(cache) == 2
    assert cache.get(digest("b")) is None
    assert cache.get(digest("a")) == principal("a")
    assert cache.get(digest("c")) == principal("c")


def test_entries_expire() -> None:
    now = [100.0]
    cache = VerifiedKeys(ttl=30.0, clock=lambda: now[0])
    cache.put(digest("a"), principal("a"), cache.generation)
    now[0] = 129.9
    assert cache.get(digest("a")) == principal("a")
    now[0] = 130.0
    assert cache.get(digest("a")) is None
    assert len(cache) == 0


def test_forget_drops_every_entry_of_the_key() -> None:
    cache = VerifiedKeys()
    cache.put(digest("a-1"), principal("a"), cache.generation)
    cache.put(digest("a-2"), principal("a"), cache.generation)
    cache.put(digest("b"), principal("b"), cache.generation)
    cache.forget("a")
    assert cache.get(digest("a-1")) is None
    assert cache.get(digest("a-2")) is None
    assert cache.get(digest("b")) == principal("b")


def test_a_verification_under_way_during_a_revocation_is_not_stored() -> None:
    cache = VerifiedKeys()
    started = cache.generation  # a verification reads the database here …
    cache.forget("a")  # … the key is revoked …
    cache.put(digest("a"), principal("a"), started)  # … and the stale result comes back
    assert cache.get(digest("a")) is None


@pytest.mark.parametrize(("max_size", "ttl"), [(0, 60.0), (10, 0.0)])
def test_nonsense_sizes_are_refused(max_size: int, ttl: float) -> None:
    with pytest.raises(ValueError, match="max_size"):
        VerifiedKeys(max_size=max_size, ttl=ttl)
