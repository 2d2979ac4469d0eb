"""tighten: the same routes with the schedule a dispatcher expects (no idle time for nothing)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from routing_helpers import H, car, make_problem

from routing.check import check
from routing.model import (
    RideRule,
    Stop,
    StopKind,
    Task,
    TimeWindow,
    Urgency,
    Vehicle,
    VehicleState,
)
from routing.schedule import tighten
from routing.solver import max_ride_seconds, solve


def plan_for(problem):
    return solve(problem, time_limit=2, solution_limit=50)


def stop(route, task, kind):
    return next(s for s in route.stops if s.task == task and s.kind is kind)


def loosen(plan, at, idle):
    """The same plan with `idle` seconds of waiting before stop `at` of the first route."""
    route = plan.routes[0]
    stops = list(route.stops[:at])
    for i, s in enumerate(route.stops[at:]):
        extra = dict(wait=s.wait + idle) if i == 0 else dict(arrival=s.arrival + idle)
        stops.append(replace(s, departure=s.departure + idle, **extra))
    return replace(plan, routes=[replace(route, stops=stops), *plan.routes[1:]])


def begin(s):
    return s.arrival + s.wait


def test_one_request_day_has_no_long_wait_and_returns_early():
    # depot, a village 26 km away, the hospital; 60 km/h, 07:00-17:00 shift
    p = make_problem(
        [(0, 0), (26, 0), (40, 10)], [car()], [Task("r1", Stop(1, 900), Stop(2, 600), passengers=1)]
    )
    # the solver's raw Time cumuls could be any feasible times, e.g. three idle hours at
    # the village before the pickup: build such a plan by hand
    raw = loosen(plan_for(p), at=1, idle=3 * H)
    assert check(p, raw) == []
    assert stop(raw.routes[0], "r1", StopKind.PICKUP).wait == 3 * H

    plan = tighten(p, raw)
    assert check(p, plan) == []
    dur = p.matrix.durations
    start, pick, drop, end = plan.routes[0].stops
    assert start.departure == 7 * H
    assert pick.arrival == 7 * H + dur[0][1] and pick.wait == 0
    assert pick.departure == pick.arrival + 900
    assert drop.arrival == pick.departure + dur[1][2] and drop.wait == 0
    assert end.arrival == drop.departure + dur[2][0] and end.wait == 0
    assert end.arrival < 10 * H
    assert plan.routes[0].span < raw.routes[0].span
    # the input plan is left alone
    assert stop(raw.routes[0], "r1", StopKind.PICKUP).wait == 3 * H


def test_late_window_leaves_the_depot_late_instead_of_waiting_there():
    p = make_problem(
        [(0, 0), (30, 0)], [car()], [Task("v", Stop(1, 600, TimeWindow(13 * H, 14 * H)))]
    )
    plan = tighten(p, plan_for(p))
    assert check(p, plan) == []
    start, visit, end = plan.routes[0].stops
    assert start.departure == 13 * H - p.matrix.durations[0][1]  # 12:30
    assert visit.arrival == 13 * H and visit.wait == 0
    assert end.arrival == 13 * H + 600 + p.matrix.durations[1][0]


def test_max_ride_waits_before_the_pickup_not_with_the_passenger():
    # a visit fixed early, then a transport whose drop-off opens at 14:00
    p = make_problem(
        [(0, 0), (10, 0), (20, 0), (40, 0)],
        [car()],
        [
            Task("v", Stop(1, 300, TimeWindow(8 * H, 8 * H + 900))),
            Task(
                "r",
                Stop(2, 300),
                Stop(3, 300, TimeWindow(14 * H, 14 * H + 1800)),
                passengers=1,
                max_ride=1800,
            ),
        ],
    )
    plan = tighten(p, plan_for(p))
    assert check(p, plan) == []
    route = plan.routes[0]
    assert [s.task for s in route.stops[1:-1]] == ["v", "r", "r"]
    pick, drop = stop(route, "r", StopKind.PICKUP), stop(route, "r", StopKind.DELIVERY)
    limit = max_ride_seconds(p, p.tasks[1])
    assert begin(drop) == 14 * H
    assert begin(drop) - pick.departure <= limit
    assert pick.wait > 4 * H  # the long wait is before the passenger gets in
    assert drop.wait <= limit - p.matrix.durations[2][3]


def test_replan_starts_at_the_state_time_and_keeps_done_stops():
    p = make_problem(
        [(0, 0), (10, 0), (20, 5), (30, 0)],
        [car()],
        [
            Task("x", Stop(1, 600)),
            Task("y", Stop(2, 600)),
            Task("z", Stop(1, 300), Stop(3, 300), passengers=2),
        ],
    )
    p.previous = plan_for(p)
    p.states = [VehicleState("V1", 1, 11 * H, ("x",), ("z",))]
    raw = plan_for(p)
    plan = tighten(p, raw)
    assert check(p, plan) == []
    route = plan.routes[0]
    assert route.stops[0].location == 1
    assert route.stops[0].departure == 11 * H  # nothing asks for later, never earlier
    assert all(s.arrival >= 11 * H and s.wait == 0 for s in route.stops)
    assert [s.task for s in route.done] == ["x"]
    assert route.done == raw.routes[0].done
    assert [(s.task, s.kind, s.load) for s in route.stops] == [
        (s.task, s.kind, s.load) for s in raw.routes[0].stops
    ]


def test_a_route_whose_times_cannot_hold_keeps_its_times():
    p = make_problem([(0, 0), (30, 0)], [car()], [Task("v", Stop(1, 600))])
    raw = plan_for(p)
    # the same plan against a window the sequence cannot reach: nothing is invented
    q = replace(p, tasks=[Task("v", Stop(1, 600, TimeWindow(7 * H, 7 * H + 60)))])
    assert tighten(q, raw).routes[0].stops == raw.routes[0].stops


@st.composite
def problems(draw):
    n_pts = draw(st.integers(3, 6))
    pts = [(0.0, 0.0)] + [
        (draw(st.integers(-50, 50)), draw(st.integers(-50, 50))) for _ in range(n_pts - 1)
    ]
    vehicles = []
    for k in range(draw(st.integers(1, 2))):
        s0 = draw(st.sampled_from([7, 8])) * H
        vehicles.append(
            Vehicle(
                f"V{k}",
                draw(st.integers(1, 4)),
                0,
                0,
                TimeWindow(s0, s0 + draw(st.sampled_from([6, 10])) * H),
                max_driving=draw(st.sampled_from([None, 3 * H])),
            )
        )

    def stop():
        w = None
        if draw(st.booleans()):
            a = draw(st.integers(7, 15)) * H
            w = TimeWindow(a, a + draw(st.sampled_from([0, 1, 3])) * H)
        return Stop(draw(st.integers(0, n_pts - 1)), draw(st.sampled_from([0, 300, 1800])), w)

    tasks = [
        Task(
            f"t{i}",
            stop(),
            stop() if draw(st.booleans()) else None,
            passengers=draw(st.integers(0, 2)),
            urgency=draw(st.sampled_from(list(Urgency))),
            max_ride=draw(st.sampled_from([None, None, 3600])),
            allow_detour=draw(st.booleans()),
        )
        for i in range(draw(st.integers(1, 6)))
    ]
    rule = RideRule(
        slack=draw(st.sampled_from([600, 2700])), factor=draw(st.sampled_from([1.2, 2]))
    )
    p = make_problem(pts, vehicles, tasks, ride_rule=rule)
    if draw(st.booleans()):
        carried = [t.id for t in tasks if t.is_transport and t.passengers <= vehicles[0].seats]
        p.states = [
            VehicleState(
                "V0",
                draw(st.integers(0, n_pts - 1)),
                vehicles[0].shift.start + draw(st.integers(0, 3)) * H,
                (),
                tuple(carried[:1]),
            )
        ]
    return p


def sequences(plan):
    return {r.vehicle: [(s.task, s.kind, s.location, s.load) for s in r.stops] for r in plan.routes}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_tightened_plans_are_feasible_same_routes_and_never_longer(problem):
    raw = solve(problem, time_limit=0.5, solution_limit=20)
    plan = tighten(problem, raw)
    assert check(problem, plan) == []
    assert sequences(plan) == sequences(raw)
    assert [u.task for u in plan.unserved] == [u.task for u in raw.unserved]
    assert (plan.distance, plan.driving) == (raw.distance, raw.driving)
    for new, old in zip(plan.routes, raw.routes, strict=True):
        assert new.span <= old.span
    again = tighten(problem, plan)  # already tight: nothing moves
    assert [[(s.arrival, s.departure) for s in r.stops] for r in again.routes] == [
        [(s.arrival, s.departure) for s in r.stops] for r in plan.routes
    ]
