"""Recently verified API keys, so that argon2 (slow on purpose) runs once per key, not per call.

Entries are keyed by the SHA-256 of the full key: the cache never holds a key or its secret.
It is bounded (least recently used entries go first) and entries expire, so a key revoked by
another process stops working here within ``ttl`` seconds. A revocation in this process
(:meth:`VerifiedKeys.forget`) takes effect at once, including for verifications that were
running while it happened: those carry the generation they started in and are not stored.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from hogo.auth.principal import Principal


class VerifiedKeys:
    """A thread-safe, bounded, expiring map from ``sha256(key)`` to its :class:`Principal`."""

    def __init__(
        self,
        *,
        max_size: int = 1024,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_size < 1 or ttl <= 0:
            raise ValueError("max_size must be at least 1 and ttl positive")
        self._max_size = max_size
        self._ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[bytes, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    @property
    def generation(self) -> int:
        """Read before a verification starts; pass to :meth:`put` when it ends."""
        return self._generation

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, digest: bytes) -> Principal | None:
        with self._lock:
            found = self._entries.get(digest)
            if found is None:
                return None
            principal, expires = found
            if self._clock() >= expires:
                del self._entries[digest]
                return None
            self._entries.move_to_end(digest)
            return principal

    def put(self, digest: bytes, principal: Principal, generation: int) -> None:
        """Store a verification unless a key was forgotten since it started."""
        with self._lock:
            if generation != self._generation:
                return
            self._entries[digest] = (principal, self._clock() + self._ttl)
            self._entries.move_to_end(digest)
            while len(self._entries) > self._max_size:
                self._entries.popitem(last=False)

    def forget(self, key_id: str) -> None:
        """Drop every entry of ``key_id`` and refuse to store verifications already under way."""
        with self._lock:
            self._generation += 1
            stale = [d for d, (principal, _) in self._entries.items() if principal.key_id == key_id]
            for digest in stale:
                del self._entries[digest]
