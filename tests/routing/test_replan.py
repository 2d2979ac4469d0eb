"""Re-plan from the vehicles' state, warm start, determinism, JSON."""

from __future__ import annotations

import json

from routing_helpers import H, car, make_problem

from routing.check import check
from routing.model import Stop, Task, TimeWindow, Urgency, VehicleState
from routing.serialize import plan_from_json, plan_to_json, problem_from_json, problem_to_json
from routing.solver import solve

PTS = [(0, 0), (10, 0), (20, 5), (30, 0), (15, -8), (5, 12), (25, 10)]


def day():
    tasks = [
        Task("a", Stop(1, 600), Stop(3, 600), passengers=2),
        Task("b", Stop(2, 600), Stop(3, 600), passengers=1, urgency=Urgency.DARURAT),
        Task("c", Stop(4, 2700)),
        Task("d", Stop(5, 600), Stop(0, 300), passengers=3, urgency=Urgency.TERJADWAL),
        Task("e", Stop(6, 3600, TimeWindow(10 * H, 14 * H))),
    ]
    return make_problem(PTS, [car("V1"), car("V2", seats=4)], tasks)


def order(plan):
    return [(r.vehicle, [(s.task, s.kind.value) for s in r.stops if s.task]) for r in plan.routes]


def test_same_input_same_plan_with_solution_limit():
    p = day()
    one = solve(p, time_limit=5, solution_limit=300)
    two = solve(p, time_limit=5, solution_limit=300)
    assert order(one) == order(two)
    assert plan_to_json(one)["routes"] == plan_to_json(two)["routes"]


def test_warm_start_keeps_the_previous_plan():
    p = day()
    first = solve(p, time_limit=2, solution_limit=300)
    p.previous = first
    again = solve(p, time_limit=2, solution_limit=1)
    assert order(again) == order(first)
    assert check(p, again) == []


def test_replan_midday_keeps_done_and_delivers_on_board():
    p = day()
    plan = solve(p, time_limit=2, solution_limit=300)
    assert check(p, plan) == []

    # a vehicle at a pickup after at least one task it completed: those tasks are done,
    # the transport picked up is on board
    def finished_before(route, i):
        before = {s.task for s in route.stops[:i] if s.task}
        after = {s.task for s in route.stops[i:] if s.task}
        return sorted(before - after)

    route, pick, done_ok = next(
        (r, s, finished_before(r, i))
        for r in plan.routes
        for i, s in enumerate(r.stops)
        if s.kind.value == "pickup" and finished_before(r, i)
    )
    state = VehicleState(route.vehicle, pick.location, pick.departure, tuple(done_ok), (pick.task,))
    p.states = [state]
    p.previous = plan
    replan = solve(p, time_limit=2, solution_limit=300)
    assert check(p, replan) == []
    new = next(r for r in replan.routes if r.vehicle == route.vehicle)
    assert new.stops[0].location == pick.location
    assert new.stops[0].departure >= pick.departure
    assert new.stops[0].load == next(t for t in p.tasks if t.id == pick.task).passengers
    kinds = [(s.task, s.kind.value) for s in new.stops if s.task]
    assert (pick.task, "delivery") in kinds and (pick.task, "pickup") not in kinds
    served = {t for r in replan.routes for t in r.tasks}
    assert not served & set(done_ok)
    assert not {u.task for u in replan.unserved} & set(done_ok)
    assert done_ok and sorted({s.task for s in new.done}) == done_ok
    # warm-started from the re-plan itself (the service's quick plan, then the full search)
    p.previous = replan
    again = solve(p, time_limit=2, solution_limit=300)
    later = next(r for r in again.routes if r.vehicle == route.vehicle)
    assert sorted({s.task for s in later.done}) == done_ok


def test_on_board_passenger_stays_on_that_vehicle():
    p = day()
    p.states = [VehicleState("V2", 2, 9 * H, (), ("a",))]  # V2 carries a's passengers
    plan = solve(p, time_limit=2, solution_limit=300)
    assert check(p, plan) == []
    v2 = next(r for r in plan.routes if r.vehicle == "V2")
    assert ("a", "delivery") in [(s.task, s.kind.value) for s in v2.stops]


def test_json_round_trip():
    p = day()
    plan = solve(p, time_limit=1, solution_limit=100)
    p.previous = plan
    p.states = [VehicleState("V1", 1, 9 * H, ("c",), ())]
    p.vehicle_matrices = {"V2": p.matrix}
    d = json.loads(json.dumps(plan_to_json(plan)))
    assert plan_from_json(d) == plan
    dp = json.loads(json.dumps(problem_to_json(p)))
    assert problem_from_json(dp) == p


def test_on_board_delivery_is_not_moved_to_another_vehicle():
    # V1 visits the drop-off anyway, V2 (carrying z) is far: only the on-board rule keeps z
    # on V2 (no passengers counted, so seats do not force it either)
    pts = [(0, 0), (0, 20), (40, 0)]
    tasks = [
        Task("w", Stop(1, 600), locked_vehicle="V1"),
        Task("z", Stop(2, 60), Stop(1, 60), passengers=0),
    ]
    p = make_problem(pts, [car("V1"), car("V2")], tasks)
    p.states = [VehicleState("V2", 2, 8 * H, (), ("z",))]
    plan = solve(p, time_limit=2, solution_limit=300)
    assert check(p, plan) == []
    v2 = next(r for r in plan.routes if r.vehicle == "V2")
    assert ("z", "delivery") in [(s.task, s.kind.value) for s in v2.stops]
