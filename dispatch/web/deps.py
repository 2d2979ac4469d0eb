"""Request-scoped dependencies: database session, the signed-in user, role checks, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from dispatch.config import Settings
from dispatch.errors import UserError
from dispatch.i18n import pick_language
from dispatch.models import Role, User
from dispatch.security import cached_token_user, find_session, find_token_user

T = TypeVar("T")

SESSION_COOKIE = "jk_session"
ANON_CSRF_COOKIE = "jk_csrf"
CSRF_HEADER = "x-csrf-token"


class NotAuthenticated(Exception):
    """No valid session or token: pages redirect to the login, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role may not use this route: 403."""


class CsrfFailed(UserError):
    status = 403

    def __init__(self) -> None:
        super().__init__("csrf_failed")


@dataclass
class Principal:
    user: User
    via: str  # "session" or "token"
    csrf: str | None = None


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request; routes commit what they change, anything else rolls back.

    An async dependency: opening a Session touches no database, and a sync one costs two
    hops through the thread pool per request. Closing goes to a worker thread only when
    the session still holds a connection (its rollback is a network round trip).
    """
    # Objects stay readable after commit: answers are built from them without a reload.
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


async def form_of(request: Request) -> FormData:
    """The posted form, read in the event loop, so that a route taking it can be a plain
    function: FastAPI runs that in the thread pool, where its database calls block no other
    request (in an async route they would stall the whole server while they wait)."""
    return await request.form()


def form_int(form: FormData, name: str, default: int) -> int:
    """A whole number from a posted form (`default` when blank); 422 naming the field if not."""
    raw = form.get(name)
    if not isinstance(raw, str) or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise UserError("invalid_input", fields=name) from None


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def lang_of(request: Request) -> str:
    default = request.app.state.settings.language.default
    accept = request.headers.get("accept-language") if is_api(request) else None
    return pick_language(request.cookies.get("lang"), accept, default)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _look_up(db: Session, find: Callable[[Session, str], T], credential: str) -> T:
    """Look a credential up, then end that read-only transaction at once.

    The connection goes back to the pool while the request waits for a worker thread to run
    its route. Held there, under load, waiting requests took every pooled connection while
    the threads that would serve them waited for one: a stall until the pool's timeout.
    """
    try:
        found = find(db, credential)
    except Exception:
        db.rollback()
        raise
    db.commit()  # not a rollback: that would expire the user just loaded
    return found


async def current_principal(request: Request, db: Session = Depends(get_db)) -> Principal | None:
    """Async, with the database reached through the thread pool only when needed: a bearer
    token checked a moment ago, or no credentials at all, cost no hop and no query."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
        user = cached_token_user(token) or await run_in_threadpool(
            _look_up, db, find_token_user, token
        )
        return Principal(user, "token") if user else None
    cookie = request.cookies.get(SESSION_COOKIE)
    found = await run_in_threadpool(_look_up, db, find_session, cookie) if cookie else None
    if found is None:
        return None
    ws, user = found
    return Principal(user, "session", ws.csrf_token)


async def _check_csrf(request: Request, principal: Principal | None) -> None:
    """Cookie-authenticated changes must carry the CSRF token (form field or header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if principal is not None and principal.via == "token":
        return  # bearer tokens are not sent by browsers on their own
    expected = principal.csrf if principal else request.cookies.get(ANON_CSRF_COOKIE)
    given = request.headers.get(CSRF_HEADER)
    if given is None and "form" in request.headers.get("content-type", ""):
        given = (await request.form()).get("csrf_token")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise CsrfFailed()


def require(*roles: Role) -> Callable[..., User]:
    """Dependency: the signed-in user, if their role is one of `roles` (all roles if none)."""
    allowed = set(roles) or set(Role)

    async def dependency(
        request: Request, principal: Principal | None = Depends(current_principal)
    ) -> User:
        if principal is None:
            raise NotAuthenticated()
        if principal.user.role not in allowed:
            raise Forbidden()
        await _check_csrf(request, principal)
        request.state.principal = principal
        return principal.user

    dependency.roles = allowed  # read by the role-matrix test
    return dependency


async def public(
    request: Request, principal: Principal | None = Depends(current_principal)
) -> Principal | None:
    """Dependency for routes open to everyone; still CSRF-checks form posts."""
    await _check_csrf(request, principal)
    request.state.principal = principal
    return principal
