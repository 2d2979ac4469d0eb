"""The public "minta bantuan" page: no login, minimum fields, a quick exit, rate limited."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, select

from dispatch.errors import UserError, retry_after
from dispatch.i18n import translate
from dispatch.models import District, RequestKind, Urgency, Village
from dispatch.services import requests as svc
from dispatch.web.deps import (
    CsrfFailed,
    Principal,
    client_of,
    current_principal,
    get_db,
    lang_of,
    public,
    settings_of,
)
from dispatch.web.render import render

router = APIRouter()

# Nothing of this page may stay in a shared phone's cache or leak to the next site.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0",
    "Pragma": "no-cache",
    "Expires": "0",
    "Referrer-Policy": "no-referrer",
}


class RateLimited(UserError):
    status = 429


# The village list last read from each database: the form can still be shown again, with
# what the person typed, while the database is unreachable.
_VILLAGES: dict[str, list] = {}


def _villages(db: Session) -> list:
    url = str(db.get_bind().url)
    try:
        _VILLAGES[url] = db.exec(
            select(Village.code, Village.name, District.name)
            .join(District, District.code == Village.district_code)
            .order_by(Village.name)
        ).all()
    except (OperationalError, InterfaceError):
        if url not in _VILLAGES:
            raise
    return _VILLAGES[url]


def _page(
    request: Request, db: Session, name: str = "bantuan.html", status_code: int = 200, **extra
):
    villages = _villages(db)
    response = render(request, name, status_code=status_code, villages=villages, **extra)
    response.headers.update(PRIVATE_HEADERS)
    return response


# field: (fewest, most characters, the label the form shows)
_LIMITS = {
    "village_code": (0, 13, "village"),
    "safe_contact": (3, 300, "help_safe_contact"),
    "when": (0, 200, "help_when"),
    "phone": (0, 30, "help_phone"),
}


def _check_lengths(values: dict[str, str], lang: str) -> None:
    for name, (least, most, label) in _LIMITS.items():
        n = len(values[name].strip())
        if n < least or n > most:
            field = translate(label, lang)
            raise UserError("help_field_length", field=field, least=least, most=most)


async def _public_form(
    request: Request, principal: Principal | None = Depends(current_principal)
) -> bool:
    """Like `public`, but says whether the CSRF check passed instead of raising: a failed
    check (the anonymous cookie expired or was blocked) must bring the form back filled
    in, with its quick exit and a fresh token, not the generic error page."""
    try:
        await public(request, principal)
    except CsrfFailed:
        request.state.principal = principal
        return False
    return True


@router.get("/bantuan")
def help_page(request: Request, db: Session = Depends(get_db), _p=Depends(public)):
    return _page(request, db)


@router.post("/bantuan")
def help_submit(
    request: Request,
    # Checked below, not by FastAPI: a mistake must bring this form back, filled in, with
    # its quick exit, not a bare error page.
    village_code: str = Form(""),
    safe_contact: str = Form(""),
    when: str = Form(""),
    phone: str = Form(""),
    db: Session = Depends(get_db),
    csrf_ok: bool = Depends(_public_form),
):
    lang = lang_of(request)
    limiter = request.app.state.public_limiter
    client = client_of(request) or "?"
    values = {
        "village_code": village_code,
        "safe_contact": safe_contact,
        "when": when,
        "phone": phone,
    }
    if not csrf_ok:
        # Nothing is stored and nothing of it is logged. The page is rendered with the
        # token of the visitor's cookie, or a new one (and its cookie) when the cookie is
        # gone, so sending again works.
        return _page(
            request, db, status_code=403, error=translate("help_resend", lang), values=values
        )
    try:
        wait = limiter.retry_after(client)
        if wait:
            raise RateLimited("rate_limited", seconds=wait)
        _check_lengths(values, lang)
        data = svc.RequestIn(
            kind=RequestKind.VISIT,
            urgency=Urgency.SEGERA,
            village_code=village_code or None,
            contact_phone=phone,
            safe_contact=safe_contact,
            notes=f"Waktu aman: {when}" if when.strip() else "",
        )
        svc.submit_request(
            db, data, settings_of(request), actor=None, client=client, verified=False
        )
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][-1]) for e in exc.errors() if e["loc"])
        return _page(
            request,
            db,
            status_code=422,
            error=translate("invalid_input", lang, fields=fields or "-"),
            values=values,
        )
    except UserError as exc:
        db.rollback()
        page = _page(
            request,
            db,
            status_code=exc.status,
            error=translate(exc.key, lang, **exc.params),
            values=values,
        )
        page.headers.update(retry_after(exc))
        return page
    except (OperationalError, InterfaceError):
        # Nothing was stored: the form comes back with what was typed, to send again.
        db.invalidate()
        page = _page(
            request, db, status_code=503, error=translate("db_unavailable", lang), values=values
        )
        page.headers["Retry-After"] = "10"
        return page
    limiter.hit(client)
    # Post, then redirect: a reload or Back shows the thanks, and never sends it again.
    response = RedirectResponse("/bantuan/terkirim", status_code=303)
    response.headers.update(PRIVATE_HEADERS)
    return response


@router.get("/bantuan/terkirim")
def help_sent(request: Request, db: Session = Depends(get_db), _p=Depends(public)):
    return _page(request, db, "bantuan_done.html")
