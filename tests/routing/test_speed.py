"""The first plan for a Kukar-size day comes fast (aim: under 1 s for 80 tasks)."""

from __future__ import annotations

import random

from routing_helpers import H, car, make_problem

from routing.check import check
from routing.model import Stop, Task, TimeWindow, Urgency
from routing.solver import solve


def test_first_plan_for_80_tasks_under_a_second():
    rng = random.Random(7)
    pts = [(0.0, 0.0), (2.0, 1.0), (1.0, -2.0)] + [
        (rng.uniform(-80, 80), rng.uniform(-80, 80)) for _ in range(80)
    ]
    tasks = []
    for i in range(80):
        urgency = rng.choice(list(Urgency))
        window = None
        if urgency is Urgency.TERJADWAL and rng.random() < 0.5:
            a = rng.randrange(9, 13) * H
            window = TimeWindow(a, a + 3 * H)
        if rng.random() < 0.7:
            tasks.append(Task(f"t{i}", Stop(3 + i, 900, window), Stop(rng.choice([1, 2]), 600),
                              passengers=rng.choice([1, 2, 3]), urgency=urgency))
        else:
            tasks.append(Task(f"t{i}", Stop(3 + i, 3600, window), urgency=urgency))
    shift = TimeWindow(7 * H + 1800, 16 * H)
    p = make_problem(pts, [car(f"V{k}", shift=shift) for k in range(5)], tasks)
    plan = solve(p, time_limit=5, solution_limit=1, staged=False)
    assert plan.first_solution_seconds is not None and plan.first_solution_seconds < 1.0
    assert check(p, plan) == []
