"""Times of a plan the way a dispatcher expects them: no idle time nothing requires.

The solver takes each stop's service start from the OR-Tools Time dimension. Those cumuls
are *a* feasible schedule, not the earliest one: with node precedences (pickup before
delivery, maximum ride) the dimension's cumul optimizer sets them, and with no cost on the
time dimension it returns any feasible vertex (e.g. a vehicle that reaches a village at
07:56 and waits there until 15:01 before the pickup).

``tighten`` keeps every route's stop sequence and recomputes its times with a small LP per
route (GLOP), lexicographically:

1. the route's span (back at the end − leaving the start) as short as possible: the
   vehicle leaves as late as it can without making anything later and returns as early
   as it can;
2. then every stop (start and end included) as early as possible.

Variables are the service starts ``t[i]``; the constraints are those of the solver's model:

* ``t[i+1] ≥ t[i] + service[i] + travel[i][i+1]`` (waiting allowed, before the service);
* a task stop's time window; the start and the end within the shift, never before the
  vehicle's state time of a re-plan;
* a transport picked up and delivered on the route: ``t[d] − (t[p] + service[p]) ≤ ride``
  with ``ride = max_ride_seconds`` (the solver's node precedence; pickup before delivery
  and a *darurat* direct trip are given by the sequence);
* a transport already on board (re-plan): its delivery by the deadline of
  ``on_board_rules``, and when it must go straight there the vehicle leaves now
  (the passengers do not wait in the car at the start).

Every constraint is a difference constraint or a bound, so the LP's matrix is totally
unimodular and its vertices are integers: the values are rounded and then checked exactly
in integers. A route whose LP fails or whose rounded times do not check keeps its times.
Driving, distance, loads and a re-plan's ``done`` stops do not depend on the times and are
kept. A stop's ``wait`` is its service start − its arrival; ``departure`` is the service
start + service.
"""

from __future__ import annotations

from dataclasses import replace

from ortools.linear_solver import pywraplp

from routing.model import Plan, PlannedStop, Problem, Route, StopKind, Task, Vehicle, VehicleState

# (i, j, c): t[j] - t[i] <= c
_Diff = tuple[int, int, int]


def tighten(problem: Problem, plan: Plan) -> Plan:
    """The same plan (routes, sequences, unserved) with the tightest schedule per route.

    Returns a new Plan; ``plan`` is not changed.
    """
    # Deferred: the solver calls this module at the end of ``solve``.
    from routing.solver import max_ride_seconds, on_board_rules

    tasks = {t.id: t for t in problem.tasks}
    vehicles = {v.id: v for v in problem.vehicles}
    states = {s.vehicle: s for s in problem.states}
    ride = {t.id: max_ride_seconds(problem, t) for t in problem.tasks if t.is_transport}
    routes = []
    for route in plan.routes:
        v = vehicles.get(route.vehicle)
        new = None
        if v is not None:
            st = states.get(v.id)
            rules = on_board_rules(problem, st) if st else {}
            new = _tighten_route(problem, route, v, st, tasks, ride, rules)
        routes.append(new if new is not None else route)
    return replace(plan, routes=routes, unserved=list(plan.unserved))


def _tighten_route(
    problem: Problem,
    route: Route,
    v: Vehicle,
    state: VehicleState | None,
    tasks: dict[str, Task],
    ride: dict[str, int | None],
    on_board: dict[str, tuple[int | None, bool]],
) -> Route | None:
    stops = route.stops
    n = len(stops)
    if n < 2 or stops[0].kind is not StopKind.START or stops[-1].kind is not StopKind.END:
        return None
    earliest = max(v.shift.start, state.time) if state else v.shift.start
    lo = [earliest] * n
    hi = [v.shift.end] * n
    service = [0] * n
    pickup_at: dict[str, int] = {}
    diffs: list[_Diff] = []
    for i, s in enumerate(stops[1:-1], start=1):
        t = tasks.get(s.task or "")
        if t is None:
            return None
        if s.kind is StopKind.DELIVERY:
            d = t.delivery
        elif s.kind in (StopKind.PICKUP, StopKind.VISIT):
            d = t.pickup
        else:
            return None
        if d is None:
            return None
        service[i] = d.service
        if d.window is not None:
            lo[i] = max(lo[i], d.window.start)
            hi[i] = min(hi[i], d.window.end)
        if s.kind is StopKind.PICKUP:
            pickup_at[t.id] = i
        elif s.kind is StopKind.DELIVERY and t.id in on_board:
            deadline, straight = on_board[t.id]
            if deadline is not None:
                hi[i] = min(hi[i], deadline)
            if straight:
                hi[0] = min(hi[0], earliest)
        elif s.kind is StopKind.DELIVERY and t.id in pickup_at:
            limit = ride.get(t.id)
            if limit is not None:
                p = pickup_at[t.id]
                diffs.append((p, i, limit + service[p]))
    if any(a > b for a, b in zip(lo, hi, strict=True)):
        return None
    dur = problem.matrix_for(v.id).durations
    travel = [dur[stops[i].location][stops[i + 1].location] for i in range(n - 1)]
    # t[i+1] - t[i] >= service + travel, i.e. t[i] - t[i+1] <= -(service + travel)
    diffs.extend((i + 1, i, -(service[i] + travel[i])) for i in range(n - 1))

    times = _solve(lo, hi, diffs)
    if times is None:
        return None

    out: list[PlannedStop] = []
    for i, s in enumerate(stops):
        arrival = times[i] if i == 0 else out[-1].departure + travel[i - 1]
        out.append(
            replace(s, arrival=arrival, departure=times[i] + service[i], wait=times[i] - arrival)
        )
    return replace(route, stops=out, done=list(route.done))


def _solve(lo: list[int], hi: list[int], diffs: list[_Diff]) -> list[int] | None:
    """Min t[-1] - t[0], then min sum(t); integer times or None."""
    n = len(lo)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    t = [lp.NumVar(lo[i], hi[i], "") for i in range(n)]
    for i, j, c in diffs:
        row = lp.Constraint(-lp.infinity(), c)
        row.SetCoefficient(t[j], 1)
        row.SetCoefficient(t[i], -1)
    obj = lp.Objective()
    obj.SetCoefficient(t[-1], 1)
    obj.SetCoefficient(t[0], -1)
    obj.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    span = round(obj.Value())
    diffs = [*diffs, (0, n - 1, span)]
    row = lp.Constraint(-lp.infinity(), span)
    row.SetCoefficient(t[-1], 1)
    row.SetCoefficient(t[0], -1)
    obj.Clear()
    for var in t:
        obj.SetCoefficient(var, 1)
    obj.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    times = [round(var.solution_value()) for var in t]
    ok = all(lo[i] <= x <= hi[i] for i, x in enumerate(times)) and all(
        times[j] - times[i] <= c for i, j, c in diffs
    )
    return times if ok else None
