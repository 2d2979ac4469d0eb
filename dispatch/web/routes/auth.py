"""Log in and out: page sessions (cookie) and API bearer tokens (OAuth2 password flow)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import Session, select

from dispatch import audit
from dispatch.errors import UserError, retry_after
from dispatch.i18n import LANGUAGES, translate
from dispatch.models import User
from dispatch.security import authenticate, close_session, issue_token, open_session
from dispatch.web.deps import (
    SESSION_COOKIE,
    client_of,
    get_db,
    lang_of,
    public,
    require,
    settings_of,
)
from dispatch.web.render import render

router = APIRouter()
log = logging.getLogger("jangkau.auth")


class LoginUnauthorized(UserError):
    status = 401


class LoginThrottled(UserError):
    status = 429


def _login(request: Request, db: Session, username: str, password: str) -> User:
    """Check a login against the throttle and the database; audit success and failure."""
    throttle, by_ip = request.app.state.throttle, request.app.state.ip_throttle
    client = client_of(request) or "?"
    # Failures count per username *from this address*: someone guessing the dispatcher's
    # password from elsewhere is stopped without locking the dispatcher out of their own
    # desk. The looser per-address count stops one address trying many usernames.
    name = username.strip().lower()
    ukey = f"u:{name}|{client}"
    wait = max(throttle.retry_after(ukey), by_ip.retry_after(client))
    if wait:
        raise LoginThrottled("login_throttled", seconds=wait)
    user = authenticate(db, username, password)
    if user is None:
        throttle.hit(ukey)
        by_ip.hit(client)
        # The account's id when it exists (a wrong password, a disabled user); never the
        # typed name of one that does not, nor anything of the password.
        known = db.exec(select(User.id).where(User.username == name)).first()
        audit.record(db, "login_failed", "user", known, client=client)
        db.commit()
        log.info("login failed")
        raise LoginUnauthorized("login_failed")
    throttle.clear(ukey)
    audit.record(db, "login", "user", user.id, actor=user, client=client)
    return user


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect off-site after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, next: str = "/", _p=Depends(public)):  # noqa: A002
    if _p is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", next=_safe_next(next))


@router.post("/login")
def login_submit(
    request: Request,
    username: str = Form(..., max_length=64),
    password: str = Form(..., max_length=200),
    next: str = Form("/"),  # noqa: A002
    db: Session = Depends(get_db),
    _p=Depends(public),
):
    try:
        user = _login(request, db, username, password)
    except UserError as exc:
        message = translate(exc.key, lang_of(request), **exc.params)
        page = render(
            request,
            "login.html",
            status_code=exc.status,
            error=message,
            username=username,
            next=_safe_next(next),
        )
        page.headers.update(retry_after(exc))
        return page
    settings = settings_of(request)
    token, _csrf = open_session(db, user, settings.security.session_hours)
    db.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.secure_cookies(request),
        max_age=int(settings.security.session_hours * 3600),
    )
    return response


@router.post("/logout")
def logout(request: Request, db: Session = Depends(get_db), user: User = Depends(require())):
    close_session(db, request.cookies.get(SESSION_COOKIE))
    audit.record(db, "logout", "user", user.id, actor=user, client=client_of(request))
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def set_language(code: str, next: str = "/"):  # noqa: A002
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="lax")
    return response


@router.post("/api/auth/token", tags=["auth"])
def api_token(
    request: Request,
    form: OAuth2PasswordRequestForm = Depends(),
    db: Session = Depends(get_db),
):
    """OAuth2 password flow: a bearer token that expires after `security.token_minutes`."""
    user = _login(request, db, form.username, form.password)
    minutes = settings_of(request).security.token_minutes
    token = issue_token(db, user, minutes)
    db.commit()
    return {"access_token": token, "token_type": "bearer", "expires_in": int(minutes * 60)}


@router.get("/api/me", tags=["auth"])
def api_me(user: User = Depends(require())):
    return {
        "username": user.username,
        "role": user.role.value,
        "full_name": user.full_name,
        "district_code": user.district_code,
    }
