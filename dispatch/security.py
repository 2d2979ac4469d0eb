"""Passwords (argon2), page sessions, API tokens and login throttling."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, delete, select

from dispatch.models import ApiToken, User, WebSession, utcnow

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


def find_token_user(session: Session, token: str) -> User | None:
    return session.exec(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.id == _digest(token),
            ApiToken.expires_at > utcnow(),
            User.active == True,  # noqa: E712
        )
    ).first()


def revoke_user_credentials(session: Session, user_id: int) -> None:
    """A disabled user loses every open session and token at once."""
    session.exec(delete(WebSession).where(WebSession.user_id == user_id))
    session.exec(delete(ApiToken).where(ApiToken.user_id == user_id))


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
