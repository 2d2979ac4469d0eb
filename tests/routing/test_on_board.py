"""A re-plan keeps the ride rules of a survivor already on board (VehicleState.on_board):
the maximum ride time counted from the pickup (VehicleState.picked_up_at), and a darurat
transport goes straight to its drop-off. Each rule has a test that fails without it."""

from __future__ import annotations

import json

from routing_helpers import H, car, make_problem

from routing.check import check
from routing.model import Stop, Task, TimeWindow, Urgency, VehicleState
from routing.serialize import problem_from_json, problem_to_json
from routing.solver import max_ride_seconds, on_board_rules, solve

FAST = {"time_limit": 2.0, "solution_limit": 200}

# depot (index 0) beyond the drop-off; the car is at 1 with the survivor, a home visit is
# just beside it: visiting first drives 35.6 km, dropping off first 71 km.
PTS = [(40, 0), (10, 0), (10, 5), (30, 0), (10, -5)]
NOW = 9 * H


def seq(plan, vehicle="V1"):
    r = next(r for r in plan.routes if r.vehicle == vehicle)
    return [(s.task, s.kind.value) for s in r.stops if s.task]


def solved(problem, **kw):
    plan = solve(problem, **{**FAST, **kw})
    assert check(problem, plan) == []
    return plan


def survivor_and_visit(urgency, visit_minutes=45, picked_up_at=None, **task):
    s = Task("s", Stop(1, 300), Stop(3, 300), passengers=2, urgency=urgency, **task)
    visit = Task("v", Stop(2, visit_minutes * 60), urgency=Urgency.SEGERA)
    p = make_problem(PTS, [car("V1")], [s, visit])
    picked = {} if picked_up_at is None else {"s": picked_up_at}
    p.states = [VehicleState("V1", 1, NOW, (), ("s",), picked)]
    return p


def test_on_board_darurat_is_delivered_before_a_nearby_visit():
    p = survivor_and_visit(Urgency.DARURAT)  # no pickup time: no deadline, still straight
    plan = solved(p)
    assert seq(plan) == [("s", "delivery"), ("v", "visit")]
    # the same survivor allowed a detour is taken along the visit (it drives less)
    detour = solved(survivor_and_visit(Urgency.DARURAT, allow_detour=True))
    assert seq(detour) == [("v", "visit"), ("s", "delivery")]
    assert detour.driving < plan.driving
    # a visit opening at noon after it: the car still leaves now, it does not wait at the
    # start with the survivor on board to shorten its day
    p.tasks[1] = Task("v", Stop(2, 2700, TimeWindow(12 * H, 13 * H)))
    plan = solved(p)
    assert seq(plan) == [("s", "delivery"), ("v", "visit")]
    assert plan.routes[0].stops[0].departure == NOW


def test_two_darurat_on_board_are_both_delivered_before_any_other_stop():
    tasks = [
        Task("s1", Stop(1, 300), Stop(3, 300), passengers=1, urgency=Urgency.DARURAT),
        Task("s2", Stop(1, 300), Stop(4, 300), passengers=1, urgency=Urgency.DARURAT),
        Task("v", Stop(2, 600), urgency=Urgency.SEGERA),
    ]
    p = make_problem(PTS, [car("V1")], tasks)
    p.states = [VehicleState("V1", 1, NOW, (), ("s1", "s2"))]
    plan = solved(p)
    assert sorted(seq(plan)[:2]) == [("s1", "delivery"), ("s2", "delivery")]
    assert seq(plan)[2] == ("v", "visit")
    assert not plan.unserved


def test_ride_deadline_of_an_on_board_transport_forbids_a_long_detour():
    # a segera transport left its pickup at NOW: 20 km direct (1200 s), limit 2400 s; the
    # 45-min visit on the way would make the ride 4237 s
    p = survivor_and_visit(Urgency.SEGERA, picked_up_at=NOW)
    assert on_board_rules(p, p.states[0]) == {"s": (NOW + 2400, False)}
    plan = solved(p)
    assert seq(plan) == [("s", "delivery"), ("v", "visit")]
    drop = plan.routes[0].stops[1]
    assert drop.arrival + drop.wait <= NOW + max_ride_seconds(p, p.tasks[0])
    # without a pickup time (old behaviour) the detour is taken: it drives less
    free = solved(survivor_and_visit(Urgency.SEGERA))
    assert seq(free) == [("v", "visit"), ("s", "delivery")]
    # a short visit fits within the limit: the detour is taken with the deadline too
    short = solved(survivor_and_visit(Urgency.SEGERA, visit_minutes=5, picked_up_at=NOW))
    assert seq(short) == [("v", "visit"), ("s", "delivery")]


def test_retimed_plan_keeps_the_ride_deadline():
    # the home visit opens at noon: the shortest day would leave at the last moment and
    # keep the survivor in the car all morning; the deadline keeps the drop-off early
    s = Task("s", Stop(1, 300), Stop(3, 300), passengers=2)
    visit = Task("v", Stop(2, 2700, TimeWindow(12 * H, 12 * H + 1800)))
    p = make_problem(PTS, [car("V1")], [s, visit])
    p.states = [VehicleState("V1", 1, NOW, (), ("s",), {"s": NOW})]
    plan = solved(p)
    assert seq(plan) == [("s", "delivery"), ("v", "visit")]
    drop = plan.routes[0].stops[1]
    assert drop.arrival + drop.wait <= NOW + 2400


def test_checker_reports_on_board_rules_broken():
    free = survivor_and_visit(Urgency.SEGERA)  # no pickup time, not darurat: no rule
    plan = solved(free)
    assert seq(plan) == [("v", "visit"), ("s", "delivery")]
    timed = survivor_and_visit(Urgency.SEGERA, picked_up_at=NOW)
    assert any("after its ride deadline" in e for e in check(timed, plan))
    for straight in [
        survivor_and_visit(Urgency.DARURAT),
        survivor_and_visit(Urgency.SEGERA, picked_up_at=NOW - 2 * H),
    ]:
        assert any("on-board s delivered after stop 1" in e for e in check(straight, plan))


def test_already_late_survivor_is_delivered_next_and_not_dropped():
    # picked up two hours ago: the 2400 s limit has passed, the car must go there now
    p = survivor_and_visit(Urgency.SEGERA, picked_up_at=NOW - 2 * H)
    assert on_board_rules(p, p.states[0]) == {"s": (None, True)}
    plan = solved(p)
    assert seq(plan) == [("s", "delivery"), ("v", "visit")]
    assert not plan.unserved
    assert plan.routes[0].stops[0].departure == NOW  # it leaves at once


def test_on_board_rules_never_drop_a_survivor_in_a_tight_day():
    # four survivors on board of V1: d1 darurat (its direct-trip deadline already missed),
    # d2 darurat (pickup time unknown), "late" two hours over, "ok" with a 3-h limit that
    # the car meets after the three others; visits and transports all around, a second
    # car. The very first solution already serves every survivor.
    pts = [(0, 0), (10, 0), (30, 0), (-20, 5), (12, 3), (8, -2), (11, 1), (9, 4), (25, 10)]
    tasks = [
        Task("d1", Stop(1, 300), Stop(2, 300), passengers=1, urgency=Urgency.DARURAT),
        Task("d2", Stop(1, 300), Stop(3, 300), passengers=1, urgency=Urgency.DARURAT),
        Task("late", Stop(1, 300), Stop(8, 300), passengers=2),
        Task("ok", Stop(1, 300), Stop(2, 300), passengers=1, max_ride=3 * H),
    ]
    for i, loc in enumerate([4, 5, 6, 7, 8, 4, 6]):
        urgency = [Urgency.DARURAT, Urgency.SEGERA, Urgency.TERJADWAL][i % 3]
        tasks.append(Task(f"v{i}", Stop(loc, 2700, TimeWindow(9 * H, 11 * H)), urgency=urgency))
    tasks.append(Task("t", Stop(5, 300), Stop(3, 300), passengers=2, urgency=Urgency.DARURAT))
    p = make_problem(pts, [car("V1", seats=5), car("V2", seats=3)], tasks)
    picked = {"d1": NOW - 600, "late": NOW - 3 * H, "ok": NOW - 300}
    p.states = [VehicleState("V1", 1, NOW, (), ("d1", "d2", "late", "ok"), picked)]
    straight = {"d1": (None, True), "d2": (None, True), "late": (None, True)}
    assert on_board_rules(p, p.states[0]) == {**straight, "ok": (NOW + 3 * H - 300, False)}
    runs = [{"solution_limit": 1}, {"solution_limit": 1, "staged": False}, {"solution_limit": 50}]
    for kw in runs:
        plan = solved(p, **kw)
        assert not {"d1", "d2", "late", "ok"} & {u.task for u in plan.unserved}
        first = {t for t, _ in seq(plan)[:3]}
        assert first == {"d1", "d2", "late"}
    # warm starts from a previous plan that delivered them last, or not at all (planned
    # before they were on board of V1): re-planned, they are still first
    r = next(r for r in plan.routes if r.vehicle == "V1")
    on_board = {"d1", "d2", "late", "ok"}
    others = [s for s in r.stops[1:-1] if s.task not in on_board]
    mine = [s for s in r.stops[1:-1] if s.task in on_board]
    for middle in [others + mine, others]:
        r.stops[1:-1] = middle
        p.previous = plan
        for kw in [{"solution_limit": 1}, {"solution_limit": 1, "staged": False}]:
            again = solved(p, **kw)
            assert {t for t, _ in seq(again)[:3]} == {"d1", "d2", "late"}
            assert not on_board & {u.task for u in again.unserved}


def test_picked_up_at_round_trips_and_stays_hashable():
    p = survivor_and_visit(Urgency.SEGERA, picked_up_at=NOW - 600)
    st = p.states[0]
    assert st.picked_up_at == (("s", NOW - 600),)
    assert st.pickup_times == {"s": NOW - 600}
    assert hash(st) == hash(VehicleState("V1", 1, NOW, (), ("s",), (("s", NOW - 600),)))
    d = json.loads(json.dumps(problem_to_json(p)))
    assert d["states"][0]["picked_up_at"] == {"s": NOW - 600}
    assert problem_from_json(d) == p
    # older JSON without the field: no pickup times
    del d["states"][0]["picked_up_at"]
    assert problem_from_json(d).states[0].picked_up_at == ()


def test_first_solution_starts_from_the_survivors_on_board():
    # Found by a random search: left to itself, the first-solution heuristic inserts the
    # three transports first, in an order that leaves no room in front of them for the
    # late survivor's drop-off (the 13:00-15:00 pickup would be missed), and drops it.
    # The first solution starts from the on-board drop-offs instead.
    pts = [(0, 0), (18, -1), (11, -48), (7, 36), (-50, -10), (-14, 42), (-5, -22), (-11, 37)]
    tasks = [
        Task("late", Stop(0, 300), Stop(3, 0), passengers=1),
        Task("a", Stop(4, 300, TimeWindow(13 * H, 15 * H)), Stop(5, 300), 2, Urgency.TERJADWAL),
        Task("b", Stop(6, 300), Stop(1, 300), 3, Urgency.TERJADWAL, allow_detour=True),
        Task("c", Stop(1, 300), Stop(7, 300), passengers=2, urgency=Urgency.DARURAT),
    ]
    p = make_problem(pts, [car("V1", shift=TimeWindow(7 * H, 18 * H))], tasks)
    p.states = [VehicleState("V1", 2, 10 * H, (), ("late",), {"late": 10 * H - 3600})]
    assert on_board_rules(p, p.states[0]) == {"late": (None, True)}
    for kw in [{"solution_limit": 1, "staged": False}, {"solution_limit": 1}]:
        plan = solved(p, **kw)
        assert seq(plan)[0] == ("late", "delivery")
        assert not plan.unserved
