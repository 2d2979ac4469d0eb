"""Server-rendered pages: Jinja2 templates with the user's language and CSRF token."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dispatch.i18n import translate
from dispatch.web.deps import ANON_CSRF_COOKIE, lang_of

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def qr_svg(text: str) -> str:
    """An inline SVG QR code (segno), for links shown on screen."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=3, dark="#000")


templates.env.globals["qr"] = qr_svg


def local_time(value: datetime | None, tz, fmt: str = "%d-%m-%Y %H:%M") -> str:
    return value.astimezone(tz).strftime(fmt) if value else ""


def render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    lang = lang_of(request)
    principal = getattr(request.state, "principal", None)
    settings = request.app.state.settings
    new_anon_csrf = None
    if principal is not None and principal.csrf:
        csrf = principal.csrf
    else:
        csrf = request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(24)
        if csrf != request.cookies.get(ANON_CSRF_COOKIE):
            new_anon_csrf = csrf
    ctx = {
        "lang": lang,
        "_": lambda key, **kw: translate(key, lang, **kw),
        "user": principal.user if principal else None,
        "csrf_token": csrf,
        "region": settings.region,
        "localtime": lambda v, fmt="%d-%m-%Y %H:%M": local_time(v, settings.region.tz, fmt),
        "path": request.url.path,
        **context,
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if new_anon_csrf:
        response.set_cookie(
            ANON_CSRF_COOKIE,
            new_anon_csrf,
            httponly=True,
            samesite="strict",
            secure=request.app.state.secure_cookies(request),
        )
    response.headers["Cache-Control"] = "no-store"
    return response
