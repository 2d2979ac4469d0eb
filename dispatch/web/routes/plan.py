"""The dispatcher's day: plan, adjust, publish, follow (the drivers' links: driver.py)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, select
from starlette.datastructures import FormData

from dispatch import audit
from dispatch.errors import NotFound, UserError
from dispatch.models import (
    Assignment,
    DayPlan,
    District,
    Place,
    PlanStatus,
    Role,
    StopEvent,
    User,
    Vehicle,
    Village,
    utcnow,
)
from dispatch.models import (
    Request as Req,
)
from dispatch.services import planning
from dispatch.web.deps import (
    client_of,
    form_int,
    form_of,
    get_db,
    require,
    settings_of,
)
from dispatch.web.render import render

router = APIRouter()
DISPATCH = require(Role.DISPATCHER)


def _today(request: Request) -> date:
    return utcnow().astimezone(settings_of(request).region.tz).date()


def _day(value: str | None, request: Request) -> date:
    if not value:
        return _today(request)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError("invalid_input", fields="day (YYYY-MM-DD)") from None


URGENCIES = ("darurat", "segera", "terjadwal")


def _jobs(request: Request):
    return request.app.state.jobs


def day_view(db: Session, request: Request, day: date, queue: list[Req] | None = None) -> dict:
    """Everything the planning page and its polling need, as plain data."""
    draft = planning.latest(db, day)
    published = planning.latest(db, day, PlanStatus.PUBLISHED)
    vehicles = {str(v.id): v for v in db.exec(select(Vehicle))}
    villages = {v.code: v.name for v in db.exec(select(Village))}
    districts = {d.code: d.name for d in db.exec(select(District))}
    places = {p.id: p for p in db.exec(select(Place))}
    view: dict = {
        "day": day.isoformat(),
        "version": planning.day_version(db, day),
        "published_version": published.version if published else None,
        "job": (_jobs(request).get(day).as_dict() if _jobs(request).get(day) else None),
        "routes": [],
        "unserved": [],
        "skipped": {},
        # the queue as the polling sees it: a new request (an emergency at 11:00) shows up
        "queue": sorted(
            r.reference for r in (queue if queue is not None else planning.open_requests(db, day))
        ),
    }
    if draft is None:
        return view
    plan, body = planning.load_body(draft)
    ids = body["tasks"]
    reqs = {r.id: r for r in db.exec(select(Req).where(Req.id.in_(list(ids.values()))))}
    # Drivers' reports of the day, on any published version (they describe what happened).
    picked_up: dict[tuple[int, str], int] = {}
    events: dict[tuple[int, str], str] = {}
    reported_at: dict[tuple[int, str], int] = {}
    tz = settings_of(request).region.tz
    day_plans = select(DayPlan.id).where(DayPlan.day == day)
    for e in db.exec(
        select(StopEvent).where(StopEvent.plan_id.in_(day_plans)).order_by(StopEvent.id)
    ):
        events[(e.request_id, e.stop_kind)] = e.status
        if e.status == "done" and e.passengers is not None:  # as the driver counted them
            picked_up[(e.request_id, e.stop_kind)] = e.passengers
        reported_at[(e.request_id, e.stop_kind)] = planning.seconds_into(day, e.happened_at, tz)
    view["draft_id"] = draft.id
    view["draft_status"] = draft.status.value
    view["stale"] = planning.is_stale(db, draft)
    view["travel_model"] = plan.travel_model
    view["solve_seconds"] = round(plan.solve_seconds, 2)
    for route in plan.routes:
        v = vehicles.get(route.vehicle)
        stops = []
        reports = {
            (ref, kind): (events[(ids[ref], kind)], reported_at[(ids[ref], kind)])
            for ref in route.tasks
            for kind in ("pickup", "delivery", "visit")
            if ref in ids and (ids[ref], kind) in events
        }
        etas = planning.live_etas(route, reports)
        for s, eta in zip(route.stops, etas, strict=True):
            r = reqs.get(ids.get(s.task)) if s.task else None
            # A stop at one of the agency's places (a drop-off at the hospital, the depot)
            # shows that place, not the village the request came from.
            loc_id = body["locations"][s.location][0]
            place = (
                places.get(int(loc_id.removeprefix("place:")))
                if loc_id.startswith("place:")
                else None
            )
            at_village = r is not None and place is None
            stops.append(
                {
                    "kind": s.kind.value,
                    "arrival": planning.hhmm(s.arrival),
                    # Late by five minutes or more from the driver's reports: the new estimate.
                    "eta": planning.hhmm(eta) if eta and eta - s.arrival >= 300 else None,
                    "departure": planning.hhmm(s.departure),
                    "wait_min": s.wait // 60,
                    "load": s.load,
                    "reference": s.task,
                    "urgency": r.urgency.value if r else None,
                    "village": villages.get(r.village_code, "") if at_village else "",
                    "district": districts.get(r.district_code, "") if at_village else "",
                    "place": place.public_label if place else "",
                    "status": r.status.value if r else None,
                    "reported": events.get((r.id, s.kind.value)) if r else None,
                    "picked_up": picked_up.get((r.id, s.kind.value)) if r else None,
                }
            )
        view["routes"].append(
            {
                "vehicle_id": route.vehicle,
                "vehicle": v.name if v else route.vehicle,
                "km": round(route.distance / 1000, 1),
                "hours": round(route.span / 3600, 2),
                "driving_h": round(route.driving / 3600, 2),
                "stops": stops,
                "tasks": len(route.tasks),
            }
        )
    for u in plan.unserved:
        r = reqs.get(ids.get(u.task))
        view["unserved"].append(
            {
                "reference": u.task,
                "reason": u.reason.value,
                "message": u.message,
                "urgency": r.urgency.value if r else None,
                "village": villages.get(r.village_code, "") if r else "",
            }
        )
    view["skipped"] = body.get("skipped", {})
    return view


# ---- pages --------------------------------------------------------------------------------


@router.get("/plan")
def plan_page(
    request: Request,
    day: str | None = Query(None, max_length=10),
    urgency: str = Query("", max_length=12),
    district: str = Query("", max_length=8),
    db: Session = Depends(get_db),
    _u: User = Depends(DISPATCH),
):
    d = _day(day, request)
    queue = planning.open_requests(db, d)
    view = day_view(db, request, d, queue)
    counts = {u: sum(1 for r in queue if r.urgency.value == u) for u in URGENCIES}
    open_reqs = [
        r
        for r in queue
        if (not urgency or r.urgency.value == urgency)
        and (not district or r.district_code == district)
    ]
    links = []
    published = planning.latest(db, d, PlanStatus.PUBLISHED)
    drivers = planning.active_drivers(db)
    # who drives each car in the current version: the cards say it, the next publish keeps it
    chosen = planning.chosen_drivers(db, published.id) if published is not None else {}
    chosen_users = {u.id: u for u in db.exec(select(User).where(User.id.in_(chosen.values())))}
    if published is not None:
        secret = settings_of(request).secret_key
        base = str(request.base_url).rstrip("/")
        for r in view["routes"]:
            if r["tasks"] and published.id == view.get("draft_id"):
                token = planning.link_token(secret, published.id, int(r["vehicle_id"]))
                found = planning.find_link(db, token)
                expires = found[0].expires_at if found else None
                links.append(
                    {
                        "vehicle": r["vehicle"],
                        "driver": planning.driver_name(
                            chosen_users.get(chosen.get(int(r["vehicle_id"])))
                        ),
                        "url": f"{base}/r/{token}",
                        "token": token,
                        "expires": expires,
                        # e.g. a plan published after the shift ended: say so, no dead QR code
                        "expired": expires is None or expires <= utcnow(),
                    }
                )
    vehicles = [v for v in db.exec(select(Vehicle).order_by(Vehicle.name)) if v.active]
    codes = {r.village_code for r in open_reqs if r.village_code}
    districts = dict(db.exec(select(District.code, District.name).order_by(District.name)).all())
    village_names = dict(
        db.exec(select(Village.code, Village.name).where(Village.code.in_(codes))).all()
    )
    # likely duplicates (flagged at intake) are planned, and shown for the dispatcher to decide
    dup_ids = {r.duplicate_of for r in open_reqs if r.duplicate_of}
    dup_refs = (
        dict(db.exec(select(Req.id, Req.reference).where(Req.id.in_(dup_ids))).all())
        if dup_ids
        else {}
    )
    # the dispatcher's instructions for the day, shown on the queue rows they apply to
    instructions = {a.request_id: a for a in db.exec(select(Assignment).where(Assignment.day == d))}
    from dispatch.services.reports import day_summary

    closed = request.query_params.get("returned", "")
    on_board = [x for x in request.query_params.get("on_board", "").split(",") if x][:50]
    return render(
        request,
        "plan.html",
        summary=day_summary(db, d, settings_of(request)),
        closed={"returned": int(closed), "on_board": on_board} if closed.isdigit() else None,
        village_names=village_names,
        districts=districts,
        counts=counts,
        queue_total=len(queue),
        f_urgency=urgency,
        f_district=district,
        dup_refs=dup_refs,
        instructions=instructions,
        vehicle_names={v.id: v.name for v in db.exec(select(Vehicle))},
        # "re-plan from now" means something on the day itself only
        is_today=d == utcnow().astimezone(settings_of(request).region.tz).date(),
        view=view,
        open_reqs=open_reqs,
        links=links,
        drivers=drivers,
        chosen=chosen,
        vehicles=vehicles,
        view_json=json.dumps(view),
    )


@router.post("/plan/{day}/solve")
def plan_solve(
    day: str,
    request: Request,
    form: FormData = Depends(form_of),
    db: Session = Depends(get_db),
    user: User = Depends(DISPATCH),
):
    d = _day(day, request)
    version = form_int(form, "version", planning.day_version(db, d))
    from_now = form.get("from_now") == "1"
    _jobs(request).start(
        d,
        request.app.state.engine,
        settings_of(request),
        user.id,
        version,
        now=utcnow() if from_now else None,
    )
    return RedirectResponse(f"/plan?day={d.isoformat()}", status_code=303)


@router.post("/plan/{day}/assign")
def plan_assign(
    day: str,
    request: Request,
    form: FormData = Depends(form_of),
    db: Session = Depends(get_db),
    user: User = Depends(DISPATCH),
):
    """Lock a request to a vehicle, leave it out for the day, or clear the instruction."""
    d = _day(day, request)
    ref = str(form.get("reference", ""))
    action = str(form.get("action", ""))
    req = db.exec(select(Req).where(Req.reference == ref)).first()
    if req is None:
        raise NotFound("request_not_found", reference=ref[:30])
    planning.bump_day(db, d, form_int(form, "version", -1), user)
    a = db.exec(
        select(Assignment).where(Assignment.day == d, Assignment.request_id == req.id)
    ).first() or Assignment(day=d, request_id=req.id)
    if action == "lock":
        vehicle = db.get(Vehicle, form_int(form, "vehicle_id", 0))
        if vehicle is None:
            raise UserError("invalid_input", fields="vehicle_id")
        a.vehicle_id, a.excluded = vehicle.id, False
    elif action == "exclude":
        a.vehicle_id, a.excluded = None, True
    elif action == "clear":
        a.vehicle_id, a.excluded = None, False
    else:
        raise UserError("invalid_input", fields="action")
    db.add(a)
    audit.record(
        db, "update", "assignment", req.id, actor=user, client=client_of(request), fields=(action,)
    )
    db.commit()
    return RedirectResponse(f"/plan?day={d.isoformat()}", status_code=303)


def _drivers_of(form: FormData) -> dict[int, int | None] | None:
    """Each car's driver from the publish form (`driver_<vehicle id>`: a user id, or blank
    for none); None when the form has no such field (the previous version's are kept)."""
    names = [k for k in form if k.startswith("driver_")]
    if not names:
        return None
    if len(names) > 100:
        raise UserError("invalid_input", fields="driver_*")
    drivers: dict[int, int | None] = {}
    for name in names:
        vehicle = name.removeprefix("driver_")
        if not (vehicle.isascii() and vehicle.isdigit() and len(vehicle) < 10):
            raise UserError("invalid_input", fields=name[:40])
        drivers[int(vehicle)] = form_int(form, name, 0) or None
    return drivers


@router.post("/plan/{day}/publish")
def plan_publish(
    day: str,
    request: Request,
    form: FormData = Depends(form_of),
    db: Session = Depends(get_db),
    user: User = Depends(DISPATCH),
):
    d = _day(day, request)
    planning.publish(
        db,
        d,
        settings_of(request),
        user,
        form_int(form, "version", -1),
        drivers=_drivers_of(form),
    )
    db.commit()
    return RedirectResponse(f"/plan?day={d.isoformat()}", status_code=303)


@router.post("/plan/{day}/close")
def plan_close(
    day: str, request: Request, db: Session = Depends(get_db), user: User = Depends(DISPATCH)
):
    """End of day: what was not finished goes back to the queue, with a note."""
    d = _day(day, request)
    closed = planning.close_day(db, d, settings_of(request).region.tz, user)
    db.commit()
    query = urlencode(
        {
            "day": d.isoformat(),
            "returned": len(closed.returned),
            "on_board": ",".join(closed.on_board),
        }
    )
    return RedirectResponse(f"/plan?{query}", status_code=303)


@router.get("/plan/{day}/map")
def plan_map(
    day: str, request: Request, db: Session = Depends(get_db), _u: User = Depends(DISPATCH)
):
    from dispatch.services.rendering import overview_html

    d = _day(day, request)
    return Response(overview_html(db, d, settings_of(request)), media_type="text/html")


@router.get("/api/plan/{day}", tags=["planning"])
def api_plan(
    day: str, request: Request, db: Session = Depends(get_db), _u: User = Depends(DISPATCH)
):
    return day_view(db, request, _day(day, request))
