"""The planner searches in a worker process, so the server keeps answering meanwhile.

OR-Tools holds Python's GIL for its whole search; in a thread of the web process a plan
would freeze every page, every submission and every driver's report until it ends.
"""

from __future__ import annotations

import random
import threading
import time

from dispatch.services import solving
from routing.check import check
from routing.model import Stop, Task
from tests.routing.routing_helpers import car, make_problem


def _day(n: int = 60):
    rng = random.Random(3)
    pts = [(0.0, 0.0), (1.0, 1.0)] + [
        (rng.uniform(-60, 60), rng.uniform(-60, 60)) for _ in range(n)
    ]
    tasks = [Task(f"t{i}", Stop(2 + i, 900), Stop(1, 600), passengers=1) for i in range(n)]
    return make_problem(pts, [car(f"V{k}") for k in range(4)], tasks)


def test_the_process_keeps_running_python_while_the_solver_searches():
    problem = _day()
    result = {}
    worker = threading.Thread(
        target=lambda: result.setdefault("plan", solving.solve(problem, time_limit=3))
    )
    worker.start()
    ticks, gaps, last = 0, [], time.perf_counter()
    while worker.is_alive():
        time.sleep(0.01)
        now = time.perf_counter()
        gaps.append(now - last)
        last, ticks = now, ticks + 1
    worker.join()
    # A three-second search: this thread woke up all along, never stalled for a second.
    assert ticks > 100 and max(gaps) < 1.0, (ticks, max(gaps))
    plan = result["plan"]
    assert sum(len(r.tasks) for r in plan.routes) > 0 and check(problem, plan) == []


def test_the_same_plan_as_in_process_and_a_dead_worker_is_replaced():
    from routing.solver import solve

    problem = _day(20)
    here = solve(problem, time_limit=5, solution_limit=50)
    there = solving.solve(problem, time_limit=5, solution_limit=50)
    assert [r.tasks for r in there.routes] == [r.tasks for r in here.routes]
    for proc in list(solving._executor()._processes.values()):
        proc.kill()
        proc.join()
    again = solving.solve(problem, time_limit=5, solution_limit=50)
    assert [r.tasks for r in again.routes] == [r.tasks for r in here.routes]


def test_the_solver_worker_ends_when_the_server_is_killed(tmp_path):
    """`kill -9` of the server runs no shutdown: the worker notices on its own and ends,
    instead of holding a core and memory as an orphan."""
    import os
    import subprocess
    import sys
    import time

    script = (
        "import os, sys\n"
        "from dispatch.services import solving\n"
        "print(solving.start().result(timeout=120), flush=True)\n"
        "os._exit(0)  # as a killed server: no shutdown, no atexit\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, cwd=os.getcwd()
    )
    worker = int(out.stdout.strip().splitlines()[-1])

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # a zombie (ended, not yet reaped by init) counts as ended
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1].split()[0] != "Z"

    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(worker)
