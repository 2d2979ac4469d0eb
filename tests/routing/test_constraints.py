"""Each constraint of the model has a test that fails when the constraint is removed."""

from __future__ import annotations

from dataclasses import replace

from routing_helpers import H, car, make_problem

from routing.check import check
from routing.model import (
    RideRule,
    Stop,
    StopKind,
    Task,
    TimeWindow,
    TravelMatrix,
    UnservedReason,
    Urgency,
)
from routing.solver import max_ride_seconds, solve

FAST = {"time_limit": 2.0, "solution_limit": 200}


def seq(plan, vehicle=None):
    out = []
    for r in plan.routes:
        if vehicle is None or r.vehicle == vehicle:
            out += [(s.task, s.kind.value) for s in r.stops if s.task]
    return out


def solved(problem, **kw):
    plan = solve(problem, **{**FAST, **kw})
    assert check(problem, plan) == []
    return plan


def test_pickup_before_delivery_on_same_vehicle():
    # asymmetric travel: going to the delivery first would be much cheaper
    pts = [(0, 0), (10, 0), (20, 0)]
    p = make_problem(pts, [car("V1"), car("V2")], [Task("t", Stop(2, 300), Stop(1, 300), 1)])
    dur = [row[:] for row in p.matrix.durations]
    dur[0][1] = 60
    dur[1][2] = 60
    dur[2][0] = 60
    dur[0][2] = 5000
    dur[2][1] = 5000
    dur[1][0] = 5000
    p.matrix = TravelMatrix(dur, dur, "test")
    plan = solved(p)
    assert seq(plan) == [("t", "pickup"), ("t", "delivery")]
    assert len(plan.routes) == 1


def test_seats_capacity_is_respected():
    pts = [(0, 0), (10, 0), (11, 0), (30, 0)]
    tasks = [
        Task("a", Stop(1, 60), Stop(3, 60), passengers=3),
        Task("b", Stop(2, 60), Stop(3, 60), passengers=3),
    ]
    plan = solved(make_problem(pts, [car(seats=5)], tasks, ride_rule=RideRule(10 * H, 10)))
    loads = [s.load for s in plan.routes[0].stops]
    assert max(loads) <= 5
    assert not plan.unserved
    # with 6 seats the cheaper shared ride is chosen: the constraint changed the plan
    plan6 = solved(make_problem(pts, [car(seats=6)], tasks, ride_rule=RideRule(10 * H, 10)))
    assert max(s.load for s in plan6.routes[0].stops) == 6
    assert plan6.driving < plan.driving


def test_time_window_forces_order_and_wait():
    pts = [(0, 0), (10, 0), (20, 0)]
    late_near = Task("near", Stop(1, 600, TimeWindow(12 * H, 13 * H)))
    far = Task("far", Stop(2, 600))
    plan = solved(make_problem(pts, [car()], [late_near, far]))
    stops = {s.task: s for s in plan.routes[0].stops if s.task}
    begin = stops["near"].arrival + stops["near"].wait
    assert 12 * H <= begin <= 13 * H
    assert [t for t, _ in seq(plan)] == ["far", "near"] or stops["near"].wait > 0


def test_shift_window_and_unreachable_reason():
    pts = [(0, 0), (300, 0)]  # 5 h each way at 60 km/h
    shift = TimeWindow(8 * H, 16 * H)  # 8 h: cannot do 10 h round trip
    plan = solved(make_problem(pts, [car(shift=shift)], [Task("far", Stop(1, 600))]))
    assert plan.routes == []
    assert plan.unserved[0].reason is UnservedReason.WINDOW_UNREACHABLE
    # with a longer shift it is served, and back before the shift ends
    long_shift = TimeWindow(6 * H, 18 * H)
    plan2 = solved(make_problem(pts, [car(shift=long_shift)], [Task("far", Stop(1, 600))]))
    assert plan2.routes[0].stops[-1].arrival <= 18 * H
    assert plan2.routes[0].stops[0].departure >= 6 * H


def test_max_driving_limits_the_day():
    pts = [(0, 0), (60, 0), (-60, 0)]
    tasks = [Task("east", Stop(1, 600)), Task("west", Stop(2, 600))]
    plan = solved(make_problem(pts, [car(max_driving=2 * H + 60)], tasks))
    assert len(plan.unserved) == 1
    assert plan.routes[0].driving <= 2 * H + 60
    plan2 = solved(make_problem(pts, [car()], tasks))
    assert not plan2.unserved


def test_max_duration_limits_the_route_from_leaving_to_return():
    # Little driving, but a morning visit and an afternoon one: more than 5 h away.
    pts = [(0, 0), (5, 0), (-5, 0)]
    tasks = [
        Task("morning", Stop(1, 1800, TimeWindow(8 * H, 9 * H))),
        Task("afternoon", Stop(2, 1800, TimeWindow(14 * H, 15 * H))),
    ]
    plan = solved(make_problem(pts, [car(max_duration=5 * H)], tasks))
    assert len(plan.unserved) == 1 and plan.routes[0].span <= 5 * H
    # the diagnosis knows the limit too: not "it would still fit"
    assert plan.unserved[0].reason is not UnservedReason.SEARCH_STOPPED
    plan2 = solved(make_problem(pts, [car()], tasks))
    assert not plan2.unserved and plan2.routes[0].span > 5 * H


def test_skills_choose_the_equipped_vehicle():
    pts = [(0, 0), (10, 0)]
    vehicles = [car("plain"), car("equipped", skills=frozenset({"wheelchair"}))]
    t = Task("w", Stop(1, 600), skills=frozenset({"wheelchair"}))
    plan = solved(make_problem(pts, vehicles, [t]))
    assert plan.routes[0].vehicle == "equipped"
    plan2 = solved(make_problem(pts, vehicles[:1], [t]))
    assert plan2.unserved[0].reason is UnservedReason.NO_SKILLED_VEHICLE


def test_lock_to_vehicle():
    pts = [(0, 0), (10, 0)]
    vehicles = [car("V1"), car("V2")]
    plan = solved(make_problem(pts, vehicles, [Task("x", Stop(1, 60), locked_vehicle="V2")]))
    assert plan.routes[0].vehicle == "V2"
    plan2 = solved(make_problem(pts, vehicles, [Task("x", Stop(1, 60), locked_vehicle="V9")]))
    assert plan2.unserved[0].reason is UnservedReason.LOCKED_VEHICLE_UNAVAILABLE


def _detour_problem(urgency_a=Urgency.SEGERA, allow_detour=False, rule=None):
    # A at (10,0) to hospital (40,0); B at (20,3) to the hospital as well.
    pts = [(0, 0), (10, 0), (20, 3), (40, 0)]
    tasks = [
        Task("A", Stop(1, 300), Stop(3, 300), 1, urgency=urgency_a, allow_detour=allow_detour),
        Task("B", Stop(2, 300), Stop(3, 300), 1),
    ]
    kw = {} if rule is None else {"ride_rule": rule}
    return make_problem(pts, [car()], tasks, **kw)


def test_max_ride_time_limits_detours():
    loose = _detour_problem(rule=RideRule(slack=10 * H, factor=10))
    plan = solved(loose)
    assert seq(plan) == [
        ("A", "pickup"),
        ("B", "pickup"),
        ("A", "delivery"),
        ("B", "delivery"),
    ] or seq(plan)[1] == ("B", "pickup")
    tight = _detour_problem(rule=RideRule(slack=60, factor=1.05))
    plan2 = solved(tight)
    for r in plan2.routes:
        times = {(s.task, s.kind): s for s in r.stops if s.task}
        for t in tight.tasks:
            p, d = times.get((t.id, StopKind.PICKUP)), times.get((t.id, StopKind.DELIVERY))
            if p and d:
                assert d.arrival + d.wait - p.departure <= max_ride_seconds(tight, t)
    assert seq(plan2) != seq(plan)


def test_darurat_goes_straight_unless_detour_allowed():
    plan = solved(_detour_problem(Urgency.DARURAT))
    s = seq(plan)
    i = s.index(("A", "pickup"))
    assert s[i + 1] == ("A", "delivery")
    plan2 = solved(_detour_problem(Urgency.DARURAT, allow_detour=True))
    s2 = seq(plan2)
    assert s2[s2.index(("A", "pickup")) + 1] != ("A", "delivery")


def test_urgency_order_on_an_overloaded_day():
    # one car, 4 h shift; a far darurat (costly) and many cheap near requests
    pts = [(0, 0), (80, 0)] + [(5 + i, 1) for i in range(8)]
    shift = TimeWindow(8 * H, 12 * H)
    tasks = [Task("D", Stop(1, 1800), urgency=Urgency.DARURAT)]
    tasks += [Task(f"S{i}", Stop(2 + i, 1800), urgency=Urgency.SEGERA) for i in range(3)]
    tasks += [Task(f"T{i}", Stop(5 + i, 1800), urgency=Urgency.TERJADWAL) for i in range(5)]
    p = make_problem(pts, [car(shift=shift)], tasks)
    plan = solved(p, time_limit=3.0, solution_limit=2000)
    served = set(plan.routes[0].tasks)
    assert "D" in served
    seg = sum(1 for t in served if t.startswith("S"))
    terj = sum(1 for t in served if t.startswith("T"))
    assert seg >= min(3, seg + terj)  # never a terjadwal while a segera is dropped
    assert not (terj > 0 and seg < 3)
    reasons = {u.reason for u in plan.unserved}
    assert reasons <= {UnservedReason.DROPPED_FOR_URGENT}
    assert plan.unserved


def test_unserved_reasons_from_diagnosis():
    pts = [(0, 0), (10, 0), (12, 0)]
    tasks = [
        Task("night", Stop(1, 600, TimeWindow(20 * H, 22 * H))),
        Task("skill", Stop(1, 600), skills=frozenset({"boat"})),
        Task("seats", Stop(1, 600), Stop(2, 600), passengers=7),
        Task("lock", Stop(1, 600), locked_vehicle="nope"),
        Task("window", Stop(1, 600, TimeWindow(7 * H, 7 * H + 60))),  # 10 min drive away
        Task("ok", Stop(2, 600)),
    ]
    plan = solved(make_problem(pts, [car()], tasks))
    reasons = {u.task: u.reason for u in plan.unserved}
    assert reasons == {
        "night": UnservedReason.OUTSIDE_SHIFTS,
        "skill": UnservedReason.NO_SKILLED_VEHICLE,
        "seats": UnservedReason.NOT_ENOUGH_SEATS,
        "lock": UnservedReason.LOCKED_VEHICLE_UNAVAILABLE,
        "window": UnservedReason.WINDOW_UNREACHABLE,
    }
    assert all(u.message for u in plan.unserved)


def test_checker_catches_violations():
    pts = [(0, 0), (10, 0), (20, 0)]
    p = make_problem(pts, [car(seats=2)], [Task("t", Stop(1, 60), Stop(2, 60), passengers=2)])
    plan = solved(p)
    bad = replace(plan.routes[0], stops=list(reversed(plan.routes[0].stops)))
    plan.routes = [bad]
    assert check(p, plan)
    p2 = make_problem(pts, [car(seats=1)], p.tasks)
    assert check(p2, solved(p))  # 2 passengers in 1 seat


def test_vehicle_kind_with_its_own_speed():
    # the slow vehicle (20 km/h) cannot reach the window; the fast one (60 km/h) can
    from routing_helpers import plane

    pts = [(0, 0), (60, 0)]
    t = Task("x", Stop(1, 600, TimeWindow(8 * H, 8 * H + 1800)))
    shift = TimeWindow(7 * H, 17 * H)
    p = make_problem(pts, [car("slow", shift=shift)], [t])
    p.vehicle_matrices = {"slow": plane(pts, kmh=20)}
    plan = solved(p)
    assert plan.unserved[0].reason is UnservedReason.WINDOW_UNREACHABLE
    p2 = make_problem(pts, [car("slow", shift=shift), car("fast", shift=shift)], [t])
    p2.vehicle_matrices = {"slow": plane(pts, kmh=20)}
    plan2 = solved(p2)
    assert [r.vehicle for r in plan2.routes] == ["fast"]
    assert plan2.routes[0].driving == 2 * 3600


def test_an_emergency_is_served_first_even_when_a_later_visit_would_drive_less():
    # On a line: start at 0, end at -40 km; two segera visits east, the darurat one west.
    # Visiting the emergency last drives 20 km less; it would wait two visits for it.
    from routing.model import Vehicle

    pts = [(0, 0), (-40, 0), (10, 0), (20, 0), (-10, 0)]
    visits = [
        Task("s1", Stop(2, 45 * 60), None, 1, urgency=Urgency.SEGERA),
        Task("s2", Stop(3, 45 * 60), None, 1, urgency=Urgency.SEGERA),
        Task("d", Stop(4, 45 * 60), None, 1, urgency=Urgency.DARURAT),
    ]
    p = make_problem(pts, [Vehicle("V1", 5, 0, 1, TimeWindow(7 * H, 17 * H))], visits)
    plan = solved(p)
    assert [t for t, _ in seq(plan)][0] == "d"


def test_reaching_an_emergency_sooner_never_costs_a_served_request():
    # One car. The terjadwal visit east must start by 07:15 and lasts two hours; the
    # emergency west can wait. Serving both reaches the emergency at about 09:10; dropping
    # the visit would reach it at 07:10. Served requests come first, then how soon.
    from routing.model import Vehicle

    pts = [(0, 0), (10, 0), (-10, 0)]
    visits = [
        Task(
            "t", Stop(1, 2 * H, TimeWindow(7 * H, 7 * H + 900)), None, 1, urgency=Urgency.TERJADWAL
        ),
        Task("d", Stop(2, 45 * 60), None, 1, urgency=Urgency.DARURAT),
    ]
    p = make_problem(pts, [Vehicle("V1", 5, 0, 0, TimeWindow(7 * H, 17 * H))], visits)
    plan = solved(p)
    assert plan.unserved == []
    assert [t for t, _ in seq(plan)] == ["t", "d"]


def test_darurat_goes_straight_even_where_a_stop_on_the_way_costs_no_ride_time():
    # A stop exactly on the way, with no time on site and a window that opens as the car
    # passes: the ride limit (the direct trip for an emergency) cannot tell the detour
    # apart, only the straight-there rule forbids it.
    from routing.model import Vehicle

    pts = [(20, 0), (0, 0), (10, 0), (20, 0)]  # depot, pickup, on the way, hospital
    tasks = [
        Task("D", Stop(1, 0), Stop(3, 0), 1, urgency=Urgency.DARURAT),
        Task("C", Stop(2, 0, TimeWindow(7 * H + 25 * 60, 7 * H + 35 * 60)), None, 0),
    ]
    p = make_problem(pts, [Vehicle("V1", 5, 0, 0, TimeWindow(7 * H, 17 * H))], tasks)
    s = seq(solved(p))
    assert s[s.index(("D", "pickup")) + 1] == ("D", "delivery")
    detour = [replace(tasks[0], allow_detour=True), tasks[1]]
    p2 = make_problem(pts, [Vehicle("V1", 5, 0, 0, TimeWindow(7 * H, 17 * H))], detour)
    s2 = seq(solved(p2))
    assert s2[s2.index(("D", "pickup")) + 1] == ("C", "visit")  # what it would do otherwise
