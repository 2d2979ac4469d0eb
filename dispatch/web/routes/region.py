"""The regency's kecamatan and villages, for forms and clients."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session, select

from dispatch.models import District, User, Village
from dispatch.web.deps import get_db, require

router = APIRouter(tags=["region"])


@router.get("/api/districts")
def api_districts(db: Session = Depends(get_db), _u: User = Depends(require())):
    return [
        {"code": d.code, "name": d.name, "lat": d.lat, "lon": d.lon, "source": d.point_source}
        for d in db.exec(select(District).order_by(District.code))
    ]


@router.get("/api/villages")
def api_villages(
    district: str | None = Query(None, max_length=8),
    db: Session = Depends(get_db),
    _u: User = Depends(require()),
):
    q = select(Village).order_by(Village.code)
    if district:
        q = q.where(Village.district_code == district)
    return [
        {
            "code": v.code,
            "name": v.name,
            "district_code": v.district_code,
            "lat": v.lat,
            "lon": v.lon,
        }
        for v in db.exec(q)
    ]
