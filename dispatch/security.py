"""Passwords (argon2), page sessions, API tokens and login throttling."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cachetools import TTLCache
from sqlalchemy import event
from sqlmodel import Session, delete, select

from dispatch.models import ApiToken, User, WebSession, as_stored, utcnow

_hasher = PasswordHasher()
# Verifying against this keeps the time of a login for an unknown user like a real one.
_DUMMY_HASH = _hasher.hash("not-a-password")

MIN_PASSWORD = 10


class WeakPassword(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"password must have at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    ok = verify_password(user.password_hash if user else None, password)
    if not (ok and user and user.active):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, hours: float) -> tuple[str, str]:
    """A new page session; returns (cookie value, csrf token). Only a hash is stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    session.add(
        WebSession(
            id=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return token, csrf


def find_session(session: Session, token: str | None) -> tuple[WebSession, User] | None:
    if not token:
        return None
    ws = session.get(WebSession, _digest(token))
    if ws is None or ws.expires_at <= utcnow():
        return None
    user = session.get(User, ws.user_id)
    if user is None or not user.active:
        return None
    return ws, user


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.exec(delete(WebSession).where(WebSession.id == _digest(token)))


def issue_token(session: Session, user: User, minutes: float) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            id=_digest(token), user_id=user.id, expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    return token


class TokenCache:
    """Bearer token -> user, remembered for a few seconds in this process.

    Without it every API call spends a thread hop and a database round trip on the same
    lookup before any work: a third of the server's time per intake submission. A token's
    own expiry is always honoured; disabling a user forgets their tokens at once in this
    process, and within `ttl_s` in the other processes of `jangkau serve --workers N`.
    Each hit gets its own copy of the user, so no two requests share an ORM object.
    """

    def __init__(
        self, ttl_s: float = 10.0, maxsize: int = 4096, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: TTLCache[str, tuple[dict, datetime]] = TTLCache(maxsize, ttl_s, timer)
        self._lock = threading.Lock()

    def get(self, token: str) -> User | None:
        with self._lock:
            entry = self._entries.get(_digest(token))
        if entry is None or entry[1] <= utcnow():
            return None
        return as_stored(User, entry[0])  # a copy of its own for each request

    def put(self, token: str, user: User, expires_at: datetime) -> None:
        with self._lock:
            # Never the password hash: memory dumps and debuggers have no use for it.
            self._entries[_digest(token)] = (user.model_dump(exclude={"password_hash"}), expires_at)

    def forget_user(self, user_id: int) -> None:
        with self._lock:
            for key in [k for k, (u, _) in self._entries.items() if u["id"] == user_id]:
                self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


TOKENS = TokenCache()


def cached_token_user(token: str) -> User | None:
    """The token's user if this process checked the token within the last few seconds."""
    return TOKENS.get(token)


def find_token_user(session: Session, token: str) -> User | None:
    row = session.exec(
        select(User, ApiToken.expires_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.id == _digest(token),
            ApiToken.expires_at > utcnow(),
            User.active == True,  # noqa: E712
        )
    ).first()
    if row is None:
        return None
    user, expires_at = row
    TOKENS.put(token, user, expires_at)
    return user


def revoke_user_credentials(session: Session, user_id: int) -> None:
    """A disabled user loses every open session and token at once."""
    session.exec(delete(WebSession).where(WebSession.user_id == user_id))
    session.exec(delete(ApiToken).where(ApiToken.user_id == user_id))
    TOKENS.forget_user(user_id)
    # Again once committed: a request may have cached the token from the old row meanwhile.
    event.listen(session, "after_commit", lambda _s: TOKENS.forget_user(user_id), once=True)


class RateLimiter:
    """Events per key within a sliding window (failed logins, public submissions).

    Kept in memory: one process serves the agency; a restart forgets, which is acceptable.
    """

    def __init__(self, max_events: int, window_s: float = 60.0) -> None:
        self.max_events = max_events
        self.window_s = window_s
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds until the next event is allowed for all `keys` (0: allowed now)."""
        now = time.monotonic()
        with self._lock:
            waits = [
                int(self.window_s - (now - q[0])) + 1
                for q in (self._recent(k, now) for k in keys)
                if len(q) >= self.max_events
            ]
        return max(waits, default=0)

    def hit(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)
