"""What drivers and maps get from a stored plan: only what a stop needs (PRODUCT.md).

A stop shows reference code, village, landmark/address, time window, passengers and the
contact phone. Never a name, notes, the kind of violence, or a confidential place's name or
address: such a place appears under its public label only.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from dispatch.config import Settings
from dispatch.models import DayPlan, District, Place, Request, Vehicle, Village
from dispatch.services.planning import hhmm, load_body


def _route(plan_record: DayPlan, vehicle: Vehicle):
    plan, body = load_body(plan_record)
    route = next((r for r in plan.routes if r.vehicle == str(vehicle.id)), None)
    return plan, body, route


def driver_stops(session: Session, plan_record: DayPlan, vehicle: Vehicle) -> list[dict]:
    _plan, body, route = _route(plan_record, vehicle)
    if route is None:
        return []
    places = {p.id: p for p in session.exec(select(Place))}
    villages = {v.code: v.name for v in session.exec(select(Village))}
    districts = {d.code: d.name for d in session.exec(select(District))}
    stops = []
    for n, s in enumerate(route.stops):
        loc_id, lat, lon = body["locations"][s.location]
        entry = {
            "number": n,
            "kind": s.kind.value,
            "arrival": hhmm(s.arrival),
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "reference": s.task or "",
            "label": "",
            "landmark": "",
            "window": "",
            "passengers": 0,
            "phone": "",
        }
        if loc_id.startswith("place:"):
            place = places.get(int(loc_id.removeprefix("place:")))
            entry["label"] = place.public_label if place else ""
            if place is not None and not place.confidential:
                entry["landmark"] = place.address
        if s.task:
            req = session.get(Request, body["tasks"][s.task])
            entry["passengers"] = req.adults + req.children
            entry["phone"] = req.contact_phone
            if loc_id.startswith("request:"):
                entry["label"] = (
                    f"{villages.get(req.village_code, '')}, {districts.get(req.district_code, '')}"
                ).strip(", ")
                entry["landmark"] = " · ".join(x for x in (req.landmark, req.address) if x)
                if req.window_start or req.window_end:
                    entry["window"] = f"{req.window_start or ''}–{req.window_end or ''}"
        stops.append(entry)
    return stops


def overview_html(session: Session, day: date, settings: Settings) -> str:
    raise NotImplementedError


def driver_file(
    session: Session, plan_record: DayPlan, vehicle: Vehicle, kind: str, settings: Settings
) -> tuple[bytes | str, str, str]:
    raise KeyError(kind)
