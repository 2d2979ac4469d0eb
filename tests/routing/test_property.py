"""Every returned plan passes the independent checker, on random small problems."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from routing_helpers import H, make_problem

from routing.check import check
from routing.model import RideRule, Stop, Task, TimeWindow, Urgency, Vehicle, VehicleState
from routing.solver import solve


@st.composite
def problems(draw):
    n_pts = draw(st.integers(3, 7))
    pts = [(0.0, 0.0)] + [
        (draw(st.integers(-60, 60)), draw(st.integers(-60, 60))) for _ in range(n_pts - 1)
    ]
    skills = ["wheelchair", "female"]
    vehicles = []
    for k in range(draw(st.integers(1, 3))):
        s0 = draw(st.sampled_from([7, 8])) * H
        vehicles.append(
            Vehicle(
                f"V{k}",
                draw(st.integers(1, 5)),
                0,
                0,
                TimeWindow(s0, s0 + draw(st.sampled_from([4, 6, 8])) * H),
                skills=frozenset(draw(st.lists(st.sampled_from(skills), max_size=2))),
                max_driving=draw(st.sampled_from([None, 3 * H])),
            )
        )
    tasks = []
    for i in range(draw(st.integers(1, 7))):

        def stop():
            loc = draw(st.integers(0, n_pts - 1))
            w = None
            if draw(st.booleans()):
                a = draw(st.integers(7, 15)) * H
                w = TimeWindow(a, a + draw(st.sampled_from([1, 2, 4])) * H)
            return Stop(loc, draw(st.sampled_from([0, 300, 1800])), w)

        transport = draw(st.booleans())
        tasks.append(
            Task(
                f"t{i}",
                stop(),
                stop() if transport else None,
                passengers=draw(st.integers(0, 4)),
                urgency=draw(st.sampled_from(list(Urgency))),
                skills=frozenset(draw(st.lists(st.sampled_from(skills), max_size=1))),
                locked_vehicle=draw(st.sampled_from([None, "V0", "V9"])),
                allow_detour=draw(st.booleans()),
            )
        )
    rule = RideRule(
        slack=draw(st.sampled_from([600, 2700])), factor=draw(st.sampled_from([1.2, 2.0]))
    )
    p = make_problem(pts, vehicles, tasks, ride_rule=rule)
    if draw(st.booleans()):
        transports = [t.id for t in tasks if t.is_transport and t.passengers <= vehicles[0].seats]
        now = vehicles[0].shift.start + draw(st.integers(0, 3)) * H
        on_board = tuple(transports[: draw(st.integers(1, 2))])
        by_id = {t.id: t for t in tasks}
        if sum(by_id[t].passengers for t in on_board) > vehicles[0].seats:
            on_board = on_board[:1]
        # when each was picked up: unknown, just now, or up to 2 h ago (often too late)
        picked = {t: now - draw(st.sampled_from([0, 600, 1800, 7200])) for t in on_board}
        picked = {t: at for t, at in picked.items() if draw(st.booleans())}
        p.states = [
            VehicleState(
                "V0",
                draw(st.integers(0, n_pts - 1)),
                now,
                tuple(t.id for t in tasks[-1:] if t.id not in on_board),
                on_board,
                picked,
            )
        ]
    return p


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_plan_passes_the_checker(problem):
    plan = solve(problem, time_limit=0.5, solution_limit=20)
    assert check(problem, plan) == []
