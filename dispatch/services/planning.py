"""From the day's open requests to a routing.Problem, and from a Plan back to requests.

The planner itself (routing/) knows nothing of requests or the database; this module is the
translation between the two, and the place where the day's edit version is checked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dispatch import audit
from dispatch.config import Settings
from dispatch.errors import Conflict, UserError
from dispatch.models import (
    Assignment,
    DayPlan,
    DayState,
    DriverLink,
    Place,
    PlanStatus,
    Request,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Role,
    StopEvent,
    User,
    Vehicle,
    utcnow,
)
from dispatch.services.requests import change_status
from routing import (
    Location,
    Plan,
    Problem,
    RideRule,
    Route,
    Stop,
    Task,
    TimeWindow,
    Urgency,
    VehicleState,
)
from routing import Vehicle as RVehicle
from routing.travel import FallbackTravel, HaversineTravel, OsrmTravel, TravelModel

PLANNABLE = (
    RequestStatus.NEW,
    RequestStatus.TRIAGED,
    RequestStatus.PLANNED,
    RequestStatus.DISPATCHED,
    RequestStatus.ARRIVED,  # the car is there, or she is on board: still to be delivered
    RequestStatus.FAILED,
)
ON_ROUTES = (RequestStatus.PLANNED, RequestStatus.DISPATCHED, RequestStatus.ARRIVED)
HANDOVER_S = 10 * 60  # at the drop-off: hand the passengers over


def seconds_of(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def seconds_into(day: date, at: datetime, tz: tzinfo) -> int:
    """`at` as seconds from the start of `day` in the region's time (past midnight: > 86400),
    the time scale of plans."""
    local = at.astimezone(tz)
    return (local.date() - day).days * 86400 + local.hour * 3600 + local.minute * 60 + local.second


def hhmm(seconds: int) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


@dataclass
class Position:
    """Where a vehicle is now, from its driver's reports."""

    key: str  # location id, as build_problem names them: place:ID or request:ID
    lat: float
    lon: float
    time: int  # seconds since midnight, local
    done: set[str] = field(default_factory=set)
    on_board: set[str] = field(default_factory=set)
    picked_up_at: dict[str, int] = field(default_factory=dict)  # on board since (local s)


@dataclass
class DayProblem:
    """A routing problem plus what its indices and ids stand for in the database."""

    problem: Problem
    requests: dict[str, Request]  # task id (reference) -> request
    vehicles: dict[str, Vehicle]  # routing vehicle id -> vehicle
    places: dict[int, Place]  # location index -> place (depots, destinations)
    skipped: dict[str, str] = field(default_factory=dict)  # reference -> why not planned


@lru_cache(maxsize=8)
def _osrm(url: str, speed_kmh: float, circuity: float) -> FallbackTravel:
    """One per configuration, so its cache of matrices lasts between plans."""
    offline = HaversineTravel(speed_kmh=speed_kmh, circuity=circuity)
    online = OsrmTravel(url, fallback_speed_kmh=speed_kmh, fallback_circuity=circuity)
    return FallbackTravel(online, offline)


def travel_model(settings: Settings, kind: str = "car") -> TravelModel:
    """The travel model of a vehicle kind: its speed from config (a boat is slower); OSRM,
    when configured, for cars on roads, falling back to the offline model when it fails."""
    t = settings.travel
    speed = t.speed_kmh.get(kind) or t.speed_kmh.get("car", 40.0)
    if t.osrm_url and kind == "car":
        return _osrm(t.osrm_url, speed, t.circuity)
    return HaversineTravel(speed_kmh=speed, circuity=t.circuity)


def day_version(session: Session, day: date) -> int:
    state = session.get(DayState, day)
    return state.version if state else 0


def bump_day(session: Session, day: date, expected: int | None, actor: User | None) -> int:
    """Advance the day's edit version; refuse if someone changed the day meanwhile.

    The update names the version it read, so of two dispatchers (or two server processes)
    changing the day at once, the second finds it moved on and is told, never overwrites.
    """
    state = session.get(DayState, day)
    if state is None:
        state = DayState(day=day, version=0)
        session.add(state)
        try:
            session.flush()
        except IntegrityError:  # created at this moment by someone else
            raise Conflict("plan_changed", day=day.isoformat()) from None
    seen = state.version
    if expected is not None and expected != seen:
        raise Conflict("plan_changed", day=day.isoformat())
    moved = session.exec(
        update(DayState)
        .where(DayState.day == day, DayState.version == seen)
        .values(version=seen + 1, updated_by=actor.id if actor else None, updated_at=utcnow())
    )
    if moved.rowcount != 1:
        raise Conflict("plan_changed", day=day.isoformat())
    session.expire(state)
    return seen + 1


def open_requests(session: Session, day: date) -> list[Request]:
    """The requests to plan on `day`. One already on another day's published routes stays
    with that day (a car may be on its way to it now) until that day is re-planned or
    closed; on `day`'s own routes it is planned again."""
    rows = list(
        session.exec(
            select(Request)
            .where(
                Request.status.in_(PLANNABLE),
                Request.available_date <= day,
                Request.duplicate_confirmed.is_(False),  # a likely duplicate is planned
            )
            .order_by(Request.id)
        )
    )
    on_routes = [r for r in rows if r.status in ON_ROUTES]
    if not on_routes:
        return rows
    # A request goes on routes no earlier than the day it is available.
    since = min(r.available_date for r in on_routes)
    others = session.exec(
        select(DayPlan).where(
            DayPlan.status == PlanStatus.PUBLISHED, DayPlan.day >= since, DayPlan.day != day
        )
    )
    elsewhere = {rid for plan in others for rid in load_body(plan)[1]["tasks"].values()}
    return [r for r in rows if r not in on_routes or r.id not in elsewhere]


def build_problem(
    session: Session,
    day: date,
    settings: Settings,
    *,
    positions: dict[str, Position] | None = None,
    previous: Plan | None = None,
    now_s: int | None = None,
) -> DayProblem:
    """The day's problem. With `positions` (a re-plan from now) each vehicle starts where
    and when it is, done requests are left out and passengers on board are delivered."""
    positions = positions or {}
    vehicles = [v for v in session.exec(select(Vehicle).order_by(Vehicle.id)) if v.active]
    if not vehicles:
        raise UserError("no_vehicles")
    places = {p.id: p for p in session.exec(select(Place))}
    locations: list[Location] = []
    index: dict[str, int] = {}
    place_at: dict[int, Place] = {}

    def loc(key: str, lat: float, lon: float) -> int:
        if key not in index:
            index[key] = len(locations)
            locations.append(Location(key, lat, lon))
        return index[key]

    rvehicles, by_id = [], {}
    for v in vehicles:
        depot = places[v.depot_id]
        i = loc(f"place:{depot.id}", depot.lat, depot.lon)
        place_at[i] = depot
        start = seconds_of(v.shift_start)
        if now_s is not None:
            start = max(start, now_s)
        rid = str(v.id)
        rvehicles.append(
            RVehicle(
                id=rid,
                seats=v.seats,
                start=i,
                end=i,
                shift=TimeWindow(start, max(start, seconds_of(v.shift_end))),
                skills=frozenset(s for s in v.skills.split(",") if s),
            )
        )
        by_id[rid] = v

    assigned = {
        a.request_id: a for a in session.exec(select(Assignment).where(Assignment.day == day))
    }
    tasks, reqs, skipped = [], {}, {}
    on_board = {t for p in positions.values() for t in p.on_board}
    done = {t for p in positions.values() for t in p.done}
    for r in open_requests(session, day):
        if r.reference in done:
            continue
        a = assigned.get(r.id)
        if a is not None and a.excluded and r.reference not in on_board:
            skipped[r.reference] = "excluded"
            continue
        if not r.verified:
            skipped[r.reference] = "unverified"
            continue
        if r.lat is None:
            skipped[r.reference] = "no_location"
            continue
        village = loc(f"request:{r.id}", r.lat, r.lon)
        window = None
        if r.window_start or r.window_end:
            window = TimeWindow(
                seconds_of(r.window_start or "00:00"), seconds_of(r.window_end or "23:59")
            )
        skills = frozenset(
            n
            for n, on in (
                ("wheelchair", r.needs_wheelchair),
                ("infant_seat", r.needs_infant_seat),
                ("female_staff", r.needs_female_staff),
            )
            if on
        )
        here = Stop(village, service=r.onsite_minutes * 60, window=window)
        if r.kind == RequestKind.VISIT:
            pickup, delivery = here, None
        else:
            dest = places.get(r.destination_id)
            if dest is None:
                skipped[r.reference] = "no_destination"
                continue
            d = loc(f"place:{dest.id}", dest.lat, dest.lon)
            place_at[d] = dest
            if r.kind == RequestKind.RETURN_HOME:
                pickup, delivery = Stop(d, service=HANDOVER_S), here
            else:
                pickup, delivery = here, Stop(d, service=HANDOVER_S)
        tasks.append(
            Task(
                id=r.reference,
                pickup=pickup,
                delivery=delivery,
                # a visit carries nobody: its people stay at home
                passengers=0 if r.kind == RequestKind.VISIT else r.adults + r.children,
                urgency=Urgency(r.urgency.value),
                skills=skills,
                locked_vehicle=str(a.vehicle_id) if a is not None and a.vehicle_id else None,
            )
        )
        reqs[r.reference] = r

    states = []
    for rid, p in positions.items():
        if rid in by_id:
            at = loc(p.key, p.lat, p.lon)
            states.append(
                VehicleState(
                    vehicle=rid,
                    location=at,
                    time=p.time,
                    done=tuple(sorted(p.done)),
                    on_board=tuple(sorted(t for t in p.on_board if t in reqs)),
                    picked_up_at={t: s for t, s in p.picked_up_at.items() if t in reqs},
                )
            )
    matrix = travel_model(settings).matrix(locations)
    # Vehicles of another kind (a river boat) travel at their own speed.
    per_kind = {
        kind: travel_model(settings, kind).matrix(locations)
        for kind in {v.kind for v in vehicles} - {"car"}
    }
    vehicle_matrices = {rid: per_kind[v.kind] for rid, v in by_id.items() if v.kind in per_kind}
    problem = Problem(
        locations=locations,
        matrix=matrix,
        vehicles=rvehicles,
        tasks=tasks,
        states=states,
        vehicle_matrices=vehicle_matrices,
        previous=previous,
        ride_rule=RideRule(
            slack=settings.solver.ride_slack_min * 60, factor=settings.solver.ride_factor
        ),
    )
    return DayProblem(problem, reqs, by_id, place_at, skipped)


def stop_point(
    req: Request, stop_kind: str, places: dict[int, Place]
) -> tuple[str, float | None, float | None] | None:
    """Where a reported stop happened, keyed as build_problem names locations: the
    request's point for a pickup at the village or a visit, the destination place for a
    delivery; a return home the other way round."""
    at_village = stop_kind == "visit" or (stop_kind == "pickup") != (
        req.kind == RequestKind.RETURN_HOME
    )
    if at_village:
        return f"request:{req.id}", req.lat, req.lon
    dest = places.get(req.destination_id)
    return (f"place:{dest.id}", dest.lat, dest.lon) if dest is not None else None


def positions_now(session: Session, day: date, now_s: int, tz: tzinfo) -> dict[str, Position]:
    """Each vehicle's last reported stop and what it has done, from the day's stop events."""
    published = latest(session, day, PlanStatus.PUBLISHED)
    if published is None:
        return {}
    plan, body = load_body(published)
    plan_ids = [p.id for p in session.exec(select(DayPlan).where(DayPlan.day == day))]
    events = session.exec(
        select(StopEvent)
        .where(StopEvent.plan_id.in_(plan_ids))
        .order_by(StopEvent.happened_at, StopEvent.id)
    ).all()
    refs = {v: k for k, v in body["tasks"].items()}
    places = {p.id: p for p in session.exec(select(Place))}
    out: dict[str, Position] = {}
    for route in plan.routes:
        v = session.get(Vehicle, int(route.vehicle))
        depot = places[v.depot_id]
        out[route.vehicle] = Position(f"place:{depot.id}", depot.lat, depot.lon, now_s)
    for e in events:
        pos = out.get(str(e.vehicle_id))
        ref = refs.get(e.request_id)
        req = session.get(Request, e.request_id)
        if pos is None or ref is None or req is None:
            continue
        if e.status == "failed" or (e.status == "done" and e.stop_kind in ("delivery", "visit")):
            pos.done.add(ref)
            pos.on_board.discard(ref)
        elif e.status == "done" and e.stop_kind == "pickup":
            pos.on_board.add(ref)
            pos.picked_up_at[ref] = seconds_into(day, e.happened_at, tz)  # her ride counts
        # Where is the vehicle? At the place of its last reported stop.
        point = stop_point(req, e.stop_kind, places)
        if point is not None and point[1] is not None:
            pos.key, pos.lat, pos.lon = point
    return out


def _under_way(session: Session, day: date) -> bool:
    """Whether a driver has reported a stop of the day's routes."""
    plan_ids = select(DayPlan.id).where(DayPlan.day == day)
    reported = select(StopEvent.id).where(StopEvent.plan_id.in_(plan_ids))
    return session.exec(reported).first() is not None


def plan_day(
    session: Session,
    day: date,
    settings: Settings,
    actor: User | None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    on_progress=None,
    time_limit: float | None = None,
) -> DayPlan:
    """Plan (or re-plan) the day and store the result as a draft.

    With `now`, vehicles start from their last reported stop at that time (mid-day re-plan).
    The previous plan of the day is the warm start, so a re-plan changes little without reason.
    """
    from dispatch.services.solving import solve

    version = bump_day(session, day, expected_version, actor)
    tz = settings.region.tz
    if now is not None and now.astimezone(tz).date() != day:
        now = None  # "from now" means something on the day itself only
    elif now is None and utcnow().astimezone(tz).date() == day and _under_way(session, day):
        now = utcnow()  # drivers have reported: keep what is done and who is on board
    now_s = positions = None
    if now is not None:
        now_s = seconds_into(day, now, tz)
        positions = positions_now(session, day, now_s, tz)
    base = latest(session, day)
    previous = load_body(base)[0] if base is not None else None
    dp = build_problem(session, day, settings, positions=positions, previous=previous, now_s=now_s)
    limit = time_limit or settings.solver.time_limit_s
    strategy = settings.solver.first_solution
    total = len(dp.problem.tasks)

    def report(plan: Plan) -> None:
        if on_progress is not None:
            on_progress(sum(len(r.tasks) for r in plan.routes), total, plan.distance)

    # First a quick plan, stored at once so the page can show it; then the full search,
    # warm-started from it.
    quick = solve(dp.problem, time_limit=min(2.0, limit), first_solution=strategy, solution_limit=1)
    save_draft(session, day, dp, quick, actor, version)
    session.commit()
    report(quick)
    dp.problem.previous = quick
    plan = solve(dp.problem, time_limit=limit, first_solution=strategy)
    report(plan)
    return save_draft(session, day, dp, plan, actor, version)


# ---- storing plans ------------------------------------------------------------------------


def plan_body(dp: DayProblem, plan: Plan, day_version: int | None = None) -> str:
    """The stored plan; `day_version` is the day's edit version it was planned at."""
    from routing.serialize import plan_to_json

    return json.dumps(
        {
            "plan": plan_to_json(plan),
            "day_version": day_version,
            "locations": [[loc.id, loc.lat, loc.lon] for loc in dp.problem.locations],
            "tasks": {ref: r.id for ref, r in dp.requests.items()},
            "skipped": dp.skipped,
        }
    )


def load_body(record: DayPlan) -> tuple[Plan, dict]:
    from routing.serialize import plan_from_json

    body = json.loads(record.body)
    return plan_from_json(body["plan"]), body


def save_draft(
    session: Session,
    day: date,
    dp: DayProblem,
    plan: Plan,
    actor: User | None,
    day_version: int | None = None,
) -> DayPlan:
    record = DayPlan(
        day=day,
        status=PlanStatus.DRAFT,
        body=plan_body(dp, plan, day_version),
        solve_seconds=plan.solve_seconds,
        created_by=actor.id if actor else None,
    )
    session.add(record)
    session.flush()
    audit.record(session, "create", "day_plan", record.id, actor=actor, fields=("draft",))
    return record


def latest(session: Session, day: date, status: PlanStatus | None = None) -> DayPlan | None:
    q = select(DayPlan).where(DayPlan.day == day)
    if status is not None:
        q = q.where(DayPlan.status == status)
    return session.exec(q.order_by(DayPlan.id.desc())).first()


def link_token(secret: str, plan_id: int, vehicle_id: int) -> str:
    """The driver's link token: derivable by the server, so it can be shown again."""
    msg = f"route:{plan_id}:{vehicle_id}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()[:32]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_drivers(session: Session) -> list[User]:
    """Who may be chosen to drive a car: the active users with role driver."""
    return list(
        session.exec(
            select(User)
            .where(User.role == Role.DRIVER, User.active.is_(True))
            .order_by(User.full_name, User.username)
        )
    )


def driver_name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def chosen_drivers(session: Session, plan_id: int) -> dict[int, int]:
    """The drivers chosen for a published plan's cars: vehicle id -> user id."""
    links = session.exec(select(DriverLink).where(DriverLink.plan_id == plan_id))
    return {link.vehicle_id: link.driver_id for link in links if link.driver_id is not None}


def _check_drivers(session: Session, drivers: dict[int, int | None]) -> dict[int, int]:
    """The chosen drivers, each an active user with role driver and on one car only."""
    out: dict[int, int] = {}
    for vehicle_id, user_id in drivers.items():
        if user_id is None:
            continue
        # (a number beyond the column's range is no user; PostgreSQL would refuse the query)
        user = session.get(User, user_id) if 0 < user_id < 2**31 else None
        if user is None or user.role != Role.DRIVER or not user.active:
            raise UserError("driver_invalid", id=user_id)
        if user_id in out.values():
            raise UserError("driver_twice", name=driver_name(user))
        out[vehicle_id] = user_id
    return out


def publish(
    session: Session,
    day: date,
    settings: Settings,
    actor: User,
    expected_version: int | None,
    drivers: dict[int, int | None] | None = None,
) -> DayPlan:
    """Freeze the day's newest plan as its next numbered version; links for each driver.

    Only the newest, and only while nothing was changed since it was planned (a lock, a
    request left out, another publish): an older plan would silently undo those changes.
    `drivers` names who drives each car (vehicle id -> user id, None for nobody said); left
    out (None), each car keeps the driver of the day's previous version, if still active."""
    draft = latest(session, day)
    if draft is None or draft.status != PlanStatus.DRAFT:
        raise UserError("no_draft")
    if expected_version is not None and expected_version != day_version(session, day):
        raise Conflict("plan_changed", day=day.isoformat())
    if is_stale(session, draft):
        raise Conflict("plan_stale", day=day.isoformat())
    if drivers is None:
        before = latest(session, day, PlanStatus.PUBLISHED)
        kept = chosen_drivers(session, before.id) if before is not None else {}
        still = {u.id for u in active_drivers(session)}
        drivers = {v: u for v, u in kept.items() if u in still}
    else:
        drivers = _check_drivers(session, drivers)
    bump_day(session, day, expected_version, actor)
    previous = latest(session, day, PlanStatus.PUBLISHED)
    number = 1
    if previous is not None:
        previous.status = PlanStatus.SUPERSEDED
        number = previous.version + 1
        session.add(previous)
    draft.status = PlanStatus.PUBLISHED
    draft.version = number
    draft.published_at = utcnow()
    session.add(draft)
    session.flush()
    plan, body = load_body(draft)
    tz = settings.region.tz
    served = set()
    for route in plan.routes:
        if not route.tasks:
            continue
        vehicle = session.get(Vehicle, int(route.vehicle))
        end_local = datetime.combine(day, time.fromisoformat(vehicle.shift_end), tz)
        # The link lasts to the end of the shift, with an hour's grace for a late return.
        expires = (end_local + timedelta(hours=1)).astimezone(utcnow().tzinfo)
        token = link_token(settings.secret_key, draft.id, vehicle.id)
        session.add(
            DriverLink(
                id=_digest(token),
                plan_id=draft.id,
                vehicle_id=vehicle.id,
                expires_at=expires,
                driver_id=drivers.get(vehicle.id),
            )
        )
        served.update(route.tasks)
    version = f"rencana {day.isoformat()} versi {number}"  # the history's note
    for ref, request_id in body["tasks"].items():
        req = session.get(Request, request_id)
        if ref in served:
            if req.status in (RequestStatus.NEW, RequestStatus.FAILED):
                change_status(session, req, RequestStatus.TRIAGED, actor=actor, note=version)
            if req.status == RequestStatus.TRIAGED:
                change_status(session, req, RequestStatus.PLANNED, actor=actor, note=version)
            if req.status == RequestStatus.PLANNED:
                change_status(session, req, RequestStatus.DISPATCHED, actor=actor, note=version)
        elif req.status in ON_ROUTES:
            change_status(
                session, req, RequestStatus.TRIAGED, actor=actor, note=f"tidak ada di {version}"
            )
    fields = ("version", "driver") if drivers else ("version",)
    audit.record(session, "publish", "day_plan", draft.id, actor=actor, fields=fields)
    return draft


def routes_of_driver(
    session: Session, settings: Settings, driver: User, days: list[date]
) -> list[dict]:
    """A driver's routes on `days`: the current published versions only, links not expired;
    each with the link (the same token the dispatcher shares)."""
    rows = session.exec(
        select(DriverLink, DayPlan, Vehicle)
        .join(DayPlan, DayPlan.id == DriverLink.plan_id)
        .join(Vehicle, Vehicle.id == DriverLink.vehicle_id)
        .where(
            DriverLink.driver_id == driver.id,
            DayPlan.status == PlanStatus.PUBLISHED,
            DayPlan.day.in_(days),
            DriverLink.expires_at > utcnow(),
        )
        .order_by(DayPlan.day, Vehicle.name)
    ).all()
    out = []
    for link, plan, vehicle in rows:
        route = next((r for r in load_body(plan)[0].routes if r.vehicle == str(vehicle.id)), None)
        out.append(
            {
                "day": plan.day,
                "version": plan.version,
                "vehicle": vehicle.name,
                "plate": vehicle.plate,
                "stops": sum(1 for s in route.stops if s.task) if route else 0,
                "start": hhmm(route.stops[0].departure) if route and route.stops else "",
                "token": link_token(settings.secret_key, plan.id, vehicle.id),
                "expires": link.expires_at,
            }
        )
    return out


def is_stale(session: Session, record: DayPlan) -> bool:
    """Whether the day changed since this draft was planned (it must be planned again)."""
    if record.status != PlanStatus.DRAFT:
        return False
    planned_at = json.loads(record.body).get("day_version")
    return planned_at is not None and planned_at != day_version(session, record.day)


def find_link(session: Session, token: str) -> tuple[DriverLink, DayPlan] | None:
    link = session.get(DriverLink, _digest(token))
    if link is None:
        return None
    return link, session.get(DayPlan, link.plan_id)


def newer_link(session: Session, settings: Settings, plan: DayPlan, vehicle_id: int) -> str | None:
    """After a republish, the token of the same vehicle's route in the current version."""
    current = latest(session, plan.day, PlanStatus.PUBLISHED)
    if current is None or current.id == plan.id:
        return None
    token = link_token(settings.secret_key, current.id, vehicle_id)
    return token if session.get(DriverLink, _digest(token)) else None


def live_etas(route: Route, reports: dict[tuple[str, str], tuple[str, int]]) -> list[int | None]:
    """Arrival times updated from the driver's reports, for the live board.

    `reports` maps (reference, stop kind) to (status, seconds of the day it happened). A
    vehicle running late pushes every later stop back, less the waiting that absorbs it; a
    reported stop has no estimate (it happened). Early reports do not pull stops forward: the
    windows and the people waiting do not move.
    """
    delay = 0
    out: list[int | None] = []
    for stop in route.stops:
        report = reports.get((stop.task, stop.kind.value)) if stop.task else None
        if report is not None:
            status, at = report
            planned = stop.arrival if status == "arrived" else stop.departure
            delay = max(0, at - planned)
            out.append(None)
            continue
        out.append(stop.arrival + delay if delay else None)
        delay = max(0, delay - stop.wait)  # waiting at this stop absorbs some of it
    return out


def route_changes(
    session: Session, plan: DayPlan, old_version: int, vehicle_id: int
) -> dict[str, list[str]] | None:
    """What a republish changed on one driver's route: requests added and taken away."""
    old = session.exec(
        select(DayPlan).where(
            DayPlan.day == plan.day,
            DayPlan.version == old_version,
            DayPlan.status != PlanStatus.DRAFT,
        )
    ).first()
    if old is None or old.id == plan.id:
        return None

    def tasks(record: DayPlan) -> list[str]:
        """The route's requests, with those already done (a done visit is not "removed")."""
        route = next((r for r in load_body(record)[0].routes if r.vehicle == str(vehicle_id)), None)
        if route is None:
            return []
        return [s.task for s in route.done if s.task] + route.tasks

    before, after = tasks(old), tasks(plan)
    return {
        "added": [t for t in after if t not in before],
        "removed": [t for t in before if t not in after],
    }


# A driver's report in the request's history (the office reads Indonesian).
STOP_WORDS = {"pickup": "jemput", "delivery": "antar", "visit": "kunjungan"}
STATUS_WORDS = {"arrived": "tiba", "done": "selesai", "failed": "gagal"}
FUTURE_SLACK = timedelta(minutes=5)  # a phone clock a little ahead of the server's
LATE_REPORT_DAYS = 7  # after its link expired, a route's reports are taken this long


def _report_time(
    link: DriverLink, plan: DayPlan, happened_at: datetime | None, tz: tzinfo
) -> datetime:
    """When the report happened, if it may still be taken through this link.

    A report kept in the phone without signal may arrive after the link expired (the end of
    the shift and an hour): it still counts when it happened on the route's own day (local
    time; until the link's expiry if that is later), for a week. Not the future, though."""
    now = utcnow()
    if happened_at is not None and happened_at > now + FUTURE_SLACK:
        raise UserError("report_in_future")
    if link.expires_at > now:
        return happened_at or now
    day_start = datetime.combine(plan.day, time(0), tz)
    day_end = max(day_start + timedelta(days=1), link.expires_at)
    if (
        happened_at is None
        or not day_start <= happened_at <= day_end
        or now > link.expires_at + timedelta(days=LATE_REPORT_DAYS)
    ):
        raise UserError("link_expired_report", day=plan.day.isoformat())
    return happened_at


def record_stop_event(
    session: Session,
    link: DriverLink,
    plan: DayPlan,
    *,
    client_id: str,
    reference: str,
    stop_kind: str,
    status: str,
    tz: tzinfo,
    reason: str = "",
    passengers: int | None = None,
    happened_at: datetime | None = None,
) -> tuple[StopEvent, bool]:
    """Store a driver's report once; the same client_id again returns the first report.

    Refused: a stop not on this link's vehicle's route, a stop kind the request has not (a
    visit is a "visit"; a transport a "pickup" and a "delivery"), a request cancelled since,
    a time in the future, and after the link expired a report from outside the route's day.
    Reports on a superseded version still count: they describe what happened."""
    existing = session.exec(select(StopEvent).where(StopEvent.client_id == client_id)).first()
    if existing is not None:
        return existing, False
    _plan, body = load_body(plan)
    request_id = body["tasks"].get(reference)
    route = next((r for r in _plan.routes if r.vehicle == str(link.vehicle_id)), None)
    if request_id is None or route is None or reference not in route.tasks:
        raise UserError("stop_not_on_route")
    if stop_kind not in ("pickup", "delivery", "visit") or status not in (
        "arrived",
        "done",
        "failed",
    ):
        raise UserError("invalid_input", fields="stop_kind/status")
    req = session.get(Request, request_id)
    kinds = ("visit",) if req.kind == RequestKind.VISIT else ("pickup", "delivery")
    if stop_kind not in kinds:
        raise UserError("stop_kind_mismatch", reference=reference)
    if status == "failed" and not reason.strip():
        raise UserError("reason_required")
    happened_at = _report_time(link, plan, happened_at, tz)
    if req.status == RequestStatus.CANCELLED and happened_at >= _cancelled_at(session, req):
        raise Conflict("stop_cancelled", reference=reference)
    # (a report from before the cancellation, sent late, is kept as what happened; the
    # cancelled request's status stays as it is)
    event = StopEvent(
        client_id=client_id,
        plan_id=plan.id,
        vehicle_id=link.vehicle_id,
        request_id=request_id,
        stop_kind=stop_kind,
        status=status,
        reason=reason.strip()[:200],
        passengers=passengers,
        happened_at=happened_at,
    )
    session.add(event)
    last_stop = stop_kind in ("delivery", "visit")
    target = None
    if status == "arrived" and req.status == RequestStatus.DISPATCHED:
        target = RequestStatus.ARRIVED
    elif status == "done" and last_stop:
        target = RequestStatus.DONE
    elif status == "failed":
        target = RequestStatus.FAILED
    if target is RequestStatus.DONE and req.status in (
        RequestStatus.TRIAGED,
        RequestStatus.PLANNED,
    ):
        # Sent late (no signal): the request went back to the queue meanwhile (the day was
        # closed, or a new version left it out). It was done all the same: it leaves the queue.
        for step in (RequestStatus.PLANNED, RequestStatus.DISPATCHED):
            if step in _allowed(req.status):
                change_status(session, req, step, actor=None, note="laporan sopir terlambat")
    if target is not None and target in _allowed(req.status):
        change_status(
            session,
            req,
            target,
            actor=None,
            note=f"sopir: {STOP_WORDS[stop_kind]} {STATUS_WORDS[status]}"
            + (f" ({reason})" if reason else ""),
        )
    return event, True


@dataclass
class DayClosed:
    returned: list[str]  # back in the queue, with a note
    on_board: list[str]  # picked up, drop-off not reported: left as they are, to check


def close_day(
    session: Session, day: date, tz: tzinfo, actor: User, now: datetime | None = None
) -> DayClosed:
    """End of day: what was not finished goes back to the queue with a note.

    Not a survivor the driver picked up without reporting the drop-off: planning a pickup
    for them again would send a car to a village they have left. Those stay as they are
    for the dispatcher to check with the driver. Not a day still to come, either."""
    if day > (now or utcnow()).astimezone(tz).date():
        raise UserError("close_future", day=day.isoformat())
    published = latest(session, day, PlanStatus.PUBLISHED)
    if published is None:
        raise UserError("no_published_plan")
    _plan, body = load_body(published)
    plan_ids = select(DayPlan.id).where(DayPlan.day == day)
    picked, finished = set(), set()
    for e in session.exec(select(StopEvent).where(StopEvent.plan_id.in_(plan_ids))):
        if e.stop_kind == "pickup" and e.status == "done":
            picked.add(e.request_id)
        elif e.stop_kind in ("delivery", "visit") and e.status in ("done", "failed"):
            finished.add(e.request_id)
    out = DayClosed([], [])
    for ref, request_id in body["tasks"].items():
        req = session.get(Request, request_id)
        if req.status not in ON_ROUTES:
            continue
        if request_id in picked and request_id not in finished:
            out.on_board.append(ref)
            continue
        change_status(
            session,
            req,
            RequestStatus.TRIAGED,
            actor=actor,
            note=f"tidak selesai {day.isoformat()}",
        )
        out.returned.append(ref)
    audit.record(session, "close", "day_plan", published.id, actor=actor, fields=("status",))
    return out


def _cancelled_at(session: Session, req: Request) -> datetime:
    at = session.exec(
        select(RequestEvent.at)
        .where(RequestEvent.request_id == req.id, RequestEvent.to_status == req.status)
        .order_by(RequestEvent.at.desc())
    ).first()
    return at or req.updated_at


def _allowed(status: RequestStatus) -> set[RequestStatus]:
    from dispatch.services.requests import TRANSITIONS

    return TRANSITIONS[status]
