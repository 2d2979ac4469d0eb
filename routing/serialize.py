"""Plans and problems to and from JSON-ready dicts (lossless round trip)."""

from __future__ import annotations

from typing import Any

from routing.model import (
    Location,
    Plan,
    PlannedStop,
    Problem,
    RideRule,
    Route,
    Stop,
    StopKind,
    Task,
    TimeWindow,
    TravelMatrix,
    Unserved,
    UnservedReason,
    Urgency,
    Vehicle,
    VehicleState,
)

FORMAT = 1


def _stop_to(s: PlannedStop) -> dict[str, Any]:
    return {
        "kind": s.kind.value,
        "location": s.location,
        "arrival": s.arrival,
        "departure": s.departure,
        "wait": s.wait,
        "load": s.load,
        "task": s.task,
    }


def _stop_from(d: dict[str, Any]) -> PlannedStop:
    return PlannedStop(
        kind=StopKind(d["kind"]),
        location=int(d["location"]),
        arrival=int(d["arrival"]),
        departure=int(d["departure"]),
        wait=int(d.get("wait", 0)),
        load=int(d.get("load", 0)),
        task=d.get("task"),
    )


def plan_to_json(plan: Plan) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "travel_model": plan.travel_model,
        "solve_seconds": plan.solve_seconds,
        "first_solution_seconds": plan.first_solution_seconds,
        "routes": [
            {
                "vehicle": r.vehicle,
                "distance": r.distance,
                "driving": r.driving,
                "stops": [_stop_to(s) for s in r.stops],
                "done": [_stop_to(s) for s in r.done],
            }
            for r in plan.routes
        ],
        "unserved": [
            {"task": u.task, "reason": u.reason.value, "message": u.message} for u in plan.unserved
        ],
    }


def plan_from_json(d: dict[str, Any]) -> Plan:
    return Plan(
        routes=[
            Route(
                vehicle=r["vehicle"],
                stops=[_stop_from(s) for s in r["stops"]],
                distance=int(r.get("distance", 0)),
                driving=int(r.get("driving", 0)),
                done=[_stop_from(s) for s in r.get("done", [])],
            )
            for r in d["routes"]
        ],
        unserved=[
            Unserved(u["task"], UnservedReason(u["reason"]), u.get("message", ""))
            for u in d.get("unserved", [])
        ],
        travel_model=d.get("travel_model", "haversine"),
        solve_seconds=float(d.get("solve_seconds", 0.0)),
        first_solution_seconds=d.get("first_solution_seconds"),
    )


def _tw(w: TimeWindow | None) -> list[int] | None:
    return None if w is None else [w.start, w.end]


def _tw_from(x: list[int] | None) -> TimeWindow | None:
    return None if x is None else TimeWindow(int(x[0]), int(x[1]))


def _pstop(s: Stop | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"location": s.location, "service": s.service, "window": _tw(s.window)}


def _pstop_from(d: dict[str, Any] | None) -> Stop | None:
    if d is None:
        return None
    return Stop(int(d["location"]), int(d.get("service", 0)), _tw_from(d.get("window")))


def problem_to_json(p: Problem) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "locations": [{"id": x.id, "lat": x.lat, "lon": x.lon} for x in p.locations],
        "matrix": {
            "durations": p.matrix.durations,
            "distances": p.matrix.distances,
            "model": p.matrix.model,
        },
        "vehicles": [
            {
                "id": v.id,
                "seats": v.seats,
                "start": v.start,
                "end": v.end,
                "shift": _tw(v.shift),
                "skills": sorted(v.skills),
                "max_driving": v.max_driving,
                "max_duration": v.max_duration,
            }
            for v in p.vehicles
        ],
        "tasks": [
            {
                "id": t.id,
                "pickup": _pstop(t.pickup),
                "delivery": _pstop(t.delivery),
                "passengers": t.passengers,
                "urgency": t.urgency.value,
                "skills": sorted(t.skills),
                "locked_vehicle": t.locked_vehicle,
                "max_ride": t.max_ride,
                "allow_detour": t.allow_detour,
            }
            for t in p.tasks
        ],
        "states": [
            {
                "vehicle": s.vehicle,
                "location": s.location,
                "time": s.time,
                "done": list(s.done),
                "on_board": list(s.on_board),
                "picked_up_at": dict(s.picked_up_at),
            }
            for s in p.states
        ],
        "previous": None if p.previous is None else plan_to_json(p.previous),
        "ride_rule": {"slack": p.ride_rule.slack, "factor": p.ride_rule.factor},
        "vehicle_matrices": {
            vid: {"durations": m.durations, "distances": m.distances, "model": m.model}
            for vid, m in p.vehicle_matrices.items()
        },
    }


def problem_from_json(d: dict[str, Any]) -> Problem:
    m = d["matrix"]
    return Problem(
        locations=[Location(x["id"], float(x["lat"]), float(x["lon"])) for x in d["locations"]],
        matrix=TravelMatrix(m["durations"], m["distances"], m.get("model", "haversine")),
        vehicles=[
            Vehicle(
                id=v["id"],
                seats=int(v["seats"]),
                start=int(v["start"]),
                end=int(v["end"]),
                shift=TimeWindow(*v["shift"]),
                skills=frozenset(v.get("skills", [])),
                max_driving=v.get("max_driving"),
                max_duration=v.get("max_duration"),
            )
            for v in d["vehicles"]
        ],
        tasks=[
            Task(
                id=t["id"],
                pickup=_pstop_from(t["pickup"]),  # type: ignore[arg-type]
                delivery=_pstop_from(t.get("delivery")),
                passengers=int(t.get("passengers", 0)),
                urgency=Urgency(t.get("urgency", "segera")),
                skills=frozenset(t.get("skills", [])),
                locked_vehicle=t.get("locked_vehicle"),
                max_ride=t.get("max_ride"),
                allow_detour=bool(t.get("allow_detour", False)),
            )
            for t in d["tasks"]
        ],
        states=[
            VehicleState(
                vehicle=s["vehicle"],
                location=int(s["location"]),
                time=int(s["time"]),
                done=tuple(s.get("done", [])),
                on_board=tuple(s.get("on_board", [])),
                picked_up_at=s.get("picked_up_at", {}),
            )
            for s in d.get("states", [])
        ],
        previous=None if d.get("previous") is None else plan_from_json(d["previous"]),
        ride_rule=RideRule(**d["ride_rule"]) if "ride_rule" in d else RideRule(),
        vehicle_matrices={
            vid: TravelMatrix(m["durations"], m["distances"], m.get("model", "haversine"))
            for vid, m in d.get("vehicle_matrices", {}).items()
        },
    )
