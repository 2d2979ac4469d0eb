"""The first solution for a Kukar-size day is already a plan a dispatcher can use.

How fast it comes is measured by `bench/vrp.py kukar` (first_seconds), not here.
"""

from __future__ import annotations

import random

from routing_helpers import H, car, make_problem

from routing.check import check
from routing.model import Stop, Task, TimeWindow, Urgency
from routing.solver import solve


def test_first_solution_for_80_tasks_is_a_feasible_plan():
    rng = random.Random(7)
    pts = [(0.0, 0.0), (2.0, 1.0), (1.0, -2.0)] + [
        (rng.uniform(-25, 25), rng.uniform(-25, 25)) for _ in range(80)
    ]
    tasks = []
    for i in range(80):
        urgency = rng.choice(list(Urgency))
        window = None
        if urgency is Urgency.TERJADWAL and rng.random() < 0.5:
            a = rng.randrange(9, 13) * H
            window = TimeWindow(a, a + 3 * H)
        if rng.random() < 0.7:
            tasks.append(
                Task(
                    f"t{i}",
                    Stop(3 + i, 900, window),
                    Stop(rng.choice([1, 2]), 600),
                    passengers=rng.choice([1, 2, 3]),
                    urgency=urgency,
                )
            )
        else:
            tasks.append(Task(f"t{i}", Stop(3 + i, 3600, window), urgency=urgency))
    shift = TimeWindow(7 * H + 1800, 16 * H)
    p = make_problem(pts, [car(f"V{k}", shift=shift) for k in range(5)], tasks)
    plan = solve(p, time_limit=5, solution_limit=1)  # as the planning page's quick plan
    assert plan.first_solution_seconds is not None
    assert check(p, plan) == []
    served = {t for r in plan.routes for t in r.tasks}
    # an overloaded day: every task is either on a vehicle or explained
    assert served and plan.unserved
    assert served | {u.task for u in plan.unserved} == {t.id for t in tasks}
    assert all(u.message for u in plan.unserved)
    # staged by urgency already in the first plan: emergencies first, and the next
    # urgency too (a warm-started stage must not stop at the previous stage's routes)
    rate = {
        level: sum(t.id in served for t in tasks if t.urgency is level)
        / sum(t.urgency is level for t in tasks)
        for level in Urgency
    }
    assert rate[Urgency.DARURAT] > rate[Urgency.SEGERA] > rate[Urgency.TERJADWAL]
