"""Console sessions: a random id in a cookie, everything else kept on the server.

Signing in with an API key opens a session that lasts :data:`LIFETIME` (8 hours) from then,
whatever is done in it. The cookie carries only the session id (256 random bits); the actor,
the role, the expiry and the CSRF token bound to the session live in :class:`SessionStore`, a
dictionary in the server's memory, so a restart signs everyone out. The API key itself is never
kept: it is checked once, at sign-in.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass

from hogo.services.access import Clock, utc_now
from hogo.services.actor import Actor

LIFETIME = dt.timedelta(hours=8)
TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in member of staff: who, in which role, until when, and the form token."""

    id: str
    actor: Actor
    csrf: str
    expires_at: dt.datetime

    def accepts(self, token: str | None) -> bool:
        """Whether a form's token is this session's (compared in constant time)."""
        return bool(token) and secrets.compare_digest(str(token), self.csrf)


class SessionStore:
    """Open sessions by id; expired ones are dropped when met and whenever one is opened."""

    def __init__(self, lifetime: dt.timedelta = LIFETIME, clock: Clock = utc_now) -> None:
        self._lifetime = lifetime
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    @property
    def lifetime(self) -> dt.timedelta:
        return self._lifetime

    def open(self, actor: Actor) -> Session:
        """A new session for ``actor``, with a fresh id and CSRF token."""
        now = self._clock()
        session = Session(
            id=secrets.token_urlsafe(TOKEN_BYTES),
            actor=actor,
            csrf=secrets.token_urlsafe(TOKEN_BYTES),
            expires_at=now + self._lifetime,
        )
        with self._lock:
            self._drop_expired(now)
            self._sessions[session.id] = session
        return session

    def find(self, session_id: str | None) -> Session | None:
        """The open session of that id; ``None`` if unknown or expired."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None and session.expires_at <= now:
                del self._sessions[session_id]
                return None
        return session

    def close(self, session_id: str) -> None:
        """Sign out: the id is forgotten and no longer opens anything."""
        with self._lock:
            self._sessions.pop(session_id, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def _drop_expired(self, now: dt.datetime) -> None:
        expired = [key for key, session in self._sessions.items() if session.expires_at <= now]
        for key in expired:
            del self._sessions[key]
