"""Why a request is not served: the reasons come from a diagnosis of the plan."""

from __future__ import annotations

from routing_helpers import H, car, make_problem

from routing.check import check
from routing.diagnose import MESSAGES, explain_dropped
from routing.model import (
    Plan,
    RideRule,
    Stop,
    Task,
    TimeWindow,
    Unserved,
    UnservedReason,
    Urgency,
    VehicleState,
)
from routing.serialize import plan_from_json, plan_to_json
from routing.solver import solve

FAST = {"time_limit": 2.0, "solution_limit": 200}


def solved(problem):
    plan = solve(problem, **FAST)
    assert check(problem, plan) == []
    return plan


def reasons(plan):
    return {u.task: u.reason for u in plan.unserved}


def explained(problem, plan):
    """What ``explain_dropped`` says of the plan's dropped tasks, given the plan's routes."""
    served = {t for r in plan.routes for t in r.tasks}
    dropped = [t for t in problem.tasks if t.id in reasons(plan)]
    kept = [t for t in problem.tasks if t.id in served]
    return {u.task: u.reason for u in explain_dropped(problem, dropped, kept, {}, plan.routes)}


def _two_visits(urgency_a: Urgency) -> tuple:
    # one car, two visits in the same half hour, 60 km apart (30 min from the depot each)
    pts = [(0, 0), (30, 0), (-30, 0)]
    w = TimeWindow(9 * H, 9 * H + 1800)
    tasks = [
        Task("a", Stop(1, 600, w), urgency=urgency_a),
        Task("b", Stop(2, 600, w), urgency=Urgency.TERJADWAL),
    ]
    p = make_problem(pts, [car()], tasks)
    return p, solved(p)


def test_same_urgency_is_not_dropped_for_urgent():
    p, plan = _two_visits(Urgency.TERJADWAL)
    assert len(plan.unserved) == 1
    u = plan.unserved[0]
    assert u.reason is UnservedReason.NO_CAPACITY
    assert "more urgent" not in u.message
    assert explained(p, plan) == {u.task: UnservedReason.NO_CAPACITY}


def test_darurat_displacing_terjadwal_is_dropped_for_urgent():
    p, plan = _two_visits(Urgency.DARURAT)
    assert reasons(plan) == {"b": UnservedReason.DROPPED_FOR_URGENT}
    assert explained(p, plan) == {"b": UnservedReason.DROPPED_FOR_URGENT}
    # the same day with the darurat made terjadwal: nothing more urgent took its place
    _, plan2 = _two_visits(Urgency.TERJADWAL)
    assert set(reasons(plan2).values()) == {UnservedReason.NO_CAPACITY}


def test_driving_limit_alone_is_its_own_reason():
    # 70 km away: 140 min of driving for a car allowed 2 h, well within its shift
    pts = [(0, 0), (70, 0)]
    p = make_problem(pts, [car(max_driving=2 * H)], [Task("far", Stop(1, 600))])
    plan = solved(p)
    assert reasons(plan) == {"far": UnservedReason.DRIVING_LIMIT}
    assert "driving" in plan.unserved[0].message
    # without the cap it is served
    assert not solved(make_problem(pts, [car()], p.tasks)).unserved


def test_driving_limit_in_the_plan():
    # each visit alone is within the cap, both together are not; nothing else stops them
    pts = [(0, 0), (60, 0), (-60, 0)]
    tasks = [Task("east", Stop(1, 600)), Task("west", Stop(2, 600))]
    p = make_problem(pts, [car(max_driving=2 * H + 60)], tasks)
    plan = solved(p)
    (dropped,) = reasons(plan)
    assert explained(p, plan) == {dropped: UnservedReason.DRIVING_LIMIT}


def test_window_passed_on_a_replan():
    # the car reports at 12:00; the visit's window was 08:00-10:00
    pts = [(0, 0), (10, 0)]
    tasks = [Task("late", Stop(1, 600, TimeWindow(8 * H, 10 * H))), Task("ok", Stop(1, 600))]
    state = VehicleState("V1", 0, 12 * H)
    plan = solved(make_problem(pts, [car()], tasks, states=[state]))
    assert reasons(plan) == {"late": UnservedReason.WINDOW_PASSED}
    assert "10:00" in plan.unserved[0].message
    # the service re-plans with the shift starting now: still passed, not "outside shifts"
    now_shift = car(shift=TimeWindow(12 * H, 17 * H))
    plan2 = solved(make_problem(pts, [now_shift], tasks, states=[state]))
    assert reasons(plan2) == {"late": UnservedReason.WINDOW_PASSED}
    # a first plan of the day with an afternoon shift: outside every shift, as before
    plan3 = solved(make_problem(pts, [now_shift], tasks))
    assert reasons(plan3) == {"late": UnservedReason.OUTSIDE_SHIFTS}


def test_a_task_that_still_fits_was_stopped_by_the_search():
    # an unused car could take it: the plan's routes leave room for it
    pts = [(0, 0), (10, 0), (20, 0)]
    # a long wait on board unless the pickup waits: the exact ride check finds that it can
    t = Task("t", Stop(1, 300), Stop(2, 300, TimeWindow(12 * H, 13 * H)), passengers=1)
    p = make_problem(pts, [car()], [t], ride_rule=RideRule(slack=1800, factor=2))
    out = explain_dropped(p, [t], [], {}, routes=[])
    assert [u.reason for u in out] == [UnservedReason.SEARCH_STOPPED]
    # without routes the library cannot tell: the fleet is said to be full
    assert [u.reason for u in explain_dropped(p, [t], [], {})] == [UnservedReason.NO_CAPACITY]


def test_every_reason_has_a_message_and_round_trips():
    assert set(MESSAGES) == set(UnservedReason)
    plan = Plan(
        routes=[], unserved=[Unserved(f"t{i}", r, "m") for i, r in enumerate(UnservedReason)]
    )
    back = plan_from_json(plan_to_json(plan))
    assert [u.reason for u in back.unserved] == list(UnservedReason)
