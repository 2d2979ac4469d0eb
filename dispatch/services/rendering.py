"""What drivers and maps get from a stored plan: only what a stop needs (PRODUCT.md).

A stop shows reference code, village, landmark/address, time window, passengers and the
contact phone. Never a name, notes, the kind of violence, or a confidential place's name or
address: such a place appears under its public label only. The officer's free text (landmark,
address) is masked where it names any of these (`free_text`), for the page and every download.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from sqlmodel import Session, select

import maps
from dispatch.config import Settings
from dispatch.models import (
    DayPlan,
    District,
    DriverLink,
    Place,
    Request,
    RequestStatus,
    StopEvent,
    User,
    Vehicle,
    Village,
)
from dispatch.services.planning import driver_name, hhmm, latest, load_body, seconds_of
from dispatch.services.planning import open_requests as open_requests_of
from routing import Location, TimeWindow, Urgency


def _route(plan_record: DayPlan, vehicle: Vehicle):
    plan, body = load_body(plan_record)
    route = next((r for r in plan.routes if r.vehicle == str(vehicle.id)), None)
    return plan, body, route


def free_text(session: Session) -> Callable[[Request], tuple[str, str]]:
    """The one place an officer's free text becomes driver-facing: a request's (landmark,
    address) with the restricted words ("KDRT", "korban", "Rumah Aman"), every confidential
    place's name and address, and the request's own name, notes and safe contact replaced
    by "…". The same matching as the maps' guard, so masked text never trips it."""
    confidential = [
        t for p in session.exec(select(Place)) if p.confidential for t in (p.name, p.address) if t
    ]

    def masked(req: Request) -> tuple[str, str]:
        terms = [*confidential, *(t for t in (req.survivor_name, req.notes, req.safe_contact) if t)]
        return maps.mask_forbidden(req.landmark, terms), maps.mask_forbidden(req.address, terms)

    return masked


def driver_stops(session: Session, plan_record: DayPlan, vehicle: Vehicle) -> list[dict]:
    _plan, body, route = _route(plan_record, vehicle)
    if route is None:
        return []
    places = {p.id: p for p in session.exec(select(Place))}
    masked = free_text(session)
    villages = {v.code: v.name for v in session.exec(select(Village))}
    districts = {d.code: d.name for d in session.exec(select(District))}
    # What the drivers already reported at each stop (any version of the day's plan), so a
    # reloaded page shows it.
    day_plans = select(DayPlan.id).where(DayPlan.day == plan_record.day)
    reported: dict[tuple[int, str], str] = {}
    picked_up: dict[tuple[int, str], int | None] = {}  # passengers the driver counted
    for e in session.exec(
        select(StopEvent)
        .where(StopEvent.plan_id.in_(day_plans))
        .order_by(StopEvent.happened_at, StopEvent.id)
    ):
        reported[(e.request_id, e.stop_kind)] = e.status
        picked_up[(e.request_id, e.stop_kind)] = e.passengers if e.status == "done" else None
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
            "cancelled": False,
            "reported": "",
            "reported_passengers": None,
        }
        if loc_id.startswith("place:"):
            place = places.get(int(loc_id.removeprefix("place:")))
            entry["label"] = place.public_label if place else ""
            if place is not None and not place.confidential:
                entry["landmark"] = place.address
        if s.task:
            req = session.get(Request, body["tasks"][s.task])
            entry["passengers"] = req.adults + req.children
            entry["reported"] = reported.get((req.id, s.kind.value), "")
            entry["reported_passengers"] = picked_up.get((req.id, s.kind.value))
            # Cancelled after publishing: shown as such, and nobody to call.
            entry["cancelled"] = req.status == RequestStatus.CANCELLED
            entry["phone"] = "" if entry["cancelled"] else req.contact_phone
            if loc_id.startswith("request:"):
                entry["label"] = (
                    f"{villages.get(req.village_code, '')}, {districts.get(req.district_code, '')}"
                ).strip(", ")
                entry["landmark"] = " · ".join(x for x in masked(req) if x)
                if req.window_start or req.window_end:
                    entry["window"] = f"{req.window_start or ''}–{req.window_end or ''}"
        stops.append(entry)
    return stops


def plan_view(
    session: Session, record: DayPlan, settings: Settings, with_open_requests: bool = False
) -> maps.PlanView:
    """A stored plan as the maps library wants it: display fields only. Names, notes and the
    kind of request are not handed over at all (minimum data); the library's guard still
    refuses the fixed words and any confidential place's name or address."""
    plan, body = load_body(record)
    locations = [Location(i, lat, lon) for i, lat, lon in body["locations"]]
    places = [
        maps.Place(
            id=f"place:{p.id}",
            lat=p.lat,
            lon=p.lon,
            label=p.name,
            public_label=p.public_label,
            kind=maps.PlaceKind(p.kind.value),
            address=p.address,
            confidential=p.confidential,
        )
        for p in session.exec(select(Place))
    ]
    villages = {v.code: v.name for v in session.exec(select(Village))}
    districts = {d.code: d.name for d in session.exec(select(District))}
    masked = free_text(session)

    def info(req: Request) -> maps.StopInfo:
        landmark, address = masked(req)
        window = None
        if req.window_start or req.window_end:
            window = TimeWindow(
                seconds_of(req.window_start or "00:00"), seconds_of(req.window_end or "23:59")
            )
        return maps.StopInfo(
            task_id=req.reference,
            reference=req.reference,
            village=villages.get(req.village_code, ""),
            kecamatan=districts.get(req.district_code, ""),
            landmark=landmark,
            address=address,
            time_window=window,
            passengers=req.adults + req.children,
            contact_phone=req.contact_phone,
            status=req.status.value,
            urgency=Urgency(req.urgency.value),
            lat=req.lat,
            lon=req.lon,
        )

    ids = list(body["tasks"].values())
    reqs = session.exec(select(Request).where(Request.id.in_(ids))).all() if ids else []
    # who drives each car, as chosen when this version was published (a draft has none)
    drivers = {
        vehicle_id: driver_name(user)
        for vehicle_id, user in session.exec(
            select(DriverLink.vehicle_id, User)
            .join(User, User.id == DriverLink.driver_id)
            .where(DriverLink.plan_id == record.id)
        )
    }
    vehicles = []
    for route in plan.routes:
        v = session.get(Vehicle, int(route.vehicle))
        if v is not None:
            vehicles.append(
                maps.VehicleInfo(
                    id=route.vehicle,
                    name=v.name,
                    plate=v.plate,
                    driver=drivers.get(v.id, ""),
                    shift=TimeWindow(seconds_of(v.shift_start), seconds_of(v.shift_end)),
                )
            )
    open_requests = None
    if with_open_requests:
        open_requests = [
            info(r) for r in open_requests_of(session, record.day) if r.lat is not None
        ]
    return maps.PlanView(
        plan=plan,
        locations=locations,
        places=places,
        stops=[info(r) for r in reqs],
        vehicles=vehicles,
        day=record.day,
        title=f"Jangkau {record.day.isoformat()}",
        requests=open_requests,
    )


def overview_html(session: Session, day: date, settings: Settings) -> str:
    """The dispatcher's map of the day: the latest plan and the open requests."""
    record = latest(session, day)
    if record is None:
        return "<!doctype html><p>Belum ada rencana.</p>"
    view = plan_view(session, record, settings, with_open_requests=True)
    return maps.overview_html(
        view, tiles=settings.maps.tiles, attribution=settings.maps.attribution
    )


DRIVER_FILES = {
    "map": ("text/html; charset=utf-8", "{name}-peta.html"),
    "sheet": ("text/html; charset=utf-8", "{name}-lembar.html"),
    "gpx": ("application/gpx+xml", "{name}.gpx"),
    "geojson": ("application/geo+json", "{name}.geojson"),
}


def driver_file(
    session: Session, record: DayPlan, vehicle: Vehicle, kind: str, settings: Settings
) -> tuple[str, str, str]:
    """One download for a driver: offline map, A4 sheet, GPX or GeoJSON (KeyError if none)."""
    media, pattern = DRIVER_FILES[kind]
    view = plan_view(session, record, settings)
    vid = str(vehicle.id)
    if kind == "map":
        content = maps.driver_map_html(
            view, vid, tiles=settings.maps.tiles, attribution=settings.maps.attribution
        )
    elif kind == "sheet":
        content = maps.route_sheet_html(view, vid)
    elif kind == "gpx":
        content = maps.route_gpx(view, vid)
    else:
        content = json.dumps(maps.route_geojson(view, vid), ensure_ascii=False)
    name = f"{record.day.isoformat()}-v{record.version}-{vehicle.id}"
    return content, media, pattern.format(name=name)
