"""Monthly report page and CSV (anonymous figures)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from dispatch.errors import UserError
from dispatch.models import Role, User, utcnow
from dispatch.services.reports import monthly, to_csv
from dispatch.web.deps import get_db, lang_of, require, settings_of
from dispatch.web.render import render

router = APIRouter()
OFFICE = require(Role.ADMIN, Role.DISPATCHER)


def _month(request: Request, value: str | None) -> str:
    if not value:
        return utcnow().astimezone(settings_of(request).region.tz).strftime("%Y-%m")
    if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", value):
        raise UserError("invalid_input", fields="month (YYYY-MM)")
    return value


@router.get("/reports/monthly")
def report_page(
    request: Request,
    month: str | None = Query(None, max_length=7),
    db: Session = Depends(get_db),
    _u: User = Depends(OFFICE),
):
    r = monthly(db, _month(request, month), settings_of(request))
    return render(request, "report.html", r=r)


@router.get("/reports/monthly.csv")
def report_csv(
    request: Request,
    month: str | None = Query(None, max_length=7),
    db: Session = Depends(get_db),
    _u: User = Depends(OFFICE),
):
    m = _month(request, month)
    return Response(
        to_csv(monthly(db, m, settings_of(request)), lang_of(request)),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="jangkau-{m}.csv"'},
    )
