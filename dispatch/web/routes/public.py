"""The public "minta bantuan" page: no login, minimum fields, a quick exit, rate limited."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from sqlmodel import Session, select

from dispatch.errors import UserError
from dispatch.i18n import translate
from dispatch.models import District, RequestKind, Urgency, Village
from dispatch.services import requests as svc
from dispatch.web.deps import client_of, get_db, lang_of, public, settings_of
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


def _page(
    request: Request, db: Session, name: str = "bantuan.html", status_code: int = 200, **extra
):
    villages = db.exec(
        select(Village.code, Village.name, District.name)
        .join(District, District.code == Village.district_code)
        .order_by(Village.name)
    ).all()
    response = render(request, name, status_code=status_code, villages=villages, **extra)
    response.headers.update(PRIVATE_HEADERS)
    return response


@router.get("/bantuan")
def help_page(request: Request, db: Session = Depends(get_db), _p=Depends(public)):
    return _page(request, db)


@router.post("/bantuan")
def help_submit(
    request: Request,
    village_code: str = Form("", max_length=13),
    safe_contact: str = Form(..., min_length=3, max_length=300),
    when: str = Form("", max_length=200),
    phone: str = Form("", max_length=30),
    db: Session = Depends(get_db),
    _p=Depends(public),
):
    lang = lang_of(request)
    limiter = request.app.state.public_limiter
    client = client_of(request) or "?"
    try:
        wait = limiter.retry_after(client)
        if wait:
            raise RateLimited("rate_limited")
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
    except UserError as exc:
        db.rollback()
        return _page(
            request,
            db,
            status_code=exc.status,
            error=translate(exc.key, lang, **exc.params),
            values={
                "village_code": village_code,
                "safe_contact": safe_contact,
                "when": when,
                "phone": phone,
            },
        )
    limiter.hit(client)
    return _page(request, db, "bantuan_done.html")
